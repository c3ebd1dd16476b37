"""Great Expectations' validation results turned into ``ExpectationOutcome``s.

Results are read by attribute only (``success``, ``result``, ``exception_info``), so this module
never imports Great Expectations; ``runner`` is the only one that does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from identity.quality.masking import example_for
from identity.quality.outcomes import ExpectationOutcome

MAX_EXAMPLES = 5
_MAX_ERROR_LENGTH = 200


def to_outcome(
    suite: str,
    expectation: dict[str, Any],
    result: Any,
    parameters: dict[str, Any],
    row_count: int,
    locate: Callable[[list[Any]], str] | None = None,
) -> ExpectationOutcome:
    """One expectation's result as an outcome, with masked examples and where they are.

    Args:
        suite: The suite's name.
        expectation: The expectation as written in the suite (``type``, ``kwargs``, ``meta``).
        result: Great Expectations' result for it, or None when it did not run.
        parameters: Values for the suite's ``$PARAMETER`` references.
        row_count: Rows in the validated frame.
        locate: Names the rows holding given raw unexpected values
            (``locations.row_locator``); None leaves ``locations`` empty.

    Returns:
        The outcome; an expectation that raised or did not run fails with its error.
    """
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
    groups = _examples(kwargs, details.get("partial_unexpected_list") or [])
    return ExpectationOutcome(
        **common,
        success=bool(result.success),
        element_count=int(details.get("element_count") or 0),
        unexpected_count=int(details.get("unexpected_count") or 0),
        unexpected_percent=float(details.get("unexpected_percent") or 0.0),
        examples=list(groups),
        locations=[locate(values) for values in groups.values()] if locate else [],
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


def _examples(kwargs: dict[str, Any], values: list[Any]) -> dict[str, list[Any]]:
    """Up to ``MAX_EXAMPLES`` masked examples, in order, each with the raw values it shows."""
    columns = _example_columns(kwargs)
    rendered: dict[str, list[Any]] = {}
    for value in values:
        text = _render_example(columns, value)
        if text not in rendered and len(rendered) == MAX_EXAMPLES:
            continue  # later values only add rows to the examples already chosen
        rendered.setdefault(text, []).append(value)
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
