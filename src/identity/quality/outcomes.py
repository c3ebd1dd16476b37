"""Engine-neutral results of a data-quality run: what failed, how badly, and whether it blocks.

Great Expectations results are converted into these plain dataclasses at the seam
(``runner.py``) so that the Dagster adapter, the HTML report and the run history never depend on
Great Expectations objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ExpectationOutcome:
    """The result of one expectation on one frame.

    Attributes:
        suite: Suite name, e.g. ``"crm_raw"``.
        expectation_type: Great Expectations type, e.g. ``"expect_column_values_to_be_unique"``.
        column: The column checked (``"a, b"`` for multi-column checks), None for table checks.
        kwargs: The expectation's arguments as run (suite parameters resolved).
        blocking: True when a failure must stop data from reaching the golden table.
        success: Whether the expectation held (``mostly`` thresholds included).
        element_count: Rows examined.
        unexpected_count: Rows that broke the rule.
        unexpected_percent: ``unexpected_count`` as a percentage of non-null values.
        examples: Up to five unexpected values, masked so they never carry personal data.
        why: The business reason for the rule, from the suite JSON.
        error: Set when the expectation could not be evaluated (e.g. its column is missing).
        locations: Per example (same order), the first rows holding it, e.g.
            ``"crm/contacts.csv:57"`` (``"customer C0001"`` in the golden table); empty when
            the frame carries no provenance. Provenance only, never a value.
    """

    suite: str
    expectation_type: str
    column: str | None
    kwargs: dict[str, Any]
    blocking: bool
    success: bool
    element_count: int
    unexpected_count: int
    unexpected_percent: float
    examples: list[str]
    why: str
    error: str | None = None
    locations: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``"pass"``, ``"fail"`` (blocking failure) or ``"warn"`` (non-blocking failure)."""
        if self.success:
            return "pass"
        return "fail" if self.blocking else "warn"

    def describe(self, subject: str | None = None) -> str:
        """One line naming the suite, the subject, the rule and what went wrong.

        Args:
            subject: What was validated (e.g. ``"crm"``); shown when it differs from the suite.

        Returns:
            e.g. ``"contacts: expect_column_values_to_not_match_regex on street failed
            (blocking): 9 unexpected (2.1%), e.g. *** (crm/contacts.csv:57)"``: each masked
            example with the source, file and line of the rows holding it.
        """
        where = self.suite if not subject or subject == self.suite else f"{self.suite} ({subject})"
        rule = self.expectation_type + (f" on {self.column}" if self.column else "")
        verdict = "passed" if self.success else "failed"
        severity = "blocking" if self.blocking else "warning"
        line = f"{where}: {rule} {verdict} ({severity})"
        if self.error:
            return f"{line}: could not be evaluated: {self.error}"
        if self.unexpected_count:
            line += (
                f": {self.unexpected_count} unexpected ({format_percent(self.unexpected_percent)})"
            )
        if self.examples:
            shown = [
                f"{example} ({where})" if where else example
                for example, where in zip(self.examples, self._padded_locations(), strict=True)
            ]
            line += (": " if not self.unexpected_count else ", ") + "e.g. " + ", ".join(shown)
        return line

    def _padded_locations(self) -> list[str]:
        return (self.locations + [""] * len(self.examples))[: len(self.examples)]


@dataclass(frozen=True)
class SuiteResult:
    """Every outcome of one suite run on one frame.

    Attributes:
        suite: Suite name, e.g. ``"crm_raw"``.
        subject: What was validated, e.g. ``"crm"`` or ``"contacts"``.
        outcomes: One outcome per expectation, in suite order.
    """

    suite: str
    subject: str
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def success(self) -> bool:
        """True when every expectation held, blocking or not."""
        return all(outcome.success for outcome in self.outcomes)

    @property
    def blocking_failures(self) -> list[ExpectationOutcome]:
        """Failed expectations whose data must not reach the golden table."""
        return [o for o in self.outcomes if not o.success and o.blocking]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        """Failed expectations that are reported but do not stop the run."""
        return [o for o in self.outcomes if not o.success and not o.blocking]

    def summary(self) -> str:
        """One line per failed expectation (blocking first), or one line saying all passed.

        Returns:
            Newline-separated lines, safe for logs and Dagster metadata (examples are masked).
        """
        failed = self.blocking_failures + self.warnings
        if not failed:
            where = self.suite if self.subject == self.suite else f"{self.suite} ({self.subject})"
            return f"{where}: all {len(self.outcomes)} expectations passed"
        return "\n".join(outcome.describe(self.subject) for outcome in failed)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form for the HTML report and the run history.

        Returns:
            ``{"suite", "subject", "success", "blocking_failures", "warnings", "outcomes"}``
            where ``outcomes`` holds one dict per expectation (dataclass fields plus ``status``).
        """
        return {
            "suite": self.suite,
            "subject": self.subject,
            "success": self.success,
            "blocking_failures": len(self.blocking_failures),
            "warnings": len(self.warnings),
            "outcomes": [{**asdict(o), "status": o.status} for o in self.outcomes],
        }


def format_percent(percent: float) -> str:
    """Format a percentage so that small but non-zero rates never read as 0%.

    Args:
        percent: A value between 0 and 100.

    Returns:
        ``"0.6%"``, ``"<0.1%"`` for tiny non-zero values, ``"0%"`` for zero.
    """
    if percent == 0:
        return "0%"
    if 0 < percent < 0.1:
        return "<0.1%"
    return f"{percent:.1f}%"
