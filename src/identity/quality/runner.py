"""Running a suite on a pandas frame with Great Expectations: the only module that imports it.

Great Expectations is imported lazily (it takes about 1.5 s) and always with analytics off. Each
call builds an in-memory (ephemeral) context with a pandas data source and whole-dataframe batch
definitions, runs the suite built from our JSON, and converts the results into
``ExpectationOutcome``s so nothing downstream depends on Great Expectations objects.

Speed on large frames (a million rows) comes from what Great Expectations is given, never from
skipping it: every expectation is still a Great Expectations validation.

- Column expectations run in groups, each on a view of only the columns it names (``email``
  for the two email rules, say). Great Expectations filters its whole batch frame (null rows,
  ``ignore_row_if``) at least twice per expectation, so on a 24-column reader frame every rule
  copied 24 columns, twice.
- Great Expectations' pandas engine hashes every value of a batch to fingerprint it, twice per
  validation; the fingerprint is a batch marker we never read, so it is switched off while we
  validate (see ``_without_batch_fingerprint``).
- Table expectations (column set, row count) run on the whole frame: they only read its column
  names and length.
- Results use the ``BASIC`` format: counts, percentages and the first unexpected values, which is
  all an ``ExpectationOutcome`` holds. ``SUMMARY`` adds the index of every unexpected row and a
  query string listing them all, which cost a full-frame filter per rule and are never used.
- Dates compared as dates are parsed once per distinct value, not once per row.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from identity.quality.masking import example_for
from identity.quality.outcomes import ExpectationOutcome, SuiteResult
from identity.quality.suites import SuiteDefinitionError, load_suite

logger = logging.getLogger(__name__)

MAX_EXAMPLES = 5
# BASIC returns the counts and at most this many unexpected values (the same first values that
# SUMMARY returns) without SUMMARY's index list and query over every failing row.
RESULT_FORMAT: dict[str, Any] = {"result_format": "BASIC", "partial_unexpected_count": 20}
_POSITION = "_position"
_DATE_SUFFIX = "__as_date"
_MAX_ERROR_LENGTH = 200
# The pandas engine fingerprints batches smaller than this many bytes (see _without_batch_...).
_HASH_THRESHOLD = "HASH_THRESHOLD"
# get_context() sets a process-wide "current context": serialise our use of it across threads.
_GX_LOCK = threading.Lock()


def validate_frame(
    frame: pd.DataFrame,
    suite: str,
    subject: str,
    *,
    expectations_dir: Path | None = None,
    today: date | None = None,
) -> SuiteResult:
    """Validate a frame against one suite.

    Args:
        frame: The data, e.g. a reader's ``records`` (RAW_COLUMNS) or standardised contacts.
        suite: Suite name, e.g. ``"crm_raw"``, ``"contacts"``, ``"golden_customers"``.
        subject: What the frame is, for reports and messages, e.g. ``"crm"`` or ``"contacts"``.
        expectations_dir: Folder holding the suite JSON; defaults to the repository's.
        today: The date used for ``{"$PARAMETER": "today"}`` bounds (birth dates not in the
            future); defaults to the current date. Pass it for reproducible runs.

    Returns:
        A ``SuiteResult`` with one outcome per expectation, in suite order.

    Raises:
        SuiteDefinitionError: The suite is missing or malformed.

    Examples:
        >>> result = validate_frame(records, "crm_raw", "crm")  # doctest: +SKIP
        >>> result.blocking_failures  # doctest: +SKIP
        []
    """
    spec = load_suite(suite, expectations_dir)
    parameters = {"today": (today or date.today()).isoformat()}
    batches = _prepare(frame, spec["expectations"])
    results = _run_gx(batches, spec, parameters)
    outcomes = [
        _to_outcome(suite, expectation, results.get(position), parameters, len(frame))
        for position, expectation in enumerate(spec["expectations"])
    ]
    result = SuiteResult(suite=suite, subject=subject, outcomes=outcomes)
    logger.info(
        "quality suite %s on %s: %d rows, %d expectations, %d blocking failures, %d warnings",
        suite,
        subject,
        len(frame),
        len(outcomes),
        len(result.blocking_failures),
        len(result.warnings),
    )
    return result


class _Batch(NamedTuple):
    """One frame handed to Great Expectations and the expectations validated on it."""

    role: str
    frame: pd.DataFrame
    expectations: list[dict[str, Any]]


def _prepare(frame: pd.DataFrame, expectations: list[dict[str, Any]]) -> list[_Batch]:
    """Return the frames Great Expectations sees, each with the expectations it runs there.

    Table expectations (and any with a ``row_condition``, which may name other columns) see the
    whole frame. Column expectations are grouped by the columns they name, and each group sees
    a frame of just those columns: Great Expectations filters its whole batch frame at least
    twice per expectation, so every extra column is copied over and over. No view copies data:
    all share the caller's arrays under a fresh 0..n-1 index. Columns that are missing stay
    missing, so Great Expectations reports them exactly as on the whole frame. A frame with
    repeated column names is validated whole, as it cannot be narrowed by name.

    Great Expectations coerces date-like bounds to ``date`` objects and then refuses to compare
    them with ISO strings, so a column checked with ``meta.compare_as == "date"`` is compared
    through a parsed copy; values that are not ISO dates become null there (the format rule
    reports them).
    """
    whole: list[dict[str, Any]] = []
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}  # by the columns they name
    derived: dict[str, pd.Series] = {}
    split = frame.columns.is_unique
    for position, expectation in enumerate(expectations):
        kwargs = dict(expectation["kwargs"])
        column = kwargs.get("column")
        if expectation["meta"].get("compare_as") == "date" and column in frame.columns:
            name = f"{column}{_DATE_SUFFIX}"
            if name not in derived and name not in frame.columns:
                derived[name] = _parse_iso_dates(frame[column])
            kwargs["column"] = name
        meta = {**expectation["meta"], _POSITION: position}
        prepared = {"type": expectation["type"], "kwargs": kwargs, "meta": meta}
        names = tuple(dict.fromkeys(_named_columns(kwargs)))
        if split and names and "row_condition" not in kwargs:
            groups.setdefault(names, []).append(prepared)
        else:
            whole.append(prepared)
    batches: list[_Batch] = []
    if whole:
        batches.append(_Batch("table", _whole_view(frame, derived), whole))
    for number, (names, group) in enumerate(groups.items()):
        present = [name for name in names if name in frame.columns]
        extra = {name: derived[name] for name in names if name in derived}
        batches.append(_Batch(f"columns_{number}", _narrow_view(frame, present, extra), group))
    return batches


def _named_columns(kwargs: dict[str, Any]) -> list[str]:
    """The columns an expectation reads: ``column``, ``column_A``/``column_B``, ``column_list``."""
    names = [kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs]
    names += list(kwargs.get("column_list") or [])
    return [str(name) for name in names]


def _whole_view(frame: pd.DataFrame, derived: dict[str, pd.Series]) -> pd.DataFrame:
    """The caller's frame plus the derived columns, sharing its arrays, indexed 0..n-1.

    Great Expectations reports positions through the index, and a caller's filtered frame may
    have a sparse one; a new index on a shallow copy costs nothing, unlike ``reset_index``.
    """
    view = frame.copy(deep=False)
    view.index = pd.RangeIndex(len(frame))
    for name, series in derived.items():
        view[name] = series  # added to the copy only, never to the caller's frame
    return view


def _narrow_view(
    frame: pd.DataFrame, columns: list[str], derived: dict[str, pd.Series]
) -> pd.DataFrame:
    """A frame of only ``columns`` and ``derived``, sharing the caller's arrays, indexed 0..n-1.

    Great Expectations filters its whole batch frame (nulls, ``ignore_row_if``) for every
    expectation, so it should hold no column the expectations do not read.
    """
    data: dict[str, Any] = {name: frame[name].array for name in columns}
    data.update({name: series.array for name, series in derived.items()})
    index = pd.RangeIndex(len(frame))
    return pd.DataFrame(data, index=index, columns=[*columns, *derived], copy=False)


def _parse_iso_dates(column: pd.Series) -> pd.Series:
    """``_parse_iso_date`` of every value, computed once per distinct value.

    Birth dates repeat a lot (a million rows hold a few tens of thousands of dates), so this
    saves most of the ``strptime`` calls, which cost seconds per million rows. Nulls stay null.
    """
    codes, uniques = pd.factorize(column)
    # Code -1 (null) picks the trailing None.
    parsed = np.array([*(_parse_iso_date(value) for value in uniques), None], dtype=object)
    return pd.Series(parsed[codes], index=pd.RangeIndex(len(column)), dtype=object)


def _parse_iso_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%Y-%m-%d").date()
        except ValueError:
            return None
    return None


def _import_gx() -> Any:
    # Must be set before the first import: the package reads it at import time.
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx

    return gx


def _run_gx(
    batches: list[_Batch], spec: dict[str, Any], parameters: dict[str, Any]
) -> dict[int, Any]:
    """Run the suite and return Great Expectations' results keyed by suite position."""
    gx = _import_gx()
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    name = spec["name"]
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    try:
        # The whole suite first, in suite order, so a bad expectation is reported as before.
        every = sorted(
            (e for batch in batches for e in batch.expectations), key=lambda e: e["meta"][_POSITION]
        )
        ExpectationSuite(name=name, expectations=every, meta=spec.get("meta"))
        suites = [
            ExpectationSuite(
                name=f"{name}_{batch.role}", expectations=batch.expectations, meta=spec.get("meta")
            )
            for batch in batches
        ]
    except Exception as exc:  # pydantic and GX raise many types for a bad expectation
        raise SuiteDefinitionError(f"{name}.json: Great Expectations rejected it: {exc}") from exc
    results: dict[int, Any] = {}
    with _GX_LOCK, _without_batch_fingerprint():
        context = gx.get_context(project_config=config, mode="ephemeral")
        context.enable_analytics(False)  # in-memory only: nothing is saved or sent
        source = context.data_sources.add_pandas(name=f"{name}_source")
        for batch, suite in zip(batches, suites, strict=True):
            # One asset per frame: each gets its own batch, so no metric is shared by mistake.
            batch_definition = source.add_dataframe_asset(
                name=f"{name}_{batch.role}"
            ).add_batch_definition_whole_dataframe(name="whole_frame")
            validation = batch_definition.get_batch(
                batch_parameters={"dataframe": batch.frame}
            ).validate(suite, result_format=RESULT_FORMAT, expectation_parameters=parameters)
            # Results do not come back in suite order: key them by the position we put in meta.
            results.update(
                {int(r.expectation_config.meta[_POSITION]): r for r in validation.results}
            )
    return results


@contextmanager
def _without_batch_fingerprint() -> Iterator[None]:
    """Stop Great Expectations hashing every value of a pandas batch while we validate.

    For any frame under 1 GB (shallow size, so a million text rows qualify) the pandas engine
    hashes the whole frame, twice per validation, only to store a "pandas_data_fingerprint"
    batch marker. We never keep Great Expectations' results, so the marker is unused, yet the
    hashing was the largest single cost on large frames. Setting the engine's size threshold
    to zero skips it and changes no metric or result; the old value is restored afterwards.
    Callers hold ``_GX_LOCK``, so no other validation sees the change.
    """
    from great_expectations.execution_engine import pandas_execution_engine as engine

    previous = getattr(engine, _HASH_THRESHOLD, None)
    if previous is None:  # a Great Expectations version without the knob: just validate
        yield
        return
    setattr(engine, _HASH_THRESHOLD, 0)
    try:
        yield
    finally:
        setattr(engine, _HASH_THRESHOLD, previous)


def _to_outcome(
    suite: str,
    expectation: dict[str, Any],
    result: Any,
    parameters: dict[str, Any],
    row_count: int,
) -> ExpectationOutcome:
    kwargs = _resolve_parameters(expectation["kwargs"], parameters)
    column = _column_label(kwargs)
    common = {
        "suite": suite,
        "expectation_type": expectation["type"],
        "column": column,
        "kwargs": kwargs,
        "blocking": expectation["meta"]["blocking"],
        "why": expectation["meta"]["why"],
    }
    error = _error_message(result)
    if result is None or error:
        return ExpectationOutcome(
            **common,
            success=False,
            element_count=row_count,
            unexpected_count=0,
            unexpected_percent=0.0,
            examples=[],
            error=error or "not run",
        )
    details = dict(result.result or {})
    if "element_count" not in details:
        return _table_outcome(common, bool(result.success), details, kwargs, row_count)
    return ExpectationOutcome(
        **common,
        success=bool(result.success),
        element_count=int(details.get("element_count") or 0),
        unexpected_count=int(details.get("unexpected_count") or 0),
        unexpected_percent=float(details.get("unexpected_percent") or 0.0),
        examples=_examples(kwargs, details.get("partial_unexpected_list") or []),
    )


def _table_outcome(
    common: dict[str, Any],
    success: bool,
    details: dict[str, Any],
    kwargs: dict[str, Any],
    row_count: int,
) -> ExpectationOutcome:
    """Outcome of a table-level expectation (columns present, row count)."""
    observed = details.get("observed_value")
    missing: list[str] = []
    examples: list[str] = []
    if common["expectation_type"] == "expect_table_columns_to_match_set":
        missing = sorted((details.get("details") or {}).get("mismatched", {}).get("missing", []))
        examples = [f"missing column {name}" for name in missing[:MAX_EXAMPLES]]
    elif not success and observed is not None:
        unit = " rows" if "row_count" in common["expectation_type"] else ""
        examples = [f"observed {observed}{unit}"]
    required = len(kwargs.get("column_set") or []) or 1
    return ExpectationOutcome(
        **common,
        success=success,
        element_count=row_count,
        unexpected_count=len(missing),
        unexpected_percent=100.0 * len(missing) / required if missing else 0.0,
        examples=examples,
    )


def _resolve_parameters(kwargs: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    resolved: dict[str, Any] = {}
    for key, value in kwargs.items():
        if isinstance(value, dict) and "$PARAMETER" in value:
            value = parameters.get(value["$PARAMETER"], value)
        resolved[key] = value
    return resolved


def _column_label(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return str(kwargs["column"])
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    if "column_A" in kwargs and "column_B" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    return None


def _error_message(result: Any) -> str | None:
    if result is None:
        return None
    info = result.exception_info or {}
    # A single expectation reports {"raised_exception": ...}; metric failures are keyed by id.
    entries = [info] if "raised_exception" in info else list(info.values())
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            message = str(entry.get("exception_message") or "unknown error")
            return message[:_MAX_ERROR_LENGTH]
    return None


def _examples(kwargs: dict[str, Any], values: list[Any]) -> list[str]:
    columns = _example_columns(kwargs)
    rendered: list[str] = []
    for value in values:
        text = _render_example(columns, value)
        if text not in rendered:
            rendered.append(text)
        if len(rendered) == MAX_EXAMPLES:
            break
    return rendered


def _example_columns(kwargs: dict[str, Any]) -> list[str]:
    if "column_list" in kwargs:
        return list(kwargs["column_list"])
    if "column_A" in kwargs:
        return [kwargs["column_A"], kwargs["column_B"]]
    return [str(kwargs.get("column"))]


def _render_example(columns: list[str], value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}={example_for(key, _plain(item))}" for key, item in value.items())
    if isinstance(value, (tuple, list)) and len(value) == len(columns) > 1:
        pairs = zip(columns, value, strict=True)
        return " vs ".join(example_for(col, _plain(item)) for col, item in pairs)
    return example_for(columns[0], _plain(value))


def _plain(value: Any) -> Any:
    """Timestamps come back as numpy or pandas objects: show them all as ISO strings."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, (datetime, date)) and not pd.isna(value):
        return value.isoformat()
    return value
