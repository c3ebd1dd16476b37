"""Guards against junk identifiers and giant clusters (DuckDB, small data)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from identity import engine
from identity.linkage import Guards, LinkageConfig, link_and_cluster
from identity.linkage.cluster import cluster
from identity.linkage.prepare import prepare
from support.linkage import World, cluster_of, crm_rows, link_with_world

FIRST = [
    "Agnès",
    "Bruno",
    "Chloé",
    "Damien",
    "Elise",
    "Fabien",
    "Gisèle",
    "Hugo",
    "Inès",
    "Jules",
    "Karine",
    "Lucas",
    "Manon",
    "Noël",
    "Odile",
    "Pascal",
    "Quentin",
    "Rose",
    "Simon",
    "Thérèse",
    "Ugo",
    "Vivien",
    "Wendy",
    "Xavier",
    "Yvette",
    "Zoé",
    "Adrien",
    "Blanche",
    "Cyril",
    "Denise",
    "Emile",
    "Fanny",
    "Gaston",
    "Hélène",
    "Igor",
    "Josiane",
    "Kevin",
    "Léa",
    "Marcel",
    "Nadia",
    "Olivier",
    "Paule",
    "Rémi",
    "Sylvie",
    "Tristan",
    "Ursule",
    "Valentin",
    "William",
    "Yann",
    "Zacharie",
]
LAST = [
    "Aubert",
    "Barre",
    "Carpentier",
    "Delorme",
    "Estève",
    "Faure",
    "Gillet",
    "Hamon",
    "Imbert",
    "Jacob",
    "Klein",
    "Laine",
    "Mallet",
    "Navarro",
    "Olivier",
    "Perrot",
    "Quere",
    "Riviere",
    "Sauvage",
    "Tessier",
    "Uzan",
    "Vidal",
    "Weber",
    "Xerri",
    "Yon",
    "Zeller",
    "Arnaud",
    "Besson",
    "Collin",
    "Dupuis",
    "Etienne",
    "Fleury",
    "Giraud",
    "Huet",
    "Joly",
    "Kaplan",
    "Lebrun",
    "Marty",
    "Noel",
    "Ollivier",
    "Pichon",
    "Renaud",
    "Schmitt",
    "Thibault",
    "Vasseur",
    "Wagner",
    "Ybert",
    "Zimmer",
    "Lacroix",
    "Brunet",
]
CITIES = (("75011", "Paris"), ("69003", "Lyon"), ("13001", "Marseille"), ("33000", "Bordeaux"))


def _strangers(email: str, phone: str) -> pd.DataFrame:
    """50 different people who all typed the same email and phone (an agency's test values)."""
    rows = []
    for i in range(50):
        postcode, city = CITIES[i % len(CITIES)]
        rows.append(
            {
                "id": f"0038d000guard{i:05d}",
                "first_name": FIRST[i],
                "last_name": LAST[i],
                "email": email,
                "phone": phone,
                "street": f"{i + 1} rue des Lilas",
                "postal_code": postcode,
                "city": city,
                "country": "FR",
                "date_of_birth": f"19{50 + i}-0{1 + i % 9}-1{i % 10}",
            }
        )
    return crm_rows(rows)


def _no_two_strangers_together(strangers: pd.DataFrame, clusters: pd.Series) -> None:
    keys = strangers["record_key"]
    theirs = clusters.loc[keys]
    # Different people: no cluster may hold two of them, nor any of them with a generated record.
    assert theirs.is_unique
    sizes = clusters.value_counts()
    assert (sizes.loc[theirs.to_numpy()] == 1).all()


# Links the strangers among a generated world, with the model trained on it.
@pytest.mark.slow
def test_placeholder_email_and_phone_do_not_join_50_people(
    linkage_world: World, world_model: dict[str, Any]
):
    strangers = _strangers("test@test.com", "0000000000")
    # Standardisation already treats these as placeholders: no record keeps them.
    assert strangers["email"].isna().all() and strangers["phone"].isna().all()
    result = link_with_world(strangers, linkage_world, world_model)
    _no_two_strangers_together(strangers, cluster_of(result))


# Links the strangers among a generated world, with the model trained on it.
@pytest.mark.slow
def test_an_over_frequent_real_looking_email_and_phone_are_ignored(
    linkage_world: World, world_model: dict[str, Any]
):
    strangers = _strangers("frontdesk@grand-hotel-lyon.fr", "+33 4 78 42 10 10")
    # Valid values, so standardisation keeps them; the linkage guard must drop them.
    assert strangers["email"].notna().all() and strangers["phone"].notna().all()
    frame = prepare(strangers, Guards(max_identifier_frequency=12))
    assert frame["email"].isna().all() and frame["phone"].isna().all()
    assert frame["email_local"].isna().all() and frame["phone_national"].isna().all()
    # Failing data for the check itself: under the limit, the same values are kept.
    kept = prepare(strangers, Guards(max_identifier_frequency=60))
    assert kept["email"].notna().all() and kept["phone"].notna().all()

    result = link_with_world(strangers, linkage_world, world_model)
    _no_two_strangers_together(strangers, cluster_of(result))


def _chain_edges() -> tuple[pd.Series, pd.DataFrame]:
    """Two tight groups of 8 records joined by one weak link: 16 records in one component."""
    keys = pd.Series([f"r{i:02d}" for i in range(16)])
    rows = []
    for group in (range(0, 8), range(8, 16)):
        members = list(group)
        for a, b in zip(members, members[1:], strict=False):
            rows.append((f"r{a:02d}", f"r{b:02d}", 15.0 + a / 10))
    rows.append(("r07", "r08", 0.5))  # the weakest link
    edges = pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_weight"])
    return keys, edges


def test_a_cluster_above_the_limit_is_split_at_its_weakest_link():
    keys, edges = _chain_edges()
    result = cluster(keys, edges, threshold=0.0, max_cluster_size=12)
    clusters = result.assignments.set_index("record_key")["cluster_id"]
    assert clusters.nunique() == 2
    assert set(clusters.loc[[f"r{i:02d}" for i in range(8)]]) == {"r00"}
    assert set(clusters.loc[[f"r{i:02d}" for i in range(8, 16)]]) == {"r08"}
    assert result.oversized == [{"cluster_id": "r00", "size": 16, "parts": 2, "links_removed": 1}]
    # The removed link is not reported as a kept link.
    assert not (
        (result.links["unique_id_l"] == "r07") & (result.links["unique_id_r"] == "r08")
    ).any()


def test_a_cluster_within_the_limit_is_left_whole():
    keys, edges = _chain_edges()
    result = cluster(keys, edges, threshold=0.0, max_cluster_size=16)
    assert result.assignments["cluster_id"].nunique() == 1
    assert result.oversized == []


# Links a generated world with the model trained on it.
@pytest.mark.slow
def test_oversized_clusters_are_flagged_in_the_run_diagnostics(
    linkage_world: World, world_model: dict[str, Any]
):
    limit = 2
    contacts = linkage_world.contacts
    config = LinkageConfig(blocking_analysis=False, trained_model=world_model)
    result = link_and_cluster(
        contacts, engine.make_db_api("duckdb"), config, Guards(max_cluster_size=limit)
    )
    assert result.largest_cluster <= limit
    assert result.oversized, "the generated world has people with 3 or 4 records"
    assert result.diagnostics["oversized"] == result.oversized
    assert all(entry["size"] > limit and entry["parts"] >= 2 for entry in result.oversized)
    # Without the tight limit the same people form clusters above it.
    whole = link_and_cluster(contacts, engine.make_db_api("duckdb"), config)
    assert whole.largest_cluster > limit and whole.oversized == []
