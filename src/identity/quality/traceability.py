"""Cross-table check: golden customers and the crosswalk must describe the same customers.

Great Expectations validates one batch at a time and has no pandas cross-table expectation, so
this rule is plain pandas reported as an ``ExpectationOutcome`` like every other rule.
"""

from __future__ import annotations

import logging

import pandas as pd

from identity.quality.masking import example_for
from identity.quality.outcomes import ExpectationOutcome
from identity.schema import CUSTOMER_ID

logger = logging.getLogger(__name__)

TRACEABLE_EXPECTATION = "expect_golden_customers_traceable_to_crosswalk"
_MAX_EXAMPLES = 5


def check_golden_traceable(golden: pd.DataFrame, crosswalk: pd.DataFrame) -> ExpectationOutcome:
    """Check that every golden customer has source records and every crosswalk row a customer.

    Args:
        golden: The golden_customers frame (needs ``customer_id``).
        crosswalk: The customer_crosswalk frame (needs ``customer_id``).

    Returns:
        A blocking ``ExpectationOutcome`` for suite ``golden_customers``: ``element_count`` is
        the number of distinct customer ids across both tables, ``unexpected_count`` the ids
        found in only one of them (a null crosswalk customer_id counts as one), and
        ``examples`` up to five such ids, labelled ``golden only:`` or ``crosswalk only:``.
    """
    kwargs = {"left": "golden_customers.customer_id", "right": "customer_crosswalk.customer_id"}
    tables = {"golden": golden, "crosswalk": crosswalk}
    missing = [name for name, frame in tables.items() if CUSTOMER_ID not in frame.columns]
    if missing:
        return _outcome(kwargs, 0, [], error=f"no customer_id column in {' and '.join(missing)}")
    golden_ids = _ids(golden[CUSTOMER_ID])
    crosswalk_ids = _ids(crosswalk[CUSTOMER_ID])
    golden_only = sorted(golden_ids - crosswalk_ids)
    crosswalk_only = sorted(crosswalk_ids - golden_ids)
    null_links = int(crosswalk[CUSTOMER_ID].isna().sum())
    examples = [f"golden only: {example_for(CUSTOMER_ID, i)}" for i in golden_only]
    examples += [f"crosswalk only: {example_for(CUSTOMER_ID, i)}" for i in crosswalk_only]
    if null_links:
        examples.append(f"crosswalk only: <null> ({null_links} rows)")
    unexpected = len(golden_only) + len(crosswalk_only) + (1 if null_links else 0)
    total = len(golden_ids | crosswalk_ids) + (1 if null_links else 0)
    logger.info(
        "traceability: %d customer ids, %d golden only, %d crosswalk only, %d null links",
        total,
        len(golden_only),
        len(crosswalk_only),
        null_links,
    )
    return _outcome(kwargs, total, examples[:_MAX_EXAMPLES], unexpected=unexpected)


def _ids(column: pd.Series) -> set[str]:
    return {str(value) for value in column.dropna()}


def _outcome(
    kwargs: dict[str, str],
    total: int,
    examples: list[str],
    *,
    unexpected: int = 0,
    error: str | None = None,
) -> ExpectationOutcome:
    return ExpectationOutcome(
        suite="golden_customers",
        expectation_type=TRACEABLE_EXPECTATION,
        column=CUSTOMER_ID,
        kwargs=kwargs,
        blocking=True,
        success=error is None and unexpected == 0,
        element_count=total,
        unexpected_count=unexpected,
        unexpected_percent=100.0 * unexpected / total if total else 0.0,
        examples=examples,
        why=(
            "Every published customer must be traceable to its source records, and every "
            "crosswalk row must point at a published customer."
        ),
        error=error,
    )
