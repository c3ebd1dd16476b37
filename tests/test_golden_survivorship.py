"""Survivorship: each rule picks the value the issue says, lineage names record and rule, ties."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from identity import schema as s
from identity.golden import PreviousRun, build_golden, load_rules
from identity.golden.survivorship import (
    AGREEMENT,
    ONLY,
    TIE_BREAK,
    SurvivorshipRules,
    lineage_fragments,
    survive_attribute,
)

TRUST = {"crm": 4, "ecommerce": 3, "pos": 2, "social": 1}
ADDRESS = [s.STREET, s.POSTAL_CODE, s.CITY, s.COUNTRY]


def rules(attribute: str, *order: str) -> SurvivorshipRules:
    """Rules for one attribute (or the address group) in the given order."""
    return SurvivorshipRules(
        source_trust=TRUST, rules={attribute: list(order)}, groups={"address": ADDRESS}
    )


def contacts(*rows: dict[str, object]) -> pd.DataFrame:
    """Standardised contacts of one or more clusters; unspecified values are missing.

    Each row needs ``key`` (``source:id``) and may give ``cluster`` (default ``c1``),
    ``updated`` / ``created`` (ISO dates) and any contact column.
    """
    records = []
    for row in rows:
        system, record_id = s.split_record_key(str(row["key"]))
        record = dict.fromkeys(s.CONTACT_COLUMNS)
        record.update(
            {
                s.RECORD_KEY: row["key"],
                s.SOURCE_SYSTEM: system,
                s.SOURCE_RECORD_ID: record_id,
                s.CLUSTER_ID: row.get("cluster", "c1"),
                s.CREATED_AT: pd.Timestamp(row.get("created", "2020-01-01"), tz="UTC"),
                s.UPDATED_AT: pd.Timestamp(row["updated"], tz="UTC") if "updated" in row else None,
            }
        )
        record.update({k: v for k, v in row.items() if k in s.CONTACT_COLUMNS})
        records.append(record)
    frame = pd.DataFrame(records)
    frame[s.CREATED_AT] = pd.to_datetime(frame[s.CREATED_AT], utc=True)
    frame[s.UPDATED_AT] = pd.to_datetime(frame[s.UPDATED_AT], utc=True)
    return frame


def winner(frame: pd.DataFrame, attribute: str, rule_set: SurvivorshipRules) -> pd.Series:
    out = survive_attribute(frame, attribute, rule_set)
    assert len(out) == 1
    return out.iloc[0]


# --- one test per rule: the rule alone decides, and lineage names it -------------------------


def test_source_trust_prefers_the_more_trusted_system() -> None:
    frame = contacts(
        {"key": "social:1", s.FIRST_NAME: "Bob", "updated": "2026-01-01"},
        {"key": "crm:9", s.FIRST_NAME: "Robert", "updated": "2019-01-01"},
        {"key": "pos:5", s.FIRST_NAME: "Rob", "updated": "2025-01-01"},
    )
    won = winner(frame, s.FIRST_NAME, rules(s.FIRST_NAME, "source_trust", "recency"))
    assert (won[s.FIRST_NAME], won[s.SOURCE_SYSTEM], won[s.SOURCE_RECORD_ID]) == (
        "Robert",
        "crm",
        "9",
    )
    assert won["rule"] == "source_trust"


def test_recency_prefers_the_latest_update_then_creation() -> None:
    frame = contacts(
        {"key": "crm:1", s.EMAIL: "old@mail.com", "updated": "2024-05-01"},
        # No update date: its creation date (later than the other's update) counts.
        {"key": "pos:2", s.EMAIL: "new@mail.com", "created": "2025-02-01"},
        {"key": "social:3", s.EMAIL: "older@mail.com", "created": "2023-01-01"},
    )
    won = winner(frame, s.EMAIL, rules(s.EMAIL, "recency", "source_trust"))
    assert (won[s.EMAIL], won[s.RECORD_KEY], won["rule"]) == ("new@mail.com", "pos:2", "recency")


def test_completeness_prefers_the_fuller_address_then_the_longer_value() -> None:
    frame = contacts(
        {"key": "crm:1", s.CITY: "Leeds", s.COUNTRY: "GB"},
        {
            "key": "social:2",
            s.STREET: "1 Park Row",
            s.POSTAL_CODE: "LS1 5HN",
            s.CITY: "Leeds",
            s.COUNTRY: "GB",
        },
    )
    won = winner(frame, "address", rules("address", "completeness", "source_trust"))
    assert won[ADDRESS].tolist() == ["1 Park Row", "LS1 5HN", "Leeds", "GB"]
    assert (won[s.RECORD_KEY], won["rule"]) == ("social:2", "completeness")

    names = contacts(
        {"key": "crm:1", s.FIRST_NAME: "Rob"}, {"key": "social:2", s.FIRST_NAME: "Robert"}
    )
    won = winner(names, s.FIRST_NAME, rules(s.FIRST_NAME, "completeness", "source_trust"))
    assert (won[s.FIRST_NAME], won["rule"]) == ("Robert", "completeness")


def test_frequency_prefers_the_value_most_records_hold() -> None:
    frame = contacts(
        {"key": "crm:1", s.LAST_NAME: "Smyth", "updated": "2026-01-01"},
        {"key": "pos:2", s.LAST_NAME: "Smith"},
        {"key": "social:3", s.LAST_NAME: "Smith"},
    )
    won = winner(frame, s.LAST_NAME, rules(s.LAST_NAME, "frequency", "source_trust"))
    # Among the two "Smith" records the next rule (trust) picks which one the lineage names.
    assert (won[s.LAST_NAME], won[s.RECORD_KEY], won["rule"]) == ("Smith", "pos:2", "frequency")


def test_validity_a_failed_value_loses_to_any_valid_one() -> None:
    frame = contacts(
        # Most trusted and most recent, but not an email address.
        {"key": "crm:1", s.EMAIL: "jane(at)mail.com", "updated": "2026-06-01"},
        {"key": "social:2", s.EMAIL: "jane@mail.com", "updated": "2020-01-01"},
    )
    won = winner(frame, s.EMAIL, rules(s.EMAIL, "validity", "recency", "source_trust"))
    assert (won[s.EMAIL], won[s.RECORD_KEY], won["rule"]) == (
        "jane@mail.com",
        "social:2",
        "validity",
    )


@pytest.mark.parametrize(
    ("column", "bad", "good"),
    [
        (s.PHONE, "0612345678", "+33612345678"),  # not E.164
        (s.FIRST_NAME, "J0hn", "John"),
        (s.COUNTRY, "France", "FR"),
        (s.DATE_OF_BIRTH, "1850-01-01", "1980-05-17"),
        (s.DATE_OF_BIRTH, "2026-12-01", "1980-05-17"),  # after the record was written
        (s.DATE_OF_BIRTH, "1980-13-45", "1980-05-17"),
    ],
)
def test_validity_checks_each_attribute(column: str, bad: str, good: str) -> None:
    frame = contacts(
        {"key": "crm:1", column: bad, "updated": "2026-06-01"},
        {"key": "social:2", column: good, "updated": "2020-01-01"},
    )
    won = winner(frame, column, rules(column, "validity", "source_trust", "recency"))
    assert (won[column], won["rule"]) == (good, "validity")


def test_a_failed_value_never_survives_even_alone_or_unranked() -> None:
    alone = contacts({"key": "crm:1", s.EMAIL: "not-an-email"})
    assert survive_attribute(alone, s.EMAIL, rules(s.EMAIL, "recency")).empty
    # Validity is enforced even when a configuration forgets to rank it.
    frame = contacts(
        {"key": "crm:1", s.EMAIL: "not-an-email", "updated": "2026-01-01"},
        {"key": "pos:2", s.EMAIL: "ok@mail.com", "updated": "2020-01-01"},
    )
    won = winner(frame, s.EMAIL, rules(s.EMAIL, "recency", "source_trust"))
    assert (won[s.EMAIL], won["rule"]) == ("ok@mail.com", "validity")


# --- order, ties and the labels that are not rules -------------------------------------------


def test_rule_order_decides_and_later_rules_only_break_ties() -> None:
    frame = contacts(
        {"key": "crm:1", s.PHONE: "+441134960000", "updated": "2021-01-01"},
        {"key": "social:2", s.PHONE: "+441134960999", "updated": "2026-01-01"},
    )
    trust_first = winner(frame, s.PHONE, rules(s.PHONE, "source_trust", "recency"))
    recency_first = winner(frame, s.PHONE, rules(s.PHONE, "recency", "source_trust"))
    assert (trust_first[s.RECORD_KEY], trust_first["rule"]) == ("crm:1", "source_trust")
    assert (recency_first[s.RECORD_KEY], recency_first["rule"]) == ("social:2", "recency")


def test_the_rule_named_is_the_one_that_beat_a_different_value() -> None:
    frame = contacts(
        {"key": "crm:1", s.EMAIL: "a@mail.com", "updated": "2025-01-01"},
        {"key": "pos:2", s.EMAIL: "a@mail.com", "updated": "2024-01-01"},
        {"key": "social:3", s.EMAIL: "b@mail.com", "updated": "2026-01-01"},
    )
    won = winner(frame, s.EMAIL, rules(s.EMAIL, "frequency", "recency"))
    # crm:1 also beats pos:2 on recency, but that is the same value: frequency beat "b".
    assert (won[s.EMAIL], won[s.RECORD_KEY], won["rule"]) == ("a@mail.com", "crm:1", "frequency")


def test_a_full_tie_goes_to_the_smallest_record_key_whatever_the_row_order() -> None:
    rows = [
        {"key": "pos:B7", s.FIRST_NAME: "Anne", "updated": "2024-01-01"},
        {"key": "pos:A3", s.FIRST_NAME: "Anna", "updated": "2024-01-01"},
        {"key": "pos:C1", s.FIRST_NAME: "Ania", "updated": "2024-01-01"},
    ]
    order = rules(s.FIRST_NAME, "validity", "frequency", "source_trust", "recency")
    for shuffled in (rows, rows[::-1], [rows[1], rows[2], rows[0]]):
        won = winner(contacts(*shuffled), s.FIRST_NAME, order)
        assert (won[s.FIRST_NAME], won[s.RECORD_KEY], won["rule"]) == ("Anna", "pos:A3", TIE_BREAK)


def test_agreement_and_only_candidate() -> None:
    frame = contacts(
        {"key": "pos:2", s.CITY: "Lyon", s.COUNTRY: "FR", "updated": "2021-01-01"},
        {"key": "crm:1", s.CITY: "Lyon", s.COUNTRY: "FR", "updated": "2025-01-01"},
        {"key": "social:9", s.CITY: "Paris", s.COUNTRY: "FR", "cluster": "c2"},
    )
    out = survive_attribute(frame, "address", rules("address", "recency", "source_trust"))
    out = out.set_index(s.CLUSTER_ID)
    # All records agree: the lineage still names the best-ranked one (the most recent).
    assert (out.at["c1", s.RECORD_KEY], out.at["c1", "rule"]) == ("crm:1", AGREEMENT)
    assert (out.at["c2", s.RECORD_KEY], out.at["c2", "rule"]) == ("social:9", ONLY)


def test_clusters_without_candidates_get_no_row() -> None:
    frame = contacts({"key": "crm:1", s.EMAIL: "a@mail.com"}, {"key": "pos:2", "cluster": "c2"})
    out = survive_attribute(frame, s.EMAIL, rules(s.EMAIL, "recency"))
    assert out[s.CLUSTER_ID].tolist() == ["c1"]


# --- configuration ---------------------------------------------------------------------------


def test_packaged_rules_rank_validity_first_and_cover_every_golden_attribute() -> None:
    packaged = load_rules()
    covered = {c for attribute in packaged.rules for c in packaged.columns(attribute)}
    assert covered == set(s.GOLDEN_ATTRIBUTES)
    assert all(order[0] == "validity" for order in packaged.rules.values())


def test_unknown_rule_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps({"source_trust": TRUST, "rules": {"email": ["recency", "loudest"]}}),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"rules\.json.*'email'.*loudest"):
        load_rules(path)


# --- lineage in the golden row ---------------------------------------------------------------


def _golden(frame: pd.DataFrame) -> pd.DataFrame:
    clusters = frame[[s.RECORD_KEY, s.CLUSTER_ID]]
    contacts_only = frame.drop(columns=[s.CLUSTER_ID])
    return build_golden(contacts_only, clusters, PreviousRun.empty(), "run-1").golden


def test_golden_lineage_names_the_record_and_rule_of_every_value() -> None:
    frame = contacts(
        {
            "key": "crm:1",
            s.FIRST_NAME: "Robert",
            s.LAST_NAME: "Smith",
            s.EMAIL: "rob@old.com",
            s.CITY: "Leeds",
            s.COUNTRY: "GB",
            s.DATE_OF_BIRTH: "1980-05-17",
            "updated": "2020-01-01",
        },
        {
            "key": "ecommerce:7",
            s.FIRST_NAME: "Bob",
            s.LAST_NAME: "Smith",
            s.EMAIL: "bob@new.com",
            s.PHONE: "+441134960000",
            s.STREET: "1 Park Row",
            s.POSTAL_CODE: "LS1 5HN",
            s.CITY: "Leeds",
            s.COUNTRY: "GB",
            "updated": "2026-01-01",
        },
    )
    golden = _golden(frame)
    assert len(golden) == 1
    row = golden.iloc[0]
    lineage = json.loads(row["lineage"])
    assert row[s.EMAIL] == "bob@new.com"
    assert lineage[s.EMAIL] == {
        "source_system": "ecommerce",
        "source_record_id": "7",
        "rule": "recency",
    }
    assert row[s.FIRST_NAME] == "Robert"  # frequency ties, longer value: completeness
    assert lineage[s.FIRST_NAME]["rule"] == "completeness"
    assert lineage[s.LAST_NAME]["rule"] == AGREEMENT
    assert lineage[s.PHONE]["rule"] == ONLY
    assert lineage[s.DATE_OF_BIRTH] == {
        "source_system": "crm",
        "source_record_id": "1",
        "rule": ONLY,
    }
    # The address survives as one fact: every column from the same record.
    assert {lineage[c]["source_record_id"] for c in ADDRESS} == {"7"}
    assert row[ADDRESS].tolist() == ["1 Park Row", "LS1 5HN", "Leeds", "GB"]
    # Each surviving value is the value of the record its lineage names.
    by_id = frame.set_index(s.SOURCE_RECORD_ID)
    for column, entry in lineage.items():
        assert by_id.at[entry["source_record_id"], column] == row[column]
    assert set(lineage) == {
        c for c in ADDRESS + [s.FIRST_NAME, s.LAST_NAME, s.EMAIL, s.PHONE, s.DATE_OF_BIRTH]
    }


def test_lineage_is_left_out_for_values_nobody_holds() -> None:
    golden = _golden(contacts({"key": "pos:1", s.FIRST_NAME: "Ana", s.EMAIL: "bad@"}))
    lineage = json.loads(golden.at[0, "lineage"])
    assert set(lineage) == {s.FIRST_NAME}
    assert pd.isna(golden.at[0, s.EMAIL])


def test_lineage_json_is_what_json_dumps_writes_for_awkward_ids() -> None:
    winners = pd.DataFrame(
        {
            s.SOURCE_SYSTEM: ["crm", "social"],
            s.SOURCE_RECORD_ID: ['a"b\\c', "é\u0001"],
            "rule": ["recency", ONLY],
        }
    )
    fragments = lineage_fragments(winners).to_pylist()
    for text, (_, row) in zip(fragments, winners.iterrows(), strict=True):
        expected = {k: row[k] for k in ("source_system", "source_record_id", "rule")}
        assert text == json.dumps(expected, sort_keys=True, ensure_ascii=False)
