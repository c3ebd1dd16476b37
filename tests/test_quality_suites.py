"""The suite JSON files: shape, agreed rules, and errors for malformed suites."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from identity import schema as s
from identity.quality import SuiteDefinitionError, load_suite, suite_names

EXPECTED_SUITES = [
    "contacts",
    "crm_raw",
    "ecommerce_raw",
    "golden_customers",
    "pos_raw",
    "social_raw",
]
RAW_SUITES = [f"{source}_raw" for source in s.SOURCE_SYSTEMS]


def _expectations(suite: str, type_: str, **kwargs: object) -> list[dict]:
    return [
        e
        for e in load_suite(suite)["expectations"]
        if e["type"] == type_ and all(e["kwargs"].get(k) == v for k, v in kwargs.items())
    ]


def test_suite_names_lists_every_json_file() -> None:
    assert suite_names() == EXPECTED_SUITES


@pytest.mark.parametrize("suite", EXPECTED_SUITES)
def test_every_expectation_says_whether_it_blocks_and_why(suite: str) -> None:
    spec = load_suite(suite)
    assert spec["name"] == suite
    for expectation in spec["expectations"]:
        assert set(expectation) == {"type", "kwargs", "meta"}
        assert isinstance(expectation["meta"]["blocking"], bool)
        assert len(expectation["meta"]["why"]) > 20


@pytest.mark.parametrize("suite", EXPECTED_SUITES)
def test_great_expectations_accepts_every_suite(suite: str) -> None:
    from identity.quality.runner import _import_gx

    _import_gx()
    from great_expectations.core.expectation_suite import ExpectationSuite

    spec = load_suite(suite)
    built = ExpectationSuite(name=spec["name"], expectations=spec["expectations"])
    assert [e.expectation_type for e in built.expectations] == [
        e["type"] for e in spec["expectations"]
    ]


@pytest.mark.parametrize("suite", EXPECTED_SUITES)
def test_regexes_compile_without_capture_groups(suite: str) -> None:
    # pandas warns on capture groups in str.contains; the rules only need to match.
    for expectation in load_suite(suite)["expectations"]:
        if "regex" in expectation["kwargs"]:
            assert re.compile(expectation["kwargs"]["regex"]).groups == 0


@pytest.mark.parametrize("suite", RAW_SUITES)
def test_raw_suites_require_the_raw_columns_and_only_warn_when_empty(suite: str) -> None:
    (columns,) = _expectations(suite, "expect_table_columns_to_match_set")
    assert columns["kwargs"]["column_set"] == s.RAW_COLUMNS
    assert columns["meta"]["blocking"] is True
    (row_count,) = _expectations(suite, "expect_table_row_count_to_be_between")
    assert row_count["meta"]["blocking"] is False


def test_contacts_require_the_contact_columns() -> None:
    (columns,) = _expectations("contacts", "expect_table_columns_to_match_set")
    assert columns["kwargs"]["column_set"] == s.CONTACT_COLUMNS


@pytest.mark.parametrize("suite", ["contacts", "golden_customers"])
def test_countries_are_the_249_iso_alpha2_codes(suite: str) -> None:
    (rule,) = _expectations(suite, "expect_column_values_to_be_in_set", column=s.COUNTRY)
    codes = rule["kwargs"]["value_set"]
    assert len(codes) == len(set(codes)) == 249
    assert all(re.fullmatch("[A-Z]{2}", code) for code in codes)
    assert {"FR", "US", "GB", "DE", "AQ", "EH"} <= set(codes)
    assert not {"UK", "EU", "XK"} & set(codes)


# Blocking rules on values that no single source cell can break: standardisation builds these
# columns itself (keys, provenance, counts) and quarantines the records that would break them.
STRUCTURAL = {
    ("expect_column_values_to_not_be_null", s.RECORD_KEY),
    ("expect_column_values_to_not_be_null", s.SOURCE_FILE),
    ("expect_column_values_to_not_be_null", s.CUSTOMER_ID),
    ("expect_column_values_to_not_be_null", "source_record_count"),
    ("expect_column_values_to_be_unique", s.RECORD_KEY),
    ("expect_column_values_to_be_unique", s.CUSTOMER_ID),
    ("expect_column_values_to_match_regex", s.RECORD_KEY),
    ("expect_column_values_to_be_in_set", s.SOURCE_SYSTEM),
    ("expect_column_values_to_be_between", "source_record_count"),
}


def test_blocking_decisions_follow_the_agreed_policy() -> None:
    # Ids, placeholders and damage block; rates and plausibility warn. Issue 13 changed the
    # policy: one cell never blocks, so a blocking rule on source values is a share
    # ("mostly" below 1), and only structural rules that no source cell can break are absolute.
    for suite in EXPECTED_SUITES:
        for expectation in load_suite(suite)["expectations"]:
            kwargs, blocking = expectation["kwargs"], expectation["meta"]["blocking"]
            key = (suite, expectation["type"], kwargs.get("column"))
            if expectation["type"].startswith("expect_column_pair"):
                assert not blocking, key
            if blocking and "column" in kwargs:
                if "mostly" in kwargs:
                    assert 0 < kwargs["mostly"] < 1, key
                else:
                    structural = (expectation["type"], kwargs["column"]) in STRUCTURAL
                    source_id = kwargs["column"] == s.SOURCE_RECORD_ID and suite == "contacts"
                    assert structural or source_id, key
            if expectation["type"] == "expect_column_values_to_not_be_null" and kwargs[
                "column"
            ] in (s.SOURCE_RECORD_ID, s.RECORD_KEY, s.CUSTOMER_ID):
                assert blocking, (suite, kwargs["column"])
            if expectation["type"] == "expect_compound_columns_to_be_unique":
                # A repeated row is resolved by standardisation's dedup (issue 13).
                assert not blocking, key
    (unique_id,) = _expectations(
        "golden_customers", "expect_column_values_to_be_unique", column=s.CUSTOMER_ID
    )
    assert unique_id["meta"]["blocking"] is True


def test_birth_date_upper_bound_is_a_runtime_parameter() -> None:
    (rule,) = _expectations(
        "contacts", "expect_column_values_to_be_between", column="date_of_birth"
    )
    assert rule["kwargs"]["min_value"] == "1900-01-01"
    assert rule["kwargs"]["max_value"] == {"$PARAMETER": "today"}
    assert rule["meta"]["compare_as"] == "date"


def _write(folder: Path, name: str, body: object) -> None:
    (folder / f"{name}.json").write_text(json.dumps(body), encoding="utf-8")


def test_unknown_suite_names_the_available_ones(tmp_path: Path) -> None:
    _write(tmp_path, "ok", {"name": "ok", "expectations": [_valid_expectation()], "meta": {}})
    with pytest.raises(SuiteDefinitionError, match=r"no expectation suite 'nope'.*available: ok"):
        load_suite("nope", expectations_dir=tmp_path)


def _valid_expectation() -> dict:
    return {
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "x"},
        "meta": {"blocking": True, "why": "x is required"},
    }


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda e: e["meta"].pop("blocking"), "meta.blocking"),
        (lambda e: e["meta"].update(blocking="yes"), "meta.blocking"),
        (lambda e: e["meta"].update(why="  "), "meta.why"),
        (lambda e: e.pop("kwargs"), "kwargs"),
        (lambda e: e.pop("type"), "type"),
    ],
)
def test_malformed_expectations_are_rejected_with_their_position(
    tmp_path: Path, mutate: Callable[[dict], object], message: str
) -> None:
    broken = _valid_expectation()
    mutate(broken)
    body = {"name": "bad", "expectations": [_valid_expectation(), broken], "meta": {}}
    _write(tmp_path, "bad", body)
    with pytest.raises(SuiteDefinitionError, match=rf"bad\.json: expectation 1.*{message}"):
        load_suite("bad", expectations_dir=tmp_path)


def test_suite_name_must_match_the_file_and_json_must_parse(tmp_path: Path) -> None:
    _write(tmp_path, "one", {"name": "two", "expectations": [_valid_expectation()]})
    with pytest.raises(SuiteDefinitionError, match="'name' must be 'one'"):
        load_suite("one", expectations_dir=tmp_path)
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SuiteDefinitionError, match="not valid JSON"):
        load_suite("broken", expectations_dir=tmp_path)
    assert suite_names(tmp_path) == ["broken", "one"]
