"""Sources that are suddenly empty or much smaller than in the last published run.

An export that arrives header-only, truncated or not at all looks, to the job, like every
customer of that source leaving. That is far likelier a failed delivery than mass deletion, so
the run warns, naming the source, rather than stopping: the customers of that source retire for
the night and get their ids back when their records return (``identity.golden.ids``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from identity import publish as pub
from identity import schema as s
from identity.quality.outcomes import ExpectationOutcome, SuiteResult, format_percent

SUITE = "source_volume"
EXPECTATION = "expect_rows_read_not_to_shrink_past_share_of_last_published_run"
DEFAULT_SHRINK_WARN_SHARE = 0.5
WHY = (
    "A source suddenly empty or much smaller than last time is usually a failed delivery "
    "(a header-only, truncated or missing export), not customers leaving: its customers retire "
    "for the night and get their ids back when their records return. Check the export."
)


@dataclass(frozen=True)
class Baseline:
    """Rows read per source by the last published run.

    Attributes:
        run_id: That run (None when nothing was published).
        rows: Source system -> rows read (rows linked when the run's counts are gone).
    """

    run_id: str | None
    rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class VolumeCheck:
    """The verdict on one source's volume.

    Attributes:
        ok: False when the source shrank past the share.
        description: One line naming the source and both counts.
        result: The same as a suite result, kept with the run for the report.
    """

    ok: bool
    description: str
    result: SuiteResult


def baseline(warehouse: Path) -> Baseline:
    """What the last published run read per source.

    Its manifest records the rows it read per source; a warehouse published before manifests
    kept them falls back on the published crosswalk (rows linked, which can only be fewer).

    Args:
        warehouse: The warehouse folder.

    Returns:
        The baseline; empty on a first run.
    """
    manifest = pub.published(warehouse)
    run_id = manifest.get("run_id")
    if "rows_read" in manifest:
        return Baseline(run_id, {str(k): int(v) for k, v in manifest["rows_read"].items()})
    crosswalk = pub.read_table(warehouse, pub.CROSSWALK, [s.SOURCE_SYSTEM])
    if crosswalk.empty:
        return Baseline(run_id)
    counts = crosswalk.groupby(s.SOURCE_SYSTEM).size()
    return Baseline(run_id, {str(k): int(v) for k, v in counts.items()})


def check_volume(system: str, rows: int, last: Baseline, share: float) -> VolumeCheck:
    """Whether a source kept its volume: warn when it has ``share`` fewer rows or more.

    Args:
        system: The source system.
        rows: Rows read this run (0 when its folder is missing or its files are header-only).
        last: The last published run's counts.
        share: The shrink that warns, in (0, 1]: 0.5 warns at half the rows or fewer, 1.0
            only when the source is empty.

    Returns:
        The verdict.
    """
    before = last.rows.get(system, 0)
    fewer = max(before - rows, 0)
    ok = before == 0 or rows > before * (1 - share)
    percent = 100.0 * fewer / before if before else 0.0
    if before == 0:
        description = f"{system}: {rows:,} rows read (no earlier published rows to compare)"
    else:
        what = "empty" if rows == 0 else f"{format_percent(percent)} fewer"
        description = (
            f"{system}: {rows:,} rows read, {before:,} in the last published run {last.run_id} "
            f"({what}; warns at {format_percent(100 * share)} fewer)"
        )
        if not ok:
            description += ": a failed delivery? its customers retire until their records return"
    outcome = ExpectationOutcome(
        suite=SUITE,
        expectation_type=EXPECTATION,
        column=None,
        kwargs={"share": share, "previous_rows": before, "previous_run": last.run_id},
        blocking=False,
        success=ok,
        element_count=rows,
        unexpected_count=0 if ok else fewer,
        unexpected_percent=0.0 if ok else percent,
        examples=[] if ok else [f"{rows:,} rows read, {before:,} before"],
        why=WHY,
    )
    return VolumeCheck(ok, description, SuiteResult(SUITE, system, [outcome]))


def check_share(share: float) -> float:
    """Validate ``IDENTITY_SHRINK_WARN_SHARE``: a share in (0, 1].

    Raises:
        ValueError: Outside (0, 1].
    """
    if not 0 < share <= 1:
        raise ValueError(
            f"IDENTITY_SHRINK_WARN_SHARE must be above 0 and at most 1 (0.5 warns when a source "
            f"has half its rows or fewer), not {share}"
        )
    return share
