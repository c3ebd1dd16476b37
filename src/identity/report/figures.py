"""Numbers derived from a run report: headline totals, status, and trends between two runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from identity.report.html import number
from identity.report.model import RunReport
from identity.schema import SOURCE_SYSTEMS

_SHORT_TYPES = {
    "expect_column_values_to_match_regex": "valid",
    "expect_column_values_to_not_match_regex": "not placeholder",
    "expect_column_values_to_be_in_set": "in set",
    "expect_column_values_to_be_between": "in range",
    "expect_column_values_to_not_be_null": "present",
    "expect_column_values_to_match_strftime_format": "date format",
}


@dataclass(frozen=True)
class Trend:
    """One compared figure: this run's value, the previous run's, and which way is good."""

    label: str
    current: float | None
    previous: float | None
    higher_is_better: bool | None = None
    unit: str = ""


def ordered_sources(*reports: RunReport | None) -> list[str]:
    """Source systems present in any of the reports: known systems first, then others sorted."""
    names: set[str] = set()
    for report in reports:
        if report is not None:
            names |= set(report.sources) | set(report.quarantine_by_reason)
    known = [name for name in SOURCE_SYSTEMS if name in names]
    return known + sorted(names - set(SOURCE_SYSTEMS))


def source_total(report: RunReport, source: str, key: str) -> float | None:
    """A source's ``rows_read`` (or linked, quarantined) total, summed from its files if absent."""
    data = report.sources.get(source) or {}
    value = number(data.get(key))
    if value is not None:
        return value
    files = [number(f.get(key)) for f in data.get("files") or [] if isinstance(f, dict)]
    known = [v for v in files if v is not None]
    return sum(known) if known else None


def totals(report: RunReport) -> dict[str, float | None]:
    """Headline figures of a run (None when the run has no such data)."""
    sources = ordered_sources(report)

    def total(key: str) -> float | None:
        values = [v for v in (source_total(report, s, key) for s in sources) if v is not None]
        return sum(values) if values else None

    quarantined = [
        number(count)
        for reasons in report.quarantine_by_reason.values()
        for count in (reasons or {}).values()
    ]
    known_quarantine = [q for q in quarantined if q is not None]
    sizes = [
        (number(c.get("size")), number(c.get("count")))
        for c in report.linkage.get("cluster_sizes") or []
        if isinstance(c, dict)
    ]
    multi = [(size, count) for size, count in sizes if size and count and size > 1]
    return {
        "rows_read": total("rows_read"),
        "rows_linked": total("rows_linked"),
        "rows_quarantined": total("rows_quarantined")
        if total("rows_quarantined") is not None
        else (sum(known_quarantine) if known_quarantine else None),
        "customers": number(report.linkage.get("customers")),
        "records": number(report.linkage.get("records")),
        "largest_cluster": number(report.linkage.get("largest_cluster")),
        # Linked for real: records that share their customer with at least one other record.
        "multi_record_rows": sum(size * count for size, count in multi) if sizes else None,
        "multi_record_customers": sum(count for _, count in multi) if sizes else None,
        "blocking_failures": float(sum(_count(q, "blocking_failures") for q in report.quality)),
        "warnings": float(sum(_count(q, "warnings") for q in report.quality)),
        "expectations": float(sum(len(q.get("outcomes") or []) for q in report.quality)),
    }


def run_status(report: RunReport) -> str:
    """``"fail"`` with blocking failures, ``"warn"`` with warnings, ``"pass"``, or ``"none"``."""
    if not report.quality:
        return "none"
    figures = totals(report)
    if figures["blocking_failures"]:
        return "fail"
    return "warn" if figures["warnings"] else "pass"


def outcome_status(outcome: dict[str, Any]) -> str:
    """Status of a stored outcome dict (older dicts may lack ``status``)."""
    if outcome.get("status") in {"pass", "warn", "fail"}:
        return str(outcome["status"])
    if outcome.get("success"):
        return "pass"
    return "fail" if outcome.get("blocking") else "warn"


def validity_rates(report: RunReport) -> dict[str, float]:
    """Share of valid values for every rate rule (those with a ``mostly`` threshold).

    Returns:
        ``label -> percent valid``, e.g. ``"crm_raw (crm): email valid" -> 97.5``.
    """
    rates: dict[str, float] = {}
    for suite in report.quality:
        where = _where(suite)
        for outcome in suite.get("outcomes") or []:
            kwargs = outcome.get("kwargs") or {}
            unexpected = number(outcome.get("unexpected_percent"))
            if "mostly" not in kwargs or unexpected is None or outcome.get("error"):
                continue
            kind = _SHORT_TYPES.get(str(outcome.get("expectation_type")), "rule")
            rates[f"{where}: {outcome.get('column')} {kind}"] = 100.0 - unexpected
    return rates


def trends(current: RunReport, previous: RunReport | None) -> list[Trend]:
    """Figures compared with the previous run: rows per source, quarantine, customers, rates.

    Args:
        current: This run.
        previous: The run before it, or None on a first run.

    Returns:
        One ``Trend`` per figure, in display order.
    """
    rows: list[Trend] = []
    for source in ordered_sources(current, previous):
        for key, label, better in (
            ("rows_read", "rows read", None),
            ("rows_linked", "rows accepted", True),
            ("rows_quarantined", "rows quarantined", False),
        ):
            earlier = source_total(previous, source, key) if previous else None
            rows.append(
                Trend(f"{source}: {label}", source_total(current, source, key), earlier, better)
            )
    now, before = totals(current), totals(previous) if previous else {}
    for key, label, better in (
        ("rows_quarantined", "quarantined rows (all sources)", False),
        ("records", "records clustered (one-record customers too)", None),
        ("customers", "customers", None),
        ("multi_record_rows", "records in a multi-record customer", None),
        ("blocking_failures", "blocking expectation failures", False),
        ("warnings", "expectation warnings", False),
    ):
        rows.append(Trend(label, now.get(key), before.get(key), better))
    rates_now = validity_rates(current)
    rates_before = validity_rates(previous) if previous else {}
    for label in sorted(rates_now.keys() | rates_before.keys()):
        rows.append(Trend(label, rates_now.get(label), rates_before.get(label), True, " pt"))
    return rows


def _count(suite: dict[str, Any], key: str) -> int:
    value = suite.get(key)
    if isinstance(value, int):
        return value
    outcomes = suite.get("outcomes") or []
    wanted = "fail" if key == "blocking_failures" else "warn"
    return sum(1 for o in outcomes if outcome_status(o) == wanted)


def _where(suite: dict[str, Any]) -> str:
    name, subject = suite.get("suite", "?"), suite.get("subject")
    return str(name) if not subject or subject == name else f"{name} ({subject})"
