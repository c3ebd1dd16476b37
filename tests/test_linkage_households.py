"""Households and shared family inboxes must not merge people; true duplicates still must."""

from __future__ import annotations

from typing import Any

import pytest

from support.linkage import World, cluster_of, crm_rows, link_with_world

# Each test links its records among a generated world, with the model trained on it.
pytestmark = pytest.mark.slow

HOME = {
    "street": "12 rue des Acacias",
    "postal_code": "75011",
    "city": "Paris",
    "country": "FR",
}
LANDLINE = "+33 1 43 55 12 12"
INBOX = "famille.lefebvre@orange.fr"


def _family() -> list[dict[str, str]]:
    """Four Lefebvres at one address and landline, three sharing an inbox; two have duplicates."""
    return [
        # Claire, three records: the family inbox on one, her own address and mobile on others.
        {
            "id": "claire_a",
            "first_name": "Claire",
            "last_name": "Lefebvre",
            "email": INBOX,
            "phone": LANDLINE,
            "date_of_birth": "1972-06-02",
            **HOME,
        },
        {
            "id": "claire_b",
            "first_name": "Clarie",
            "last_name": "Lefebvre",
            "email": "claire.lefebvre72@gmail.com",
            "mobile_phone": "06 12 45 78 90",
            **HOME,
        },
        {
            "id": "claire_c",
            "first_name": "CLAIRE",
            "last_name": "LEFEBVRE",
            "email": "claire.lefebvre72@gmail.com",
            "date_of_birth": "1972-06-02",
            **HOME,
        },
        # Thomas, twice: the family inbox, then his nickname with his own email and mobile.
        {
            "id": "thomas_a",
            "first_name": "Thomas",
            "last_name": "Lefebvre",
            "email": INBOX,
            "phone": LANDLINE,
            "date_of_birth": "1970-03-14",
            **HOME,
        },
        {
            "id": "thomas_b",
            "first_name": "Tom",
            "last_name": "Lefebvre",
            "email": "thomas.lefebvre@free.fr",
            "mobile_phone": "06 98 76 54 32",
            **HOME,
        },
        # The children: the landline and address, one of them the family inbox too.
        {
            "id": "hugo",
            "first_name": "Hugo",
            "last_name": "Lefebvre",
            "email": "hugo.lefebvre@gmail.com",
            "phone": LANDLINE,
            "date_of_birth": "2001-09-23",
            **HOME,
        },
        {
            "id": "emma",
            "first_name": "Emma",
            "last_name": "Lefebvre",
            "email": INBOX,
            "phone": LANDLINE,
            **HOME,
        },
    ]


def test_household_members_stay_apart_and_their_duplicates_merge(
    linkage_world: World, world_model: dict[str, Any]
):
    family = crm_rows([{**row, "id": f"0038d000house{row['id']}"} for row in _family()])
    clusters = cluster_of(link_with_world(family, linkage_world, world_model))

    def of(name: str) -> str:
        return clusters.loc[f"crm:0038d000house{name}"]

    # True duplicates of one person are found...
    assert of("claire_a") == of("claire_b") == of("claire_c")
    assert of("thomas_a") == of("thomas_b")
    # ...but the shared surname, address, landline and inbox never make one customer of two.
    people = [of("claire_a"), of("thomas_a"), of("hugo"), of("emma")]
    assert len(set(people)) == 4
    # Nobody from the generated world joined the family either.
    family_keys = set(family["record_key"])
    assert set(clusters[clusters.isin(people)].index) == family_keys


def test_a_shared_inbox_joins_one_persons_records_but_not_a_relative(
    linkage_world: World, world_model: dict[str, Any]
):
    # Failing data for the rule: the same inbox with the *same* first name is one person.
    rows = [
        {
            "id": "0038d000inboxa",
            "first_name": "Louise",
            "last_name": "Girard",
            "email": "famille.girard@free.fr",
            "date_of_birth": "1980-02-02",
            **HOME,
        },
        {
            "id": "0038d000inboxb",
            "first_name": "Louise",
            "last_name": "Girard",
            "email": "famille.girard@free.fr",
            **HOME,
        },
        {
            "id": "0038d000inboxc",
            "first_name": "Marc",
            "last_name": "Girard",
            "email": "famille.girard@free.fr",
            **HOME,
        },
    ]
    clusters = cluster_of(link_with_world(crm_rows(rows), linkage_world, world_model))
    assert clusters.loc["crm:0038d000inboxa"] == clusters.loc["crm:0038d000inboxb"]
    assert clusters.loc["crm:0038d000inboxc"] != clusters.loc["crm:0038d000inboxa"]
