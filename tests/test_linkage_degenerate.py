"""Linkage never fails on valid input: tiny, name-only, identical and placeholder-only batches."""

from __future__ import annotations

import pandas as pd
import pytest

from identity import engine
from identity import schema as s
from identity.linkage import LinkageConfig, link_and_cluster
from support.linkage import crm_rows


def _link(contacts: pd.DataFrame):
    return link_and_cluster(contacts, engine.make_db_api("duckdb"), LinkageConfig())


def _people(count: int, **fields: str) -> list[dict[str, str]]:
    return [{"id": f"003{i:015d}", **fields} for i in range(count)]


def test_one_usable_record_is_one_customer():
    result = _link(crm_rows(_people(1, first_name="Ana", last_name="Lopez")))
    assert result.records == 1
    assert result.customers == 1


def test_two_records_with_only_names_link_when_the_names_agree():
    rows = [
        {"id": "003A", "first_name": "Ana", "last_name": "Lopez"},
        {"id": "003B", "first_name": "Ana", "last_name": "Lopez"},
        {"id": "003C", "first_name": "Zoe", "last_name": "Kowalczyk"},
    ]
    result = _link(crm_rows(rows))
    assert result.records == 3
    design = result.diagnostics["design"]
    assert design["comparisons"] == ["name"]
    assert "email" in design["absent"] and "date_of_birth" in design["absent"]
    assert result.diagnostics["design_summary"].startswith("linked on name;")


def test_a_batch_of_only_names_links_most_people_entered_twice():
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "bo", "da", "fe"]
    firsts = [a.title() + b for a in syllables for b in ("na", "rin")]
    lasts = [a.title() + b + c for a in syllables for b in syllables[:5] for c in ("ski", "ez")]
    rows = []
    for i in range(120):
        given, family = firsts[i % len(firsts)], lasts[(7 * i) % len(lasts)]
        rows.append({"id": f"003p{i:03d}a", "first_name": given, "last_name": family})
        if i % 2 == 0:  # half the people were entered twice
            rows.append({"id": f"003p{i:03d}b", "first_name": given, "last_name": family})
    result = _link(crm_rows(rows))
    assert result.records == len(rows)
    clusters = result.clusters.set_index(s.RECORD_KEY)[s.CLUSTER_ID]
    linked = sum(
        clusters[f"crm:003p{i:03d}a"] == clusters[f"crm:003p{i:03d}b"] for i in range(0, 120, 2)
    )
    assert linked >= 0.8 * 60, linked
    # Nobody is merged with someone of another name.
    names = {f"crm:{row['id']}": (row["first_name"], row["last_name"]) for row in rows}
    for _, members in result.clusters.groupby(s.CLUSTER_ID)[s.RECORD_KEY]:
        assert len({names[key] for key in members}) == 1


def test_every_record_identical_finishes_within_the_size_guard():
    rows = _people(
        300,
        first_name="Jean",
        last_name="Martin",
        email="jean.martin@example.org",
        phone="+33 6 12 34 56 78",
        date_of_birth="1980-04-02",
        street="1 rue de la Paix",
        postal_code="75002",
        city="Paris",
        country="France",
    )
    result = _link(crm_rows(rows))
    assert result.records == 300
    assert result.largest_cluster <= 12
    assert result.diagnostics["design"]["link_type"] == "dedupe_only"


@pytest.mark.slow
def test_ten_thousand_exact_duplicates_finish_and_say_which_rules_were_dropped():
    rows = _people(
        10_000,
        first_name="Test",
        last_name="Customer",
        date_of_birth="1990-01-01",
        street="1 Main Street",
        postal_code="10001",
        city="New York",
        country="US",
    )
    result = _link(crm_rows(rows))
    assert result.records == 10_000
    assert result.largest_cluster <= 12
    notes = result.diagnostics["design"]["notes"]
    assert any("dropped" in note for note in notes), notes
    budget = 10 * 10_000
    scored = result.diagnostics["scored_pairs"]
    assert scored <= budget * len(result.diagnostics["design"]["blocking_rules"]) + 1


def test_a_source_whose_every_email_is_a_placeholder_links_on_the_rest():
    rows = []
    for i in range(40):
        person = {
            "first_name": f"Name{chr(65 + i % 26)}{chr(65 + i // 26)}",
            "last_name": "Okonkwo" if i % 2 else "Fitzgerald",
            "email": "noemail@noemail.com",
            "date_of_birth": f"19{50 + i}-0{1 + i % 9}-1{i % 9}",
            "postal_code": f"{75001 + i}",
            "city": "Paris",
            "country": "France",
        }
        rows.append({"id": f"003{i:04d}x", **person})
        rows.append({"id": f"003{i:04d}y", **person})
    result = _link(crm_rows(rows))
    design = result.diagnostics["design"]
    assert "email" in design["absent"]
    clusters = result.clusters.set_index(s.RECORD_KEY)[s.CLUSTER_ID]
    linked = sum(clusters[f"crm:003{i:04d}x"] == clusters[f"crm:003{i:04d}y"] for i in range(40))
    assert linked == 40
    assert result.customers == 40


@pytest.mark.parametrize("count", [2, 3])
def test_tiny_batches_with_every_attribute_finish(count):
    rows = _people(count, first_name="Ana", last_name="Lopez", email="ana@example.org")
    result = _link(crm_rows(rows))
    assert result.records == count
