"""A filled-in run report for the report tests: every section present, hostile text included."""

from __future__ import annotations

from typing import Any

from identity.quality import ExpectationOutcome, SuiteResult
from identity.report import RunReport

HOSTILE = '<script>alert("x")</script>'


def suite_dict(
    suite: str, subject: str, email_unexpected: int, blocking_fails: bool
) -> dict[str, Any]:
    """A saved suite result: a unique-id rule (blocking) and an email rule (a warning)."""
    outcomes = [
        ExpectationOutcome(
            suite=suite,
            expectation_type="expect_column_values_to_be_unique",
            column="source_record_id",
            kwargs={"column": "source_record_id"},
            blocking=True,
            success=not blocking_fails,
            element_count=500,
            unexpected_count=3 if blocking_fails else 0,
            unexpected_percent=0.6 if blocking_fails else 0.0,
            examples=["0035g00000AbCd001A"] if blocking_fails else [],
            why="Ids identify records.",
        ),
        ExpectationOutcome(
            suite=suite,
            expectation_type="expect_column_values_to_match_regex",
            column="email",
            kwargs={"column": "email", "regex": "^[^@]+@[^@]+$", "mostly": 0.99},
            blocking=False,
            success=email_unexpected == 0,
            element_count=500,
            unexpected_count=email_unexpected,
            unexpected_percent=email_unexpected / 5,
            examples=["j***@g****.com", HOSTILE] if email_unexpected else [],
            why="Email is the strongest identifier.",
        ),
    ]
    return SuiteResult(suite, subject, outcomes).to_dict()


def sample_report(
    run_id: str, started_at: str, *, read: int, customers: int, bad_emails: int
) -> RunReport:
    """A run's report with every section filled, some text hostile HTML (it must be escaped).

    Args:
        run_id: The run.
        started_at: When it started (ISO 8601).
        read: Rows read from the main CRM file.
        customers: Customers found.
        bad_emails: Emails failing the warning rule; more than 10 also fails a blocking rule.
    """
    return RunReport(
        run_id=run_id,
        started_at=started_at,
        engine="duckdb",
        sources={
            "crm": {
                "files": [
                    {
                        "file": "contacts.csv",
                        "rows_read": read,
                        "rows_linked": read - 5,
                        "rows_quarantined": 5,
                    },
                    {"file": HOSTILE, "rows_read": 10, "rows_linked": 9, "rows_quarantined": 0},
                ],
                "rows_read": read + 10,
                "rows_linked": read + 4,
                "rows_quarantined": 5,
            },
            "social": {"files": [], "rows_read": 0, "rows_linked": 0, "rows_quarantined": 0},
        },
        quality=[
            suite_dict("crm_raw", "crm", bad_emails, blocking_fails=False),
            suite_dict("contacts", "contacts", 0, blocking_fails=bad_emails > 10),
        ],
        quarantine_by_reason={"crm": {"missing id": 3, "test lead": 2}},
        linkage={
            "records": read + 4,
            "customers": customers,
            "largest_cluster": 4,
            "match_weight_histogram": [
                {"bin_start": -10 + 2 * i, "bin_end": -8 + 2 * i, "count": c}
                for i, c in enumerate([50, 30, 10, 5, 8, 20, 40, 12])
            ],
            "cluster_sizes": [
                {"size": 1, "count": 300},
                {"size": 2, "count": 40},
                {"size": 4, "count": 2},
            ],
            "parameters": [
                {
                    "comparison": "email",
                    "level": "exact",
                    "m": 0.9,
                    "u": 0.0001,
                    "bayes_factor": 9000.0,
                },
                {
                    "comparison": "first_name",
                    "level": "else",
                    "m": 0.05,
                    "u": 0.95,
                    "bayes_factor": 0.0526,
                },
            ],
            "blocking_rules": [{"rule": "l.email = r.email", "comparisons": 1234}],
            "waterfalls": [
                {
                    "cluster_id": "C000001",
                    "records": ["crm:0035g00000AbCd001A", "pos:JDKY"],
                    "pairs": [
                        {
                            "left": "crm:0035g00000AbCd001A",
                            "right": "pos:JDKY",
                            "match_weight": 9.1,
                            "terms": [
                                {"comparison": "prior", "level": "", "weight": -6.6},
                                {"comparison": "email", "level": "exact", "weight": 13.1},
                                {"comparison": "first_name", "level": HOSTILE, "weight": 2.6},
                            ],
                        },
                    ],
                }
            ],
            "pairwise": {"precision": 0.98, "recall": 0.91, "f1": 0.944},
        },
        id_churn={"new": 12, "merged": 2, "split": 1, "retired": 0, "kept": customers - 12},
    )
