"""Accuracy: our linkage beside a plain Splink script, on the same native files.

``python -m identity_bench.accuracy`` (what ``make bench-accuracy`` runs) scores two methods on
each data set:

- generated cases: demo exports for several seeds and noise levels (``identity_demo``);
- public and derived data sets of ``identity_bench.public``: Febrl 1 as a Salesforce export,
  Febrl 2 as a Square directory, and generator variants where sources lack emails, phones or
  addresses, or stand alone.

On each landing folder it runs

- ``ours``: read, standardise and ``identity.linkage.link_and_cluster`` on DuckDB (the library
  functions the Dagster job calls, without publishing tables);
- ``plain``: the afternoon Splink script of ``identity_bench.plain_splink`` on the same files;

and scores both against the data set's ``truth.csv`` (pairwise and B-cubed). A method that fails
on a data set is a row with its error, not the end of the benchmark. It prints the table and
rewrites the accuracy section of BENCHMARKS.md with the command, machine and date.

Examples:
    python -m identity_bench.accuracy --datasets febrl1 --no-write   # Febrl 1 only
    python -m identity_bench.accuracy --cases 7:1                    # one generated case
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from identity import engine, evaluate
from identity import schema as s
from identity.linkage import link_and_cluster
from identity.readers.landing import read_landing_source
from identity.standardise.batches import standardise_sources
from identity_bench import public
from identity_bench.cases import CASES, GENERATED, VARIANT_SEED, Case, select_cases
from identity_bench.plain_splink import read_landing, run_plain_splink

logger = logging.getLogger(__name__)

PEOPLE = 2000
# Longest error text kept in the table's failure list.
ERROR_CHARS = 200
BENCHMARKS = Path("BENCHMARKS.md")
START, END = "<!-- accuracy:start -->", "<!-- accuracy:end -->"


@dataclass(frozen=True)
class Row:
    """Scores of one method on one data set.

    Attributes:
        case: The data set.
        records: Records in its truth.
        method: ``"ours"`` or ``"plain Splink"``.
        accuracy: The scores; None when the method (or writing the data set) failed.
        seconds: The method's wall time.
        error: Why it failed (``"ValueError: ..."``); empty when it did not.
    """

    case: Case
    records: int
    method: str
    accuracy: evaluate.Accuracy | None
    seconds: float
    error: str = ""


def ours(landing: Path) -> pd.DataFrame:
    """Our pipeline's clusters for a landing folder (DuckDB).

    Args:
        landing: A folder of native exports (any of the four sources may be missing).

    Returns:
        ``record_key`` and ``cluster_id``.
    """
    batches = [read_landing_source(landing, system) for system in s.SOURCE_SYSTEMS]
    contacts = standardise_sources(batches).contacts
    with engine.backend("duckdb") as db_api:
        return link_and_cluster(contacts, db_api).clusters


def plain(landing: Path) -> pd.DataFrame:
    """The plain Splink script's clusters for a landing folder (DuckDB)."""
    with engine.backend("duckdb") as db_api:
        return run_plain_splink(read_landing(landing), db_api)


RUNNERS: dict[str, Callable[[Path], pd.DataFrame]] = {"ours": ours, "plain Splink": plain}


def describe(error: BaseException) -> str:
    """An error as one table-safe line: its type and the first line of its message."""
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0] if lines else ''}".strip().rstrip(":")
    text = text.replace("|", "/")
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"


def measure(
    case: Case,
    people: int,
    workdir: Path,
    runners: dict[str, Callable[[Path], pd.DataFrame]] | None = None,
) -> list[Row]:
    """Write one data set and score each method on it.

    A method that raises is recorded as a row with its error (and the traceback is logged),
    so that one crash does not lose the other methods' and data sets' figures.

    Args:
        case: The data set.
        people: True people to generate (generated cases and variants).
        workdir: Where the landing folder goes.
        runners: Method name to clustering function; ``RUNNERS`` by default.

    Returns:
        One row per method.
    """
    runners = RUNNERS if runners is None else runners
    landing = workdir / case.folder
    try:
        truth = evaluate.read_truth(case.write(landing, people))
    except Exception as error:  # a data set that cannot be written fails both methods
        logger.warning("%s: writing the data set failed", case.label, exc_info=True)
        return [Row(case, 0, method, None, 0.0, describe(error)) for method in runners]
    rows = []
    for method, run in runners.items():
        started = time.perf_counter()
        try:
            accuracy, failed = evaluate.score(run(landing), truth), ""
        except Exception as failure:  # recorded in the table; see the docstring
            logger.warning("%s: %s failed", case.label, method, exc_info=True)
            accuracy, failed = None, describe(failure)
        seconds = time.perf_counter() - started
        rows.append(Row(case, len(truth), method, accuracy, seconds, failed))
    return rows


def machine() -> str:
    """``uname -a``, cores and RAM of this machine."""
    pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    ram = pages * page_size / 2**30
    try:
        uname = subprocess.run(["uname", "-a"], capture_output=True, text=True, check=True)
        system = uname.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        system = " ".join(part for part in platform.uname() if part)
    return f"`{system}`, {os.cpu_count()} cores, {ram:.0f} GB RAM"


def _cell(value: float | int | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def table(rows: list[Row]) -> str:
    """The rows as a markdown table, each data set's methods side by side.

    ``records`` is the data set's truth; ``scored`` the records a method returned that are in
    it (ours leaves out the records standardisation quarantines). Failed runs say so, and
    ``failures`` gives their errors.
    """
    lines = [
        "| data set | seed | noise | records | method | scored | precision | recall | F1 "
        "| B-cubed F1 | seconds |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        c, a = row.case, row.accuracy
        head = (
            f"| {c.dataset} | {_cell(c.seed, 'd')} | {_cell(c.noise, 'g')} | {row.records:,} "
            f"| {row.method} "
        )
        if a is None:
            lines.append(head + f"| | failed | | | | {row.seconds:.0f} |")
            continue
        lines.append(
            head + f"| {a.records:,} | {a.precision:.4f} | {a.recall:.4f} | **{a.f1:.4f}** "
            f"| {a.bcubed_f1:.4f} | {row.seconds:.0f} |"
        )
    return "\n".join(lines)


def failures(rows: list[Row]) -> str:
    """One markdown bullet per failed run, with its error; empty when nothing failed."""
    return "\n".join(
        f"- {row.case.label}, {row.method}: `{row.error}`" for row in rows if row.accuracy is None
    )


def _paired(rows: list[Row]) -> list[tuple[Row, Row]]:
    """(ours, plain Splink) rows of each data set where both methods gave scores."""
    scored = [row for row in rows if row.accuracy is not None]
    plain_rows = {row.case: row for row in scored if row.method != "ours"}
    return [
        (row, plain_rows[row.case])
        for row in scored
        if row.method == "ours" and row.case in plain_rows
    ]


def _f1(row: Row) -> float:
    assert row.accuracy is not None
    return row.accuracy.f1


def summary(rows: list[Row]) -> str:
    """Mean pairwise F1 per method at the default noise, our margins, and failed runs."""
    pairs = _paired(rows)
    default = [(o, p) for o, p in pairs if o.case.dataset == GENERATED and o.case.noise == 1.0]
    parts = []
    if default:
        ours_mean = sum(_f1(o) for o, _ in default) / len(default)
        plain_mean = sum(_f1(p) for _, p in default) / len(default)
        margin = min(_f1(o) - _f1(p) for o, p in default)
        parts.append(
            f"At the default noise (1.0), mean pairwise F1 is {ours_mean:.4f} for our pipeline "
            f"and {plain_mean:.4f} for plain Splink; the smallest per-seed margin is "
            f"{margin:+.4f}."
        )
    others = [(o, p) for o, p in pairs if o.case.dataset != GENERATED]
    if others:
        behind = [o.case.dataset for o, p in others if _f1(o) < _f1(p)]
        parts.append(
            f"On the public and derived data sets where both ran, our pairwise F1 is at least "
            f"plain Splink's on {len(others) - len(behind)} of {len(others)}"
            + (f" (behind on {', '.join(behind)})." if behind else ".")
        )
    failed = sum(row.accuracy is None for row in rows)
    if failed:
        parts.append(f"{failed} run(s) failed; their errors are listed below the table.")
    return " ".join(parts)


def _dataset_lines(rows: list[Row]) -> list[str]:
    named = dict.fromkeys(row.case.dataset for row in rows if row.case.dataset != GENERATED)
    return [f"- `{name}`: {public.DATASETS[name].description}." for name in named]


def section(rows: list[Row], command: str, people: int, wall: float) -> str:
    """The markdown written between the accuracy markers of BENCHMARKS.md."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    datasets = _dataset_lines(rows)
    about = []
    if datasets:
        about = [
            "",
            "Data sets besides `generated` (`identity_bench.public`; generator variants at seed "
            f"{VARIANT_SEED}, noise 1):",
            "",
            *datasets,
        ]
    listed = failures(rows)
    return "\n".join(
        [
            f"Command: `{command}`  ",
            f"Machine: {machine()}  ",
            f"Date: {when}; whole benchmark {wall / 60:.1f} min (load average at the end {load})",
            "",
            f"{people:,} generated people per generated data set (`identity_demo.generate`); "
            "both methods read the same native files and are scored against the data set's "
            "`truth.csv` with `identity.evaluate` (pairwise: pairs of records put in one "
            "customer; B-cubed: per record). Ours is the library's read, standardise and link "
            "stages on DuckDB; plain Splink is `identity_bench.plain_splink` (Splink's default "
            "comparisons on the columns that hold values, light cleaning). Seconds are each "
            "method's own wall time on a shared machine.",
            *about,
            "",
            table(rows),
            "",
            summary(rows),
            *(["", "Failed runs:", "", listed] if listed else []),
        ]
    )


def write_section(text: str, path: Path = BENCHMARKS) -> None:
    """Replace the accuracy section of BENCHMARKS.md with ``text``."""
    current = path.read_text("utf-8")
    head, rest = current.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{text}\n{END}{tail}", "utf-8")


def _progress(row: Row) -> str:
    a = row.accuracy
    if a is None:
        return f"{row.case.label} {row.method:>12}: failed: {row.error}"
    return (
        f"{row.case.label} {row.method:>12}: P {a.precision:.4f} R {a.recall:.4f} "
        f"F1 {a.f1:.4f} B3 {a.bcubed_f1:.4f} ({row.seconds:.0f}s)"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and by default record) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    default_cases = ",".join(f"{seed}:{noise:g}" for seed, noise in CASES)
    parser.add_argument(
        "--cases",
        help=f"generated seed:noise pairs, comma-separated, or none (default {default_cases}); "
        "given alone, no other data set runs",
    )
    parser.add_argument(
        "--datasets",
        help=f"public and derived data sets, comma-separated, all or none (default all: "
        f"{', '.join(public.DATASETS)}); given alone, no generated case runs",
    )
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore", category=UserWarning)
    try:
        cases = select_cases(args.cases, args.datasets)
    except ValueError as error:
        parser.error(str(error))
    rows: list[Row] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_accuracy_") as tmp:
        for case in cases:
            for row in measure(case, args.people, Path(tmp)):
                rows.append(row)
                print(_progress(row), flush=True)
    print()
    print(table(rows))
    print(summary(rows))
    if failures(rows):
        print(f"\nFailed runs:\n{failures(rows)}")
    if not args.no_write:
        argv_text = " ".join(argv if argv is not None else sys.argv[1:])
        command = "make bench-accuracy"
        if argv_text:
            command = f"python -m identity_bench.accuracy {argv_text}"
        wall = time.perf_counter() - started
        write_section(section(rows, command, args.people, wall))
        print(f"\nwrote the accuracy section of {BENCHMARKS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
