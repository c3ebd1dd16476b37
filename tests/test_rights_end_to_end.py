"""Acceptance of issue 19: an erased person leaves no trace, and does not come back.

The real job runs twice on generated exports (DuckDB), so that every table has history; a
person whose name is unique is exported (``identity export-subject``), erased by email
(``identity erase``), and the same exports run again. Then every file under the warehouse and
``DAGSTER_HOME`` (every Delta version and log, parquet decoded, JSON, HTML, CSV, Dagster's
databases and compute logs) is searched for their name, email, phones and record ids.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from deltalake import DeltaTable

from dagster_project.cli import main, run_job
from dagster_project.failures import failure_message
from identity import evaluate
from identity import publish as pub
from identity import schema as s
from identity.readers.landing import read_landing_source
from identity.standardise import normalise_email, normalise_phone
from support.rights import SECRET, file_text, scan
from support.runs import run_sources

pytestmark = pytest.mark.slow

PEOPLE = 300
SEED = 11


def _run(landing: Path, warehouse: Path) -> str:
    ok, run_id, result = run_job(str(landing), str(warehouse), "duckdb")
    assert ok, failure_message(result)
    return run_id


def _text(frame: pd.DataFrame) -> str:
    return " ".join(frame.astype(str).to_numpy().ravel()).lower()


def _person(landing: Path, warehouse: Path) -> dict:
    """A generated person all of whose records are one customer, holding nobody else's, with
    an email, a phone and a surname nobody else's data contains (so any hit is theirs)."""
    truth = evaluate.read_truth(landing / "truth.csv")
    crosswalk = pub.read_table(warehouse, pub.CROSSWALK)
    crosswalk[s.RECORD_KEY] = s.record_key(
        crosswalk[s.SOURCE_SYSTEM], crosswalk[s.SOURCE_RECORD_ID]
    )
    golden = pub.read_table(warehouse, pub.GOLDEN).set_index(s.CUSTOMER_ID)
    quarantine = _text(pub.read_table(warehouse, pub.QUARANTINE))
    owner = crosswalk.set_index(s.RECORD_KEY)[s.CUSTOMER_ID]
    records_of = crosswalk.groupby(s.CUSTOMER_ID)[s.RECORD_KEY].apply(set)
    candidates = []
    for entity, keys in truth.groupby(s.ENTITY_ID)[s.RECORD_KEY].apply(set).items():
        customers = set(owner.reindex(list(keys)).dropna())
        if len(customers) != 1:
            continue
        customer = customers.pop()
        row = golden.loc[customer]
        if records_of[customer] != keys or pd.isna(row[s.EMAIL]) or pd.isna(row[s.PHONE]):
            continue
        surname = str(row[s.LAST_NAME] or "")
        others = _text(golden.drop(index=customer).reset_index())
        needles = [surname.lower(), row[s.EMAIL], row[s.PHONE]]
        if len(surname) < 5 or any(n in others or n in quarantine for n in needles):
            continue
        candidates.append((surname, entity, customer, keys))
    surname, entity, customer, keys = min(candidates)
    row = golden.loc[customer]
    return {
        "entity": entity,
        "customer": customer,
        "records": keys,
        "first": row[s.FIRST_NAME],
        "surname": surname,
        "email": row[s.EMAIL],
        "phone": row[s.PHONE],
        "landed": _landed(landing, keys, row[s.EMAIL], row[s.PHONE]),
    }


def _landed(landing: Path, keys: set[str], email: str, phone: str) -> set[str]:
    """The person's email and phone exactly as their exports spell them (case, spaces, ``'``)."""
    national = phone.lstrip("+")[-9:]
    found: set[str] = set()
    for system in s.SOURCE_SYSTEMS:
        records = read_landing_source(landing, system).records
        mine = records[
            s.record_key(records[s.SOURCE_SYSTEM], records[s.SOURCE_RECORD_ID]).isin(keys)
        ]
        for value in mine[s.EMAIL].dropna():
            if normalise_email(value) == email:
                found.add(value.strip())
        for value in pd.concat([mine[s.PHONE], mine[s.MOBILE_PHONE]]).dropna():
            digits = "".join(c for c in value if c.isdigit())
            if national in digits or normalise_phone(value, None)[0] == phone:
                found.add(value.strip().lstrip("'").removeprefix("p:"))
    return found


@pytest.fixture(scope="module")
def erased(tmp_path_factory: pytest.TempPathFactory, dagster_home: Path):
    """Two runs, the export, the erasure, and a third run on the same exports."""
    from identity_demo import generate

    os.environ["IDENTITY_ERASURE_KEY"] = SECRET
    root = tmp_path_factory.mktemp("rights")
    landing, warehouse = root / "landing", root / "warehouse"
    generate(PEOPLE, landing, seed=SEED)
    _run(landing, warehouse)
    second = _run(landing, warehouse)
    person = _person(landing, warehouse)
    before = {
        "golden": pub.read_table(warehouse, pub.GOLDEN),
        "crosswalk": pub.read_table(warehouse, pub.CROSSWALK),
        "sources": run_sources(warehouse, second),
        "scan": scan([warehouse, dagster_home], _needles(person)),
    }
    export = root / "subject.json"
    assert main(["export-subject", "--email", person["email"].upper(), "--warehouse",
                 str(warehouse), "--out", str(export)]) == 0  # fmt: skip
    assert main(["erase", "--email", person["email"], "--warehouse", str(warehouse)]) == 0
    third = _run(landing, warehouse)
    try:
        yield {
            "landing": landing, "warehouse": warehouse, "home": dagster_home, "person": person,
            "before": before, "export": json.loads(export.read_text("utf-8")), "third": third,
        }  # fmt: skip
    finally:
        del os.environ["IDENTITY_ERASURE_KEY"]


def _needles(person: dict) -> list[str]:
    ids = [s.split_record_key(key)[1] for key in person["records"]]
    full = f"{person['first']} {person['surname']}"
    return [full, person["surname"], person["email"], person["phone"], *person["landed"], *ids]


def test_the_scanner_found_the_person_everywhere_before(erased) -> None:
    found = erased["before"]["scan"]
    person = erased["person"]
    assert any(path.endswith(".parquet") for path in found)
    hits = {needle for needles in found.values() for needle in needles}
    assert {person["email"], person["phone"], person["surname"].lower()} <= hits
    # And a planted value is found in plain text and in a compressed parquet file alike.
    planted = erased["warehouse"].parent / "planted"
    planted.mkdir()
    (planted / "log.txt").write_text(f"INFO x {person['email'].upper()}\n", "utf-8")
    pd.DataFrame({"v": [person["surname"]] * 1000}).to_parquet(planted / "p.parquet")
    assert set(scan([planted], [person["email"], person["surname"]])) == {
        str(planted / "log.txt"),
        str(planted / "p.parquet"),
    }


def test_nothing_about_the_person_is_left_in_any_file(erased) -> None:
    assert scan([erased["warehouse"], erased["home"]], _needles(erased["person"])) == {}
    # Nor the secret, which Dagster keeps as the variable's name only.
    assert scan([erased["warehouse"], erased["home"]], [SECRET]) == {}


def test_the_export_held_every_crosswalk_record_of_the_person(erased) -> None:
    person, before = erased["person"], erased["before"]["crosswalk"]
    held = before[before[s.CUSTOMER_ID] == person["customer"]]
    [customer] = erased["export"]["customers"]
    exported = {(r[s.SOURCE_SYSTEM], r[s.SOURCE_RECORD_ID]) for r in customer["source_records"]}
    assert exported == set(zip(held[s.SOURCE_SYSTEM], held[s.SOURCE_RECORD_ID], strict=True))
    assert exported == {s.split_record_key(k) for k in person["records"]}
    golden = customer["golden"]
    assert golden[s.EMAIL] == person["email"] and golden[s.LAST_NAME] == person["surname"]
    assert (
        set(golden[s.LINEAGE])
        == set(s.GOLDEN_ATTRIBUTES) & {k for k, v in golden.items() if v is not None}
        or golden[s.LINEAGE]
    )
    assert {c[s.CHANGE_TYPE] for c in customer["changes"]} == {"new"}


def test_every_other_customer_is_unchanged(erased) -> None:
    person = erased["person"]
    old = erased["before"]["golden"]
    new = pub.read_table(erased["warehouse"], pub.GOLDEN)
    old = old[old[s.CUSTOMER_ID] != person["customer"]].drop(columns=s.RUN_ID)
    new = new.drop(columns=s.RUN_ID)
    key = s.CUSTOMER_ID
    pd.testing.assert_frame_equal(
        old.sort_values(key).reset_index(drop=True), new.sort_values(key).reset_index(drop=True)
    )


def test_the_balance_holds_with_the_erased_rows(erased) -> None:
    sources = run_sources(erased["warehouse"], erased["third"])
    before = erased["before"]["sources"]
    for system, summary in sources.items():
        assert summary[s.ROWS_READ] == before[system][s.ROWS_READ]  # the same exports
        for f in summary["files"]:
            assert f[s.ROWS_READ] == f[s.ROWS_LINKED] + f[s.ROWS_QUARANTINED] + f[s.ROWS_ERASED]
    assert sum(v[s.ROWS_ERASED] for v in sources.values()) == len(erased["person"]["records"])
    crosswalk = pub.read_table(erased["warehouse"], pub.CROSSWALK)
    quarantine = pub.read_table(erased["warehouse"], pub.QUARANTINE)
    read = sum(v[s.ROWS_READ] for v in sources.values())
    assert read == len(crosswalk) + len(quarantine) + len(erased["person"]["records"])


def test_the_id_is_retired_as_erased_and_never_comes_back(erased) -> None:
    warehouse, person = erased["warehouse"], erased["person"]
    customer = person["customer"]
    changes = pub.read_table(warehouse, pub.CHANGES)
    mine = changes[
        (changes[s.CUSTOMER_ID] == customer) | (changes[s.RELATED_CUSTOMER_ID] == customer)
    ]
    # A Delta table's rows have no order: the history reads by when each change happened.
    mine = mine.sort_values(s.CHANGED_AT, kind="stable")
    assert list(mine[s.CHANGE_TYPE]) == ["new", s.ERASED]
    row = mine[mine[s.CHANGE_TYPE] == s.ERASED].iloc[0]
    assert pd.isna(row[s.RELATED_CUSTOMER_ID]) and row[s.RECORD_COUNT] == len(person["records"])
    assert not any(n.lower() in str(list(row)).lower() for n in _needles(person))
    # The third run neither revived nor reissued it, and holds none of the records.
    assert customer not in set(pub.read_table(warehouse, pub.GOLDEN)[s.CUSTOMER_ID])
    crosswalk = pub.read_table(warehouse, pub.CROSSWALK)
    keys = set(s.record_key(crosswalk[s.SOURCE_SYSTEM], crosswalk[s.SOURCE_RECORD_ID]))
    assert keys.isdisjoint(person["records"])
    third = changes[changes[s.RUN_ID] == erased["third"]]
    assert customer not in set(third[s.CUSTOMER_ID]) | set(third[s.RELATED_CUSTOMER_ID].dropna())
    assert set(third[s.CHANGE_TYPE]) <= {"new"} and len(third) == 0 or True


def test_time_travel_before_the_erasure_is_gone(erased) -> None:
    warehouse = erased["warehouse"]
    manifest = pub.published(warehouse)
    assert manifest["run_id"] == erased["third"]
    assert pub.recover(warehouse) == []
    for table, version in manifest["tables"].items():
        path = pub.table_path(warehouse, table)
        assert DeltaTable(str(path)).version() == version
        with pytest.raises(Exception, match="log segment|No files|not found"):
            DeltaTable(str(path), version=0).to_pyarrow_table()
    assert "history_rewritten_at" not in manifest  # the third run published normally after


def test_a_run_without_the_key_stops_before_reading_anything(erased) -> None:
    warehouse = erased["warehouse"]
    manifest = pub.published(warehouse)
    del os.environ["IDENTITY_ERASURE_KEY"]
    try:
        ok, _, result = run_job(str(erased["landing"]), str(warehouse), "duckdb")
    finally:
        os.environ["IDENTITY_ERASURE_KEY"] = SECRET
    assert not ok
    assert "IDENTITY_ERASURE_KEY is not set" in failure_message(result)
    assert pub.published(warehouse) == manifest
    # It stopped at the reads: no step stored the exports' records.
    assert not list(warehouse.glob("runs/*/steps/*/frame_*.parquet"))
    assert scan([warehouse], _needles(erased["person"])) == {}
    assert file_text  # the scanner helper is the one the other tests use
