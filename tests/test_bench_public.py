"""Benchmark data sets: Febrl as native exports, generator variants, and the harness around them.

Fast: files are written and read back with our readers and standardisation; nothing is linked.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

import identity_demo as demo
from identity import evaluate
from identity import schema as s
from identity.readers import SourceBatch
from identity.readers.landing import read_landing_source
from identity.standardise.batches import standardise_sources
from identity_bench import accuracy, cases, public, variants
from identity_demo import crm, pos
from identity_demo.ids import salesforce_suffix

VARIANT_PEOPLE = 300
VARIANT_SEED = 7
TEST_LEAD = "<test lead"


def _read(landing: Path) -> list[SourceBatch]:
    return [read_landing_source(landing, system) for system in s.SOURCE_SYSTEMS]


def _records(batches: list[SourceBatch]) -> pd.DataFrame:
    frames = [b.records for b in batches if not b.records.empty]
    return pd.concat(frames, ignore_index=True)


def _keys(records: pd.DataFrame) -> set[str]:
    return set(records[s.SOURCE_SYSTEM] + ":" + records[s.SOURCE_RECORD_ID])


@pytest.fixture(scope="module")
def febrl1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("febrl1")
    public.write_febrl("febrl1", landing, "crm")
    return landing


@pytest.fixture(scope="module")
def febrl2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("febrl2")
    public.write_febrl("febrl2", landing, "pos")
    return landing


def test_febrl1_is_a_salesforce_export_our_readers_read_whole(febrl1: Path) -> None:
    batches = _read(febrl1)
    crm_batch = batches[s.SOURCE_SYSTEMS.index("crm")]
    assert len(crm_batch.records) == 1000
    assert crm_batch.quarantine.empty
    assert all(b.records.empty for b in batches if b.source_system != "crm")
    standardised = standardise_sources(batches)
    assert len(standardised.contacts) == 1000
    assert standardised.quarantine.empty


def test_febrl1_file_is_data_loader_style_with_febrl_values(febrl1: Path) -> None:
    path = febrl1 / "crm" / public.CRM_FILE
    raw = path.read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf"Id","FirstName"')  # BOM, every field quoted
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [*crm.DATALOADER_HEADER, public.SSN_FIELD]
    febrl = public.load_febrl("febrl1")
    assert len(rows) == len(febrl) == 1000
    for source, row in zip(febrl.itertuples(), rows, strict=True):  # written in Febrl's order
        assert row[public.SSN_FIELD] == source.soc_sec_id
        assert row["FirstName"] == source.given_name and row["LastName"] == source.surname
        assert row["MailingState"] == source.state.upper()
        assert row["MailingCity"] == source.suburb
        assert row["MailingPostalCode"] == source.postcode
        parts = [p for p in (source.street_number, source.address_1, source.address_2) if p]
        street = row["MailingStreet"]
        assert street.startswith(parts[0]) and street.endswith(parts[-1])
        assert all(part in street for part in parts)
        if source.address_1 and source.address_2:  # the second line, as reps type it
            assert f"\n{source.address_2}" in street or f", {source.address_2}" in street
    assert {row["MailingCountry"] for row in rows} == {"Australia"}
    assert all(not row[c] for row in rows for c in ("Email", "Phone", "MobilePhone"))
    births = {row["Birthdate"] for row in rows}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", b) for b in births - {""})
    # Febrl 1 has missing and impossible dates of birth: both leave Birthdate empty.
    unusable = sum(public.iso_birth_date(d) == "" for d in febrl["date_of_birth"])
    assert (
        sum(row["Birthdate"] == "" for row in rows) == unusable > (febrl.date_of_birth == "").sum()
    )


def test_birth_dates_become_iso_only_when_they_are_calendar_dates() -> None:
    assert public.iso_birth_date("19081209") == "1908-12-09"
    assert public.iso_birth_date("19550231") == ""
    assert public.iso_birth_date("1955023") == ""
    assert public.iso_birth_date("") == ""


def test_febrl2_is_a_square_directory_our_readers_read_whole(febrl2: Path) -> None:
    batches = _read(febrl2)
    pos_batch = batches[s.SOURCE_SYSTEMS.index("pos")]
    assert len(pos_batch.records) == 5000
    assert pos_batch.quarantine.empty
    with (febrl2 / "pos" / public.POS_FILE).open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == pos.DIRECTORY_HEADER
    standardised = standardise_sources(batches)
    # One Febrl 2 record has neither a given name nor a surname: no usable identifier.
    febrl = public.load_febrl("febrl2")
    nameless = ((febrl.given_name == "") & (febrl.surname == "")).sum()
    assert nameless == 1
    assert len(standardised.contacts) == 5000 - nameless
    assert standardised.quarantine["reason"].tolist() == ["no usable identifier"]
    assert pos_batch.records[s.EMAIL].isna().all() and pos_batch.records[s.PHONE].isna().all()


@pytest.mark.parametrize(("dataset", "source"), [("febrl1", "crm"), ("febrl2", "pos")])
def test_febrl_ids_are_unique_vendor_shaped_and_the_same_every_write(
    dataset: str, source: str, tmp_path: Path
) -> None:
    for run in ("a", "b"):
        public.write_febrl(dataset, tmp_path / run, source)
    for name in (
        "truth.csv",
        f"{source}/{public.CRM_FILE if source == 'crm' else public.POS_FILE}",
    ):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    ids = evaluate.read_truth(tmp_path / "a" / "truth.csv")[s.SOURCE_RECORD_ID]
    assert ids.is_unique
    if source == "crm":
        assert ids.str.fullmatch(r"003[0-9A-Za-z]{15}").all()
        assert all(i[15:] == salesforce_suffix(i[:15]) for i in ids)
    else:
        assert ids.str.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}").all()


@pytest.mark.parametrize(
    ("landing", "source", "records", "entities"),
    [("febrl1", "crm", 1000, 500), ("febrl2", "pos", 5000, 4000)],
)
def test_febrl_truth_covers_every_record_and_groups_originals_with_duplicates(
    landing: str, source: str, records: int, entities: int, request: pytest.FixtureRequest
) -> None:
    folder: Path = request.getfixturevalue(landing)
    truth = evaluate.read_truth(folder / "truth.csv")
    assert list(truth.columns[:3]) == s.TRUTH_COLUMNS
    assert set(truth[s.RECORD_KEY]) == _keys(_records(_read(folder)))
    assert len(truth) == records and truth["entity_id"].nunique() == entities
    assert (truth[s.SOURCE_SYSTEM] == source).all()
    # Truth rows follow Febrl's order: each record's entity is its record number.
    febrl = public.load_febrl(landing)
    expected = febrl["rec_id"].str.extract(r"^(rec-\d+)-")[0]
    assert truth["entity_id"].tolist() == expected.tolist()
    org = febrl["rec_id"].str.endswith("-org")
    assert set(expected[~org]) <= set(expected[org])  # every duplicate has its original


def test_entity_of_rejects_what_is_not_a_febrl_id() -> None:
    assert public.entity_of("rec-223-dup-0") == public.entity_of("rec-223-org") == "rec-223"
    with pytest.raises(ValueError, match="rec-223"):
        public.entity_of("rec-223")


@pytest.fixture(scope="module")
def variant_landings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name in variants.VARIANTS:
        landing = tmp_path_factory.mktemp(name)
        variants.write_variant(name, landing, VARIANT_PEOPLE, VARIANT_SEED)
        out[name] = landing
    return out


@pytest.mark.parametrize("name", list(variants.VARIANTS))
def test_variant_truth_matches_its_records_and_readers_quarantine_only_deletions(
    name: str, variant_landings: dict[str, Path]
) -> None:
    landing = variant_landings[name]
    batches = _read(landing)
    records = _records(batches)
    customers = records[~records[s.RAW].str.contains(TEST_LEAD, regex=False)]
    truth = evaluate.read_truth(landing / "truth.csv")
    assert set(truth[s.RECORD_KEY]) == _keys(customers)
    assert truth[s.RECORD_KEY].is_unique
    reasons = {r for b in batches for r in b.quarantine["reason"]}
    assert all("deleted" in reason for reason in reasons), reasons
    kept = set(variants.VARIANTS[name].sources)
    assert set(records[s.SOURCE_SYSTEM]) == kept
    for system in s.SOURCE_SYSTEMS:
        assert (landing / system).is_dir() == (system in kept)
        if system in kept:  # transaction exports would bring emails and phones back
            assert not list((landing / system).glob("orders_export*"))
            assert not list((landing / system).glob("items-*"))


@pytest.fixture(scope="module")
def plain_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("plain")
    demo.generate(VARIANT_PEOPLE, landing, seed=VARIANT_SEED, with_transactions=False)
    return landing


def test_single_source_variants_hold_every_persons_records(
    variant_landings: dict[str, Path], plain_landing: Path
) -> None:
    everyone = evaluate.read_truth(plain_landing / "truth.csv")
    for system in s.SOURCE_SYSTEMS:
        truth = evaluate.read_truth(variant_landings[f"{system}-only"] / "truth.csv")
        assert (truth[s.SOURCE_SYSTEM] == system).all()
        # Every person's records, now duplicates within the one source.
        assert len(truth) == len(everyone)
        assert truth["entity_id"].value_counts().gt(1).sum() > VARIANT_PEOPLE / 3


def _customer_files(landing: Path, system: str) -> list[Path]:
    return sorted(p for p in (landing / system).iterdir() if p.is_file())


def test_store_directory_has_names_and_phones_only(variant_landings: dict[str, Path]) -> None:
    records = _records(_read(variant_landings["store-names-phones"]))
    store = records[records[s.SOURCE_SYSTEM] == "pos"]
    assert len(store) > 0
    for column in (s.EMAIL, s.STREET, s.CITY, s.STATE, s.POSTAL_CODE, s.DATE_OF_BIRTH):
        assert store[column].isna().all(), column
    assert store[s.PHONE].notna().all()
    assert store[s.FIRST_NAME].notna().mean() > 0.9
    others = records[records[s.SOURCE_SYSTEM] != "pos"]
    assert others[s.EMAIL].notna().any() and others[s.POSTAL_CODE].notna().any()


def test_crm_without_emails_keeps_every_contact(
    variant_landings: dict[str, Path], plain_landing: Path
) -> None:
    records = _records(_read(variant_landings["crm-no-email"]))
    contacts = records[records[s.SOURCE_SYSTEM] == "crm"]
    assert contacts[s.EMAIL].isna().all()
    assert contacts[s.PHONE].notna().any() or contacts[s.MOBILE_PHONE].notna().any()
    plain = _records(_read(plain_landing))
    assert len(contacts) == (plain[s.SOURCE_SYSTEM] == "crm").sum()
    assert records.loc[records[s.SOURCE_SYSTEM] != "crm", s.EMAIL].notna().any()


def test_lead_forms_ask_for_a_full_name_and_an_email_only(
    variant_landings: dict[str, Path],
) -> None:
    landing = variant_landings["social-name-email"]
    for path in _customer_files(landing, "social"):
        table, layout = variants.read_native(path)
        assert layout.encoding == "utf-16-le" and layout.bom and layout.delimiter == "\t"
        questions = table.header[len(variants.social.FIXED_COLUMNS) :]
        assert questions in (
            ["full_name", "email", "lead_status"],
            ["nom_complet", "email", "lead_status"],
        )
    records = _records(_read(landing))
    leads = records[records[s.SOURCE_SYSTEM] == "social"]
    assert leads[s.FULL_NAME].notna().all() and leads[s.EMAIL].notna().all()
    for column in (s.FIRST_NAME, s.LAST_NAME, s.PHONE, s.CITY, s.POSTAL_CODE, s.DATE_OF_BIRTH):
        assert leads[column].isna().all(), column


def test_no_source_has_an_email_or_a_phone(variant_landings: dict[str, Path]) -> None:
    landing = variant_landings["no-email-phone"]
    records = _records(_read(landing))
    assert set(records[s.SOURCE_SYSTEM]) == set(s.SOURCE_SYSTEMS)
    for column in (s.EMAIL, s.PHONE, s.MOBILE_PHONE):
        assert records[column].isna().all(), column
    for system in s.SOURCE_SYSTEMS:
        for path in _customer_files(landing, system):
            table, _ = variants.read_native(path)
            assert not any("@" in value for row in table.rows for value in row.values()), path
    contacts = standardise_sources(_read(landing)).contacts
    assert contacts[s.EMAIL].isna().all() and contacts[s.PHONE].isna().all()


def test_rewritten_files_keep_the_layout_they_were_delivered_in(tmp_path: Path) -> None:
    variants.write_variant("crm-no-email", tmp_path, VARIANT_PEOPLE, VARIANT_SEED)
    loader = (tmp_path / "crm" / crm.DATALOADER_FILE).read_bytes()
    weekly = (tmp_path / "crm" / crm.WEEKLY_FILE).read_bytes()
    assert loader.startswith(b'\xef\xbb\xbf"Id",') and b"\r\n" not in loader.split(b"\n")[0]
    assert weekly.startswith(b'"Id","IsDeleted"') and weekly.split(b"\n")[0].endswith(b"\r")
    table, _ = variants.read_native(tmp_path / "crm" / crm.DATALOADER_FILE)
    assert table.header == crm.DATALOADER_HEADER


def test_unknown_variant_is_named(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="no-such"):
        variants.write_variant("no-such", tmp_path, VARIANT_PEOPLE, VARIANT_SEED)


def test_every_data_set_is_offered_to_the_benchmark() -> None:
    assert list(public.DATASETS)[:2] == ["febrl1", "febrl2"]
    assert set(public.DATASETS) == {"febrl1", "febrl2", *variants.VARIANTS}


def test_harness_selects_only_what_was_asked() -> None:
    assert cases.select_cases(None, "febrl1") == [cases.Case("febrl1")]
    assert cases.select_cases("7:1", None) == [cases.Case(cases.GENERATED, 7, 1.0)]
    everything = cases.select_cases(None, None)
    assert len(everything) == len(cases.CASES) + len(public.DATASETS)
    assert cases.select_cases("none", "crm-only") == [cases.Case("crm-only", 7, 1.0)]
    with pytest.raises(ValueError, match="febrl3"):
        cases.select_cases(None, "febrl3")


def test_a_failing_method_is_a_row_with_its_error_not_a_crash(tmp_path: Path) -> None:
    def crash(landing: Path) -> pd.DataFrame:
        raise RuntimeError("linkage needs two sources\nsecond line")

    def singletons(landing: Path) -> pd.DataFrame:
        truth = evaluate.read_truth(landing / "truth.csv")
        return pd.DataFrame({s.RECORD_KEY: truth[s.RECORD_KEY], "cluster_id": truth[s.RECORD_KEY]})

    case = cases.public_case("febrl1")
    rows = accuracy.measure(case, 0, tmp_path, {"ours": crash, "plain Splink": singletons})
    failed, scored = rows
    assert failed.accuracy is None and failed.error == "RuntimeError: linkage needs two sources"
    assert scored.accuracy is not None and scored.accuracy.precision == 1.0
    assert scored.accuracy.recall == 0.0 and scored.records == 1000
    table = accuracy.table(rows)
    assert "| febrl1 |  |  | 1,000 | ours | | failed |" in table
    assert "| febrl1 |  |  | 1,000 | plain Splink | 1,000 | 1.0000 | 0.0000 |" in table
    assert "febrl1, ours: `RuntimeError: linkage needs two sources`" in accuracy.failures(rows)
    assert "1 run(s) failed" in accuracy.summary(rows)
