"""Accuracy: our linkage beside a plain Splink script, on the same generated files.

``python -m identity.bench.accuracy`` (what ``make bench-accuracy`` runs) generates demo exports
for several seeds and noise levels, then on each landing folder runs

- ``ours``: read, standardise and ``identity.linkage.link_and_cluster`` on DuckDB (the library
  functions the Dagster job calls, without publishing tables);
- ``plain``: the afternoon Splink script of ``identity.bench.plain_splink`` on the same files;

and scores both against the generator's ``truth.csv`` (pairwise and B-cubed). It prints the table
and rewrites the accuracy section of BENCHMARKS.md with the command, machine and date.
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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from identity import demo, engine, evaluate
from identity import schema as s
from identity.bench.plain_splink import read_landing, run_plain_splink
from identity.linkage import link_and_cluster
from identity.stages import read_landing_source, standardise_sources

PEOPLE = 2000
# Several seeds at the default noise (the acceptance figure), then cleaner and messier data.
CASES: tuple[tuple[int, float], ...] = ((7, 1.0), (1, 1.0), (2, 1.0), (3, 1.0), (7, 0.5), (7, 2.0))
BENCHMARKS = Path("BENCHMARKS.md")
START, END = "<!-- accuracy:start -->", "<!-- accuracy:end -->"


@dataclass(frozen=True)
class Row:
    """Scores of one method on one generated data set."""

    seed: int
    noise: float
    records: int
    method: str
    accuracy: evaluate.Accuracy
    seconds: float


def ours(landing: Path) -> pd.DataFrame:
    """Our pipeline's clusters for a landing folder (DuckDB).

    Args:
        landing: A folder written by ``identity.demo.generate``.

    Returns:
        ``record_key`` and ``cluster_id``.
    """
    batches = [read_landing_source(landing, system) for system in s.SOURCE_SYSTEMS]
    contacts = standardise_sources(batches).contacts
    return link_and_cluster(contacts, engine.make_db_api("duckdb")).clusters


def plain(landing: Path) -> pd.DataFrame:
    """The plain Splink script's clusters for a landing folder (DuckDB)."""
    return run_plain_splink(read_landing(landing), engine.make_db_api("duckdb"))


def measure(seed: int, noise: float, people: int, workdir: Path) -> list[Row]:
    """Generate one data set and score both methods on it.

    Args:
        seed: Generator seed.
        noise: Generator noise multiplier.
        people: True people to generate.
        workdir: Where the landing folder goes.

    Returns:
        One row per method.
    """
    landing = workdir / f"seed{seed}_noise{noise:g}"
    demo.generate(people, landing, seed=seed, noise=noise)
    truth = evaluate.read_truth(landing / demo.TRUTH_FILE)
    rows = []
    for method, run in (("ours", ours), ("plain Splink", plain)):
        started = time.perf_counter()
        clusters = run(landing)
        seconds = time.perf_counter() - started
        accuracy = evaluate.score(clusters, truth)
        rows.append(Row(seed, noise, len(truth), method, accuracy, seconds))
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


def table(rows: list[Row]) -> str:
    """The rows as a markdown table, each data set's methods side by side."""
    lines = [
        "| seed | noise | records | method | precision | recall | F1 | B-cubed F1 | seconds |",
        "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        a = row.accuracy
        lines.append(
            f"| {row.seed} | {row.noise:g} | {row.records:,} | {row.method} | {a.precision:.4f} "
            f"| {a.recall:.4f} | **{a.f1:.4f}** | {a.bcubed_f1:.4f} | {row.seconds:.0f} |"
        )
    return "\n".join(lines)


def summary(rows: list[Row]) -> str:
    """Mean pairwise F1 per method at the default noise, and our margin over plain Splink."""
    default = [row for row in rows if row.noise == 1.0]
    if not default:
        return ""
    means = {}
    for method in ("ours", "plain Splink"):
        scores = [row.accuracy.f1 for row in default if row.method == method]
        means[method] = sum(scores) / len(scores)
    pairs = zip(
        [r for r in default if r.method == "ours"],
        [r for r in default if r.method != "ours"],
        strict=True,
    )
    margin = min(o.accuracy.f1 - p.accuracy.f1 for o, p in pairs)
    return (
        f"At the default noise (1.0), mean pairwise F1 is {means['ours']:.4f} for our pipeline "
        f"and {means['plain Splink']:.4f} for plain Splink; the smallest per-seed margin is "
        f"{margin:+.4f}."
    )


def section(rows: list[Row], command: str, people: int, wall: float) -> str:
    """The markdown written between the accuracy markers of BENCHMARKS.md."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return "\n".join(
        [
            f"Command: `{command}`  ",
            f"Machine: {machine()}  ",
            f"Date: {when}; whole benchmark {wall / 60:.1f} min (load average at the end {load})",
            "",
            f"{people:,} generated people per data set (`identity.demo.generate`); both methods "
            "read the same files and are scored against `truth.csv` with `identity.evaluate` "
            "(pairwise: pairs of records put in one customer; B-cubed: per record). Ours is the "
            "library's read, standardise and link stages on DuckDB; plain Splink is "
            "`identity.bench.plain_splink` (Splink's default comparisons, light cleaning). "
            "Seconds are each method's own wall time on a shared machine.",
            "",
            table(rows),
            "",
            summary(rows),
        ]
    )


def write_section(text: str, path: Path = BENCHMARKS) -> None:
    """Replace the accuracy section of BENCHMARKS.md with ``text``."""
    current = path.read_text("utf-8")
    head, rest = current.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{text}\n{END}{tail}", "utf-8")


def _case(text: str) -> tuple[int, float]:
    seed, _, noise = text.partition(":")
    return int(seed), float(noise or 1.0)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and by default record) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument(
        "--cases",
        default=",".join(f"{seed}:{noise:g}" for seed, noise in CASES),
        help="comma-separated seed:noise pairs (default %(default)s)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore", category=UserWarning)
    cases = [_case(text) for text in args.cases.split(",") if text]
    rows: list[Row] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_accuracy_") as tmp:
        for seed, noise in cases:
            for row in measure(seed, noise, args.people, Path(tmp)):
                rows.append(row)
                a = row.accuracy
                print(
                    f"seed {seed} noise {noise:g} {row.method:>12}: P {a.precision:.4f} "
                    f"R {a.recall:.4f} F1 {a.f1:.4f} B3 {a.bcubed_f1:.4f} ({row.seconds:.0f}s)",
                    flush=True,
                )
    print()
    print(table(rows))
    print(summary(rows))
    if not args.no_write:
        argv_text = " ".join(argv if argv is not None else sys.argv[1:])
        command = "make bench-accuracy"
        if argv_text:
            command = f"python -m identity.bench.accuracy {argv_text}"
        wall = time.perf_counter() - started
        write_section(section(rows, command, args.people, wall))
        print(f"\nwrote the accuracy section of {BENCHMARKS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
