"""Running a suite on a pandas frame with Great Expectations: the only module that imports it.

Great Expectations is imported lazily (it takes about 1.5 s) and always with analytics off. Each
call builds an in-memory (ephemeral) context with a pandas data source and a whole-dataframe
batch definition, runs the suite built from our JSON, and converts the results into
``ExpectationOutcome``s so nothing downstream depends on Great Expectations objects.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from identity.quality.masking import example_for
from identity.quality.outcomes import ExpectationOutcome, SuiteResult
from identity.quality.suites import SuiteDefinitionError, load_suite

logger = logging.getLogger(__name__)

MAX_EXAMPLES = 5
# SUMMARY returns at most this many unexpected values instead of every failing row.
RESULT_FORMAT: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 20}
_POSITION = "_position"
_DATE_SUFFIX = "__as_date"
_MAX_ERROR_LENGTH = 200
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
    view, expectations = _prepare(frame, spec["expectations"])
    results = _run_gx(view, spec, expectations, parameters)
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


def _prepare(
    frame: pd.DataFrame, expectations: list[dict[str, Any]]
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Return the frame Great Expectations sees and the expectations it runs.

    Great Expectations coerces date-like bounds to ``date`` objects and then refuses to compare
    them with ISO strings, so a column checked with ``meta.compare_as == "date"`` is compared
    through a parsed copy; values that are not ISO dates become null there (the format rule
    reports them).
    """
    # A shallow copy: derived columns are added to the view, never to the caller's frame.
    plain_index = isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
    view = frame.copy(deep=False) if plain_index else frame.reset_index(drop=True)
    prepared: list[dict[str, Any]] = []
    for position, expectation in enumerate(expectations):
        kwargs = dict(expectation["kwargs"])
        column = kwargs.get("column")
        if expectation["meta"].get("compare_as") == "date" and column in view.columns:
            derived = f"{column}{_DATE_SUFFIX}"
            if derived not in view.columns:
                view[derived] = view[column].map(_parse_iso_date).astype(object)
            kwargs["column"] = derived
        meta = {**expectation["meta"], _POSITION: position}
        prepared.append({"type": expectation["type"], "kwargs": kwargs, "meta": meta})
    return view, prepared


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
    view: pd.DataFrame,
    spec: dict[str, Any],
    expectations: list[dict[str, Any]],
    parameters: dict[str, Any],
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
        suite = ExpectationSuite(name=name, expectations=expectations, meta=spec.get("meta"))
    except Exception as exc:  # pydantic and GX raise many types for a bad expectation
        raise SuiteDefinitionError(f"{name}.json: Great Expectations rejected it: {exc}") from exc
    with _GX_LOCK:
        context = gx.get_context(project_config=config, mode="ephemeral")
        context.enable_analytics(False)  # in-memory only: nothing is saved or sent
        batch_definition = (
            context.data_sources.add_pandas(name=f"{name}_source")
            .add_dataframe_asset(name=f"{name}_frame")
            .add_batch_definition_whole_dataframe(name="whole_frame")
        )
        batch = batch_definition.get_batch(batch_parameters={"dataframe": view})
        validation = batch.validate(
            suite, result_format=RESULT_FORMAT, expectation_parameters=parameters
        )
    # Results do not come back in suite order: key them by the position we put in meta.
    return {int(r.expectation_config.meta[_POSITION]): r for r in validation.results}


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
