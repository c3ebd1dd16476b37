"""Data quality: Great Expectations suites (JSON in ``expectations/``) run on pandas frames.

Public API::

    from identity.quality import validate_frame
    result = validate_frame(records, "crm_raw", "crm")
    if result.blocking_failures:
        raise ...  # the Dagster asset check reports result.summary()

``validate_frame`` is the only entry point that imports Great Expectations (lazily).
"""

from __future__ import annotations

from identity.quality.masking import mask_value
from identity.quality.outcomes import ExpectationOutcome, SuiteResult
from identity.quality.runner import validate_frame
from identity.quality.suites import SuiteDefinitionError, load_suite, suite_names
from identity.quality.traceability import check_golden_traceable

__all__ = [
    "ExpectationOutcome",
    "SuiteDefinitionError",
    "SuiteResult",
    "check_golden_traceable",
    "load_suite",
    "mask_value",
    "suite_names",
    "validate_frame",
]
