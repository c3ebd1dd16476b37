"""What failed in a run, one line per failed step or check, from the run's Dagster events.

``identity run`` prints these lines and the report of a run that stopped early lists them; both
read the same events, so the console and the report say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import dagster as dg

# What the OS says when the warehouse's storage fails, as Python and deltalake spell it, and
# the errors ``identity.publish`` raises for it.
STORAGE_FAULTS = ("No space left on device", "Read-only file system", "os error 28", "os error 30")
STORAGE_ERRORS = {"PublishError", "NotEnoughSpaceError", "WarehouseNotWritableError"}


def error_text(error: Any) -> str:
    """``SourceFormatError: contacts.csv: line 1 ...``: the short class name and the message."""
    if error is None:
        return "unknown error"
    text = error.message.strip()
    qualified, sep, rest = text.partition(": ")
    if sep and qualified.rsplit(".", 1)[-1] == error.cls_name:
        # A dagster.Failure carries our own message already; other errors keep their class.
        return rest if error.cls_name == "Failure" else f"{error.cls_name}: {rest}"
    return text


def failed_steps(events: Iterable[dg.DagsterEvent]) -> list[tuple[str, Any]]:
    """Each failed step, and resources that could not start, with its innermost error."""
    failures = []
    for event in events:
        # Resource init failures carry their error on engine event data; other events have none.
        init_error = getattr(event.event_specific_data, "error", None)
        if event.is_step_failure and event.step_failure_data is not None:
            failures.append((f"step {event.step_key}", event.step_failure_data.error))
        elif event.event_type_value == "RESOURCE_INIT_FAILURE" and init_error:
            failures.append(("the run", init_error))
    for index, (where, error) in enumerate(failures):
        # Dagster wraps the real error; its innermost cause says what went wrong.
        while error is not None and error.cause is not None:
            error = error.cause
        failures[index] = (where, error)
    return failures


def failure_lines(events: Iterable[dg.DagsterEvent]) -> list[str]:
    """One line per failed step and per failed check of a run.

    Args:
        events: The run's events (``result.all_events``, or the instance's log of the run).

    Returns:
        Lines such as ``step crm_records failed: ...`` and ``check crm_raw_suite: ...``; check
        examples are masked, reader errors name file, line and column rather than values.
    """
    events = list(events)
    lines = [f"{where} failed: {error_text(error)}" for where, error in failed_steps(events)]
    for event in events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.asset_check_evaluation_data
            if not evaluation.passed and evaluation.description:
                lines.append(f"check {evaluation.check_name}: {evaluation.description}")
    return lines


def storage_fault(events: Iterable[dg.DagsterEvent]) -> str | None:
    """The first failure caused by the warehouse's storage (full, read-only), as one line."""
    for where, error in failed_steps(events):
        if error is None:
            continue
        if error.cls_name in STORAGE_ERRORS or any(f in error.message for f in STORAGE_FAULTS):
            return f"{where} failed: {error_text(error).splitlines()[0]}"
    return None


def failure_message(result: Any) -> str:
    """Every failure line of a finished run (``dg.ExecuteJobResult``), or a generic one."""
    return "\n".join(failure_lines(result.all_events)) or "the run failed"
