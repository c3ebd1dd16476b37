"""Linkage columns: name-shaped email local parts and nickname forms."""

from __future__ import annotations

import pandas as pd

from identity import schema as s
from identity.linkage import model as m
from identity.linkage.prepare import _name_shaped, name_forms, prepare


def test_a_local_part_that_is_only_the_name_is_recognised():
    for local in ("jean.martin", "jeanmartin", "martin.jean", "jmartin", "martin", "jean_martin"):
        assert _name_shaped(local, "jean", "martin"), local
    # Failing data: anything beyond the name makes the address distinctive.
    for local in ("jean.martin84", "jm.photo", "famille.martin", "jeanne.martin"):
        assert not _name_shaped(local, "jean", "martin"), local
    assert not _name_shaped(None, "jean", "martin")
    assert not _name_shaped("jean.martin", None, None)


def test_nickname_forms_join_the_short_and_the_formal_name():
    def compatible(a: str, b: str) -> bool:
        return bool(set(name_forms(a)) & set(name_forms(b)))

    assert compatible("katie", "katherine")
    assert compatible("kate", "catherine")
    assert compatible("manu", "emmanuelle")
    assert not compatible("claire", "thomas")


def test_prepare_keeps_only_distinctive_local_parts_for_comparison():
    contacts = pd.DataFrame(
        {
            s.RECORD_KEY: ["crm:1", "crm:2"],
            s.SOURCE_SYSTEM: ["crm", "crm"],
            s.FIRST_NAME_STD: ["jean", "jean"],
            s.LAST_NAME_STD: ["martin", "martin"],
            s.EMAIL: ["jean.martin@free.fr", "jean.martin84@free.fr"],
            s.EMAIL_LOCAL: ["jean.martin", "jean.martin84"],
            s.PHONE: [None, None],
            s.PHONE_NATIONAL: [None, None],
            s.DATE_OF_BIRTH: [None, None],
            s.POSTCODE_STD: [None, None],
            s.CITY_STD: [None, None],
            s.STREET_STD: [None, None],
        }
    )
    frame = prepare(contacts)
    assert frame[m.EMAIL_LOCAL_DISTINCT].tolist() == [None, "jean.martin84"]
    assert frame[m.EMAIL_LOCAL].tolist() == ["jean.martin", "jean.martin84"]
