"""The model design follows the data profile: link type, comparisons, rules, passes, defaults."""

from __future__ import annotations

import pandas as pd
import pytest

from identity.linkage import design as d
from identity.linkage import model as m
from identity.linkage import train
from identity.linkage.profile import ATTRIBUTES, DataProfile, profile


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in m.LINKAGE_COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame[m.LINKAGE_COLUMNS]


def _profile(sources: dict[str, int], present: set[str]) -> DataProfile:
    rows = []
    for source, count in sources.items():
        for i in range(count):
            row: dict[str, object] = {m.UID: f"{source}:{i}", "source_system": source}
            for attribute in present:
                row[ATTRIBUTES[attribute]] = f"{attribute}-{i}"
            rows.append(row)
    return profile(_frame(rows))


def _counts(value: int):
    return lambda rules: [value] * len(rules)


def test_profile_counts_filled_and_distinct_values_per_source():
    frame = _frame(
        [
            {m.UID: "crm:1", "source_system": "crm", m.EMAIL: "a@x.fr", m.FIRST: "ann"},
            {m.UID: "crm:2", "source_system": "crm", m.EMAIL: "a@x.fr", m.FIRST: None},
            {m.UID: "pos:1", "source_system": "pos", m.PHONE: "+33612345678", m.FIRST: "bob"},
        ]
    )
    found = profile(frame)
    assert found.records == 3
    assert found.sources == {"crm": 2, "pos": 1}
    assert found.by_source["crm"]["email"].filled == 2
    assert found.by_source["crm"]["email"].distinct == 1
    assert found.by_source["crm"]["first_name"].share == 0.5
    assert found.by_source["pos"]["email"].filled == 0
    assert found.overall["first_name"].filled == 2
    # One phone can agree with nothing: too rare to use.
    assert found.present("email") and not found.present("phone")
    assert DataProfile.from_dict(found.to_dict()) == found


def test_one_source_is_deduplicated_and_several_are_linked():
    one = d.design(_profile({"crm": 50}, {"first_name", "last_name"}), _counts(10), _counts(99))
    two = d.design(
        _profile({"crm": 50, "pos": 50}, {"first_name", "last_name"}), _counts(10), _counts(99)
    )
    assert one.link_type == "dedupe_only"
    assert two.link_type == "link_and_dedupe"


def test_only_present_attributes_are_compared_and_blocked_on():
    chosen = d.design(
        _profile({"crm": 100}, {"first_name", "last_name", "date_of_birth", "postcode"}),
        _counts(10),
        _counts(500),
    )
    assert chosen.comparisons == ("name", "date_of_birth", "address")
    assert set(chosen.absent) == {"email", "phone", "street", "city"}
    for name in chosen.blocking_rules:
        needs = next(c.needs for c in m.BLOCKING_CATALOG if c.name == name)
        assert set(needs) <= {"first_name", "last_name", "date_of_birth", "postcode"}
    assert "email" not in chosen.blocking_rules and "phone" not in chosen.blocking_rules
    assert chosen.deterministic_rules == ("full_name_dob",)
    assert chosen.summary() == (
        "linked on name, date of birth, address; email, phone, street, city absent"
    )


def test_rules_over_the_comparison_budget_are_dropped_with_a_note():
    present = {"first_name", "last_name", "email"}
    records = 1_000
    budget = d.comparison_budget(records)

    def counts(rules):
        return [budget + 1 if rule.name == "first_last" else 100 for rule in rules]

    chosen = d.design(_profile({"crm": records}, present), counts, _counts(500))
    assert "first_last" not in chosen.blocking_rules
    assert "email" in chosen.blocking_rules
    assert any("first_last dropped" in note for note in chosen.notes)
    assert chosen.rule_comparisons["first_last"] == budget + 1


def test_without_email_and_phone_fallback_passes_train_every_comparison():
    present = {"first_name", "last_name", "date_of_birth", "postcode", "street", "city"}
    chosen = d.design(_profile({"crm": 200}, present), _counts(10), _counts(500))
    assert chosen.untrained == ()
    trained = dict.fromkeys(chosen.comparisons, 0)
    for name in chosen.em_passes:
        needs = set(next(c.needs for c in m.EM_CATALOG + m.EM_FALLBACKS if c.name == name))
        for comparison in trained:
            if not m.COMPARISON_READS[comparison] & needs:
                trained[comparison] += 1
    assert all(times >= d.TRAINED_TIMES for times in trained.values()), trained


def test_a_comparison_no_pass_can_train_keeps_default_m_and_is_reported():
    # Passes yield too few pairs to train anything: every comparison keeps its default.
    chosen = d.design(
        _profile({"crm": 20}, {"first_name", "last_name", "email"}), _counts(5), _counts(2)
    )
    assert chosen.em_passes == ()
    assert set(chosen.untrained) == {"name", "email"}
    assert any("could not be trained" in note for note in chosen.notes)


def test_only_names_uses_a_name_rule_for_the_prior():
    chosen = d.design(_profile({"crm": 20}, {"first_name", "last_name"}), _counts(5), _counts(100))
    assert chosen.comparisons == ("name",)
    assert chosen.deterministic_rules == ("full_name",)


def test_design_round_trips_through_json():
    chosen = d.design(
        _profile({"crm": 30, "pos": 30}, {"first_name", "email"}), _counts(5), _counts(100)
    )
    assert d.ModelDesign.from_dict(chosen.to_dict()) == chosen


def test_comparison_reads_match_what_splink_parses():
    # EM passes are chosen from COMPARISON_READS; Splink decides from each comparison's SQL.
    settings = m.settings().get_settings("duckdb")
    to_attribute = {column: name for name, column in ATTRIBUTES.items()}
    derived = {
        m.FULL: {"first_name", "last_name"},
        m.FIRST_FORMS: {"first_name"},
        m.FIRST_INITIAL: {"first_name"},
        m.EMAIL_LOCAL: {"email"},
        m.EMAIL_LOCAL_DISTINCT: {"email"},
        m.PHONE_NATIONAL: {"phone"},
        m.DOB_TRANSPOSED: {"date_of_birth"},
        m.DOB_YEAR: {"date_of_birth"},
        m.POSTCODE_DISTRICT: {"postcode"},
    }
    for comparison in settings.comparisons:
        reads: set[str] = set()
        for column in comparison._input_columns_used_by_case_statement:
            name = column.input_name
            reads |= derived.get(name, {to_attribute.get(name, name)})
        assert reads == set(m.COMPARISON_READS[comparison.output_column_name]), (
            comparison.output_column_name
        )


def test_default_m_has_one_probability_per_non_null_level():
    settings = m.settings().get_settings("duckdb")
    defaults = train.default_m()
    for comparison in settings.comparisons:
        levels = [lv for lv in comparison.comparison_levels if not lv.is_null_level]
        values = defaults[comparison.output_column_name]
        assert len(values) == len(levels), comparison.output_column_name
        assert min(values) > 0
        assert sum(values) == pytest.approx(1.0, abs=0.02)


def test_rule_coverage_counts_pairs_both_sides_can_satisfy():
    frame = _frame(
        [
            {m.UID: "1", "source_system": "crm", m.FIRST: "a", m.LAST: "b", m.DOB: "1980-01-01"},
            {m.UID: "2", "source_system": "crm", m.FIRST: "a", m.LAST: "b", m.DOB: None},
        ]
    )
    rule = [c for c in m.DETERMINISTIC_CATALOG if c.name == "full_name_dob"]
    assert train.rule_coverage(frame, rule) == pytest.approx(0.25)
    assert train.rule_coverage(frame, []) == 0.0


def test_full_name_frequency_comes_from_its_parts_not_from_its_duplicates():
    from identity.linkage.frequencies import RECORDS_PER_PERSON, TF_FULL, full_name_frequencies

    rows = []
    # "ana lopez" twice (one person's two records), and eight other people.
    for i, (first, last) in enumerate(
        [("ana", "lopez"), ("ana", "lopez")] + [(f"p{i}", f"q{i}") for i in range(8)]
    ):
        rows.append({m.UID: str(i), "source_system": "crm", m.FIRST: first, m.LAST: last})
    frame = _frame(rows)
    frame[m.FULL] = frame[m.FIRST] + " " + frame[m.LAST]
    table = full_name_frequencies(frame).set_index(m.FULL)[TF_FULL]
    joint = 2 / 10
    parts = (2 / 10) * (2 / 10)
    assert table["ana lopez"] == pytest.approx(max(parts, joint / RECORDS_PER_PERSON))
    assert table["ana lopez"] < joint
    assert table["p0 q0"] == pytest.approx(max(0.01, 0.1 / RECORDS_PER_PERSON))
    assert list(table.index) == sorted(table.index)
