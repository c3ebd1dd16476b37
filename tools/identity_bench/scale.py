"""Speed and scale: the whole job on DuckDB and Spark beside plain Splink, at 10k to 1M records.

``python -m identity_bench.scale [--sizes 10k,100k,1m]`` (what ``make bench`` runs) generates
demo exports of about that many source records (cached under ``bench_data/``), then runs, each
in its own subprocess so peak memory covers the process tree including Spark's JVM:

- ``job``: the real Dagster job ``identity_resolution`` (read, GE checks, standardise, link,
  golden, publish, report), run by ``identity_bench.measure``;
- ``plain``: the plain Splink script of ``identity_bench.plain_splink`` on the same files.

It prints wall time per stage (from the run's event log), peak RSS, records per second, the
ratio to plain Splink on the same engine and the pairwise F1 against the generator's truth, and
rewrites the scale section of BENCHMARKS.md with the command, machine, load and date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

# The generator writes about 2.02 source records per person (1 to 4 sources each).
PEOPLE_PER_RECORD = 0.496
SEED = 42
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
RUNS = ("job:duckdb", "plain:duckdb", "job:spark", "plain:spark")
DATA_DIR = Path("bench_data")
BENCHMARKS = Path("BENCHMARKS.md")
# Every measurement is kept here, so the table can combine runs taken at different times.
RESULTS = DATA_DIR / "results.json"
START, END = "<!-- scale:start -->", "<!-- scale:end -->"
SAMPLE_SECONDS = 0.25


@dataclass
class Measure:
    """One run of one variant on one size.

    Attributes:
        size: Size label (``10k``).
        variant: ``job`` or ``plain``.
        engine: ``duckdb`` or ``spark``.
        records: Source records in the landing folder (per truth.csv).
        wall: Seconds, whole subprocess (interpreter, imports and JVM start included).
        peak_rss: Peak resident memory of the subprocess and its children, bytes.
        peak_python_rss: Peak of the same tree without Spark's JVM (the driver's Python side).
        peak_jvm_rss: Peak of the JVMs in the tree (Spark's driver JVM in local mode).
        stages: Stage -> seconds.
        f1: Pairwise F1 against truth.
        precision: Pairwise precision.
        recall: Pairwise recall.
        ok: Whether the run succeeded.
        error: The tail of its error output when it failed.
        load: Load averages when it finished.
        measured_at: When it finished (UTC).
    """

    size: str
    variant: str
    engine: str
    records: int
    wall: float = 0.0
    peak_rss: int = 0
    peak_python_rss: int = 0
    peak_jvm_rss: int = 0
    stages: dict[str, float] = field(default_factory=dict)
    f1: float = float("nan")
    precision: float = float("nan")
    recall: float = float("nan")
    ok: bool = False
    error: str = ""
    load: str = ""
    measured_at: str = ""

    @property
    def rate(self) -> float:
        """Source records per second of wall time."""
        return self.records / self.wall if self.wall else 0.0


# ---------------------------------------------------------------------------- memory sampling


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (via /proc/<pid>/task/*/children)."""
    found: list[int] = []
    stack = [pid]
    while stack:
        current = stack.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for kid in kids:
                found.append(int(kid))
                stack.append(int(kid))
    return found


def _rss(pid: int) -> int:
    """Resident set size of one process in bytes (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, bytes."""
    return sum(_rss(p) for p in [pid, *_children(pid)])


def _is_jvm(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "java"
    except OSError:
        return False


def tree_rss_by_kind(pid: int) -> tuple[int, int]:
    """Resident memory of a process tree split into (everything but JVMs, JVMs), bytes.

    Spark's local-mode driver is a JVM child of the Python process; the issue's bound on the
    driver's memory is judged on each side separately.
    """
    python = jvm = 0
    for process in [pid, *_children(pid)]:
        if _is_jvm(process):
            jvm += _rss(process)
        else:
            python += _rss(process)
    return python, jvm


class Limits(NamedTuple):
    """When a measured run is stopped: wall seconds and process-tree RSS bytes."""

    seconds: float = 3600.0
    rss: int = 16 * 2**30


def run_measured(
    command: list[str],
    log: Path,
    limits: Limits | None = None,
    peaks: dict[str, int] | None = None,
) -> tuple[int, float, int, str]:
    """Run a command, sampling the RSS of its process tree, and stop it at the limits.

    A baseline that blocks on postcode alone can need more memory than the machine has; it is
    stopped (and recorded as such) before the kernel's OOM killer picks a victim at random.

    Args:
        command: The argv.
        log: Where its stdout and stderr go.
        limits: Wall time and memory at which the run is killed.
        peaks: When given, filled with the peak ``python`` and ``jvm`` RSS, each on its own.

    Returns:
        Exit code, wall seconds, peak tree RSS in bytes, and why it was stopped ("" if not).
    """
    limits = limits or Limits()
    started = time.perf_counter()
    peak = 0
    stopped = ""
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        while process.poll() is None:
            python, jvm = tree_rss_by_kind(process.pid)
            peak = max(peak, python + jvm)
            if peaks is not None:
                peaks["python"] = max(peaks.get("python", 0), python)
                peaks["jvm"] = max(peaks.get("jvm", 0), jvm)
            elapsed = time.perf_counter() - started
            if peak > limits.rss:
                stopped = f"stopped: memory above {limits.rss / 2**30:.3g} GB"
            elif elapsed > limits.seconds:
                stopped = f"stopped: still running after {limits.seconds:,.0f} s"
            if stopped:
                # Its own session: the JVM and any workers go with it.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                break
            time.sleep(SAMPLE_SECONDS)
    return process.returncode, time.perf_counter() - started, peak, stopped


# ---------------------------------------------------------------------------- data


def parse_sizes(text: str) -> list[tuple[str, int]]:
    """``"10k,100k,1m"`` -> labels and record counts (``k`` and ``m`` suffixes, any case)."""
    out = []
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        factor = {"k": 1_000, "m": 1_000_000}.get(part[-1], 1)
        number = float(part[:-1] if factor > 1 else part)
        out.append((part, int(number * factor)))
    return out


def ensure_data(label: str, records: int, root: Path = DATA_DIR) -> Path:
    """Generate (once) demo exports of about ``records`` source records.

    Args:
        label: Folder name under ``root``.
        records: Wanted source records.
        root: The cache folder.

    Returns:
        The landing folder.
    """
    people = max(1, round(records * PEOPLE_PER_RECORD))
    landing = root / label
    stamp = landing / ".bench_stamp"
    wanted = f"people={people} seed={SEED}"
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return landing
    from identity_demo import generate

    print(f"generating {label}: {people:,} people into {landing} ...", flush=True)
    generate(people, landing, seed=SEED)
    stamp.write_text(wanted + "\n")
    return landing


def count_records(landing: Path) -> int:
    """Source records per the truth file (one line per record, plus the header)."""
    with (landing / "truth.csv").open("rb") as handle:
        return sum(1 for _ in handle) - 1


# ---------------------------------------------------------------------------- children


def _stage_of(step: str) -> str:
    """Group Dagster step keys into the pipeline's stages."""
    if step.endswith("_suite") or "check" in step or step.endswith("_balance"):
        return "checks"
    if step.endswith("_traceable"):
        return "checks"
    if step.endswith("_records") and step != "golden_records" or step == "transactions":
        return "read"
    return {
        "standardised_contacts": "standardise",
        "customer_clusters": "link",
        "golden_records": "golden",
        "published_tables": "publish",
        "quality_report": "report",
    }.get(step, step)


def stages_of(steps: dict[str, float]) -> dict[str, float]:
    """Sum Dagster step seconds into the pipeline's stages."""
    stages: dict[str, float] = {}
    for step, seconds in steps.items():
        stage = _stage_of(step)
        stages[stage] = stages.get(stage, 0.0) + seconds
    return stages


def _child_job(landing: Path, engine_kind: str, out: Path) -> int:
    """Run the Dagster job; write its step times and accuracy to ``out``."""
    # Imported here: loading Dagster takes seconds the parent and the plain child must not pay.
    from identity_bench.measure import measure_job

    return measure_job(landing, engine_kind, out)


def _child_plain(landing: Path, engine_kind: str, out: Path) -> int:
    """Run the plain Splink script; write stage times and accuracy to ``out``."""
    from identity import engine, evaluate
    from identity_bench import plain_splink

    stages: dict[str, float] = {}
    clock = time.perf_counter()
    frame = plain_splink.read_landing(landing)
    stages["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    db_api = engine.make_db_api(engine_kind)  # type: ignore[arg-type]
    stages["engine start"] = time.perf_counter() - clock
    clock = time.perf_counter()
    clusters = plain_splink.run_plain_splink(frame, db_api, seed=SEED)
    stages["link"] = time.perf_counter() - clock
    clock = time.perf_counter()
    accuracy = evaluate.score(clusters, evaluate.read_truth(landing / "truth.csv")).as_dict()
    scoring = time.perf_counter() - clock
    payload = {"ok": True, "stages": stages, "accuracy": accuracy, "scoring": scoring}
    out.write_text(json.dumps(payload))
    return 0


# ---------------------------------------------------------------------------- driver


def measure(
    label: str,
    landing: Path,
    variant: str,
    engine: str,
    work: Path,
    limits: Limits | None = None,
) -> Measure:
    """Run one variant on one landing folder in a measured subprocess."""
    m = Measure(label, variant, engine, count_records(landing))
    out = work / f"{label}-{variant}-{engine}.json"
    log = work / f"{label}-{variant}-{engine}.log"
    # Every run is a child of this module, so the wall time and peak memory measured are the
    # run's own; Dagster and Spark are imported there, never in the measuring process.
    command = [sys.executable, "-m", "identity_bench.scale", "--child", variant]
    command += ["--engine", engine, "--landing", str(landing), "--out", str(out)]
    print(f"[{label}] {variant} on {engine}: {m.records:,} records ...", flush=True)
    peaks: dict[str, int] = {}
    code, m.wall, m.peak_rss, stopped = run_measured(command, log, limits, peaks)
    m.peak_python_rss, m.peak_jvm_rss = peaks.get("python", 0), peaks.get("jvm", 0)
    if out.exists():
        payload = json.loads(out.read_text())
        m.ok = bool(payload.get("ok")) and code == 0
        m.stages = payload.get("stages") or stages_of(payload.get("steps", {}))
        # Scoring against truth is the benchmark's own work, not the pipeline's.
        m.wall -= float(payload.get("scoring", 0.0))
        accuracy = payload.get("accuracy") or {}
        m.f1 = accuracy.get("f1", float("nan"))
        m.precision = accuracy.get("precision", float("nan"))
        m.recall = accuracy.get("recall", float("nan"))
    if stopped:
        m.ok, m.error = False, stopped
    elif not m.ok:
        m.error = " | ".join(log.read_text(errors="replace").strip().splitlines()[-5:])
    print(
        f"    {'ok' if m.ok else 'FAILED'} in {m.wall:,.1f} s, "
        f"peak RSS {m.peak_rss / 2**30:.2f} GB, F1 {m.f1:.4f}; log {log}",
        flush=True,
    )
    return m


def save_result(measured: Measure, path: Path = RESULTS) -> list[Measure]:
    """Keep a measurement (replacing the same size, run and engine) and return all kept.

    Returns:
        Every kept measurement, smallest size first, in the order of ``RUNS``.
    """
    kept = json.loads(path.read_text()) if path.exists() else []
    key = (measured.size, measured.variant, measured.engine)
    kept = [k for k in kept if (k["size"], k["variant"], k["engine"]) != key]
    kept.append(asdict(measured))
    path.write_text(json.dumps(kept, indent=1))
    measures = [Measure(**k) for k in kept]
    order = {run: i for i, run in enumerate(RUNS)}
    return sorted(measures, key=lambda m: (m.records, order.get(f"{m.variant}:{m.engine}", 99)))


def machine() -> str:
    """uname, cores, RAM and the load average now."""
    meminfo = Path("/proc/meminfo").read_text().split()
    ram = int(meminfo[meminfo.index("MemTotal:") + 1]) / 2**20
    uname = platform.uname()
    return (
        f"{uname.system} {uname.release} {uname.machine}, {os.cpu_count()} cores, {ram:.0f} GB "
        f"RAM, Python {platform.python_version()}"
    )


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


STAGE_ORDER = ["read", "checks", "standardise", "link", "golden", "publish", "report"]


def table(measures: list[Measure]) -> str:
    """The results as a markdown table."""
    plain = {(m.size, m.engine): m for m in measures if m.variant == "plain" and m.ok}
    head = (
        "| size | records | run | engine | wall s | rec/s | peak RSS GB | Python / JVM GB | "
        "vs plain | F1 | P | R | stages (s) | measured, load |\n"
        "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- "
        "| --- |"
    )
    rows = [head]
    for m in measures:
        base = plain.get((m.size, m.engine))
        ratio = f"{m.wall / base.wall:.2f}x" if base and m.variant == "job" and m.ok else ""
        order = [k for k in STAGE_ORDER if k in m.stages] + sorted(
            k for k in m.stages if k not in STAGE_ORDER
        )
        stages = ", ".join(f"{k} {m.stages[k]:.1f}" for k in order) if m.ok else m.error[:120]
        name = "identity job" if m.variant == "job" else "plain Splink"
        rows.append(
            f"| {m.size} | {m.records:,} | {name} | {m.engine} | {m.wall:,.1f} | {m.rate:,.0f} | "
            f"{m.peak_rss / 2**30:.2f} | {_split(m)} | {ratio} | {m.f1:.4f} | {m.precision:.4f} | "
            f"{m.recall:.4f} | {stages} | {m.measured_at}, {m.load} |"
        )
    return "\n".join(rows)


def _split(m: Measure) -> str:
    """Peak RSS of the Python side and of the JVM, each on its own (blank when not sampled)."""
    if not (m.peak_python_rss or m.peak_jvm_rss):
        return ""
    return f"{m.peak_python_rss / 2**30:.2f} / {m.peak_jvm_rss / 2**30:.2f}"


def growth(measures: list[Measure]) -> list[str]:
    """Time growth between sizes against n log n, per run and engine."""
    import math

    lines = []
    keyed: dict[tuple[str, str], list[Measure]] = {}
    for m in measures:
        if m.ok:
            keyed.setdefault((m.variant, m.engine), []).append(m)
    for (variant, engine), runs in sorted(keyed.items()):
        runs.sort(key=lambda m: m.records)
        for small, big in zip(runs, runs[1:], strict=False):
            ratio = big.wall / small.wall
            nlogn = (big.records * math.log(big.records)) / (
                small.records * math.log(small.records)
            )
            verdict = "within" if ratio <= nlogn else "WORSE than"
            lines.append(
                f"- {variant} {engine} {small.size} -> {big.size}: time x{ratio:.2f} for records "
                f"x{big.records / small.records:.1f} ({verdict} n log n, x{nlogn:.2f})"
            )
    return lines


def write_section(text: str, path: Path = BENCHMARKS) -> None:
    """Replace the scale section of BENCHMARKS.md with ``text``."""
    document = path.read_text(encoding="utf-8")
    if START in document and END in document:
        head, rest = document.split(START, 1)
        _, tail = rest.split(END, 1)
        document = f"{head}{START}\n{text}\n{END}{tail}"
    else:
        document += f"\n## Speed and scale (`make bench`)\n\n{START}\n{text}\n{END}\n"
    path.write_text(document, encoding="utf-8")


def section(measures: list[Measure], argv: list[str], started: str, load_before: str) -> str:
    """The markdown written to BENCHMARKS.md."""
    command = "python -m identity_bench.scale " + " ".join(argv) if argv else "make bench"
    lines = [
        f"Last updated {started} by `{command}` on {machine()}; each row says when it ran.",
        f"Load average before: {load_before}; after: {load()} (other work was sharing the CPUs,",
        "so these figures are pessimistic).",
        "",
        "Wall time is the whole subprocess: interpreter, imports, JVM start and the Dagster run",
        "with its Great Expectations checks (scoring against truth excluded). Peak RSS is the",
        f"subprocess tree (Python and Spark's JVM), sampled every {SAMPLE_SECONDS} s. `vs plain`",
        "is the job's wall time over plain Splink's on the same engine and files; F1, P and R",
        "are pairwise against the generator's truth. Stages are Dagster step durations.",
        "`Python / JVM` splits the tree into Spark's JVM and everything else (each its own peak).",
        "",
        table(measures),
        "",
        *growth(measures),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``make bench``."""
    parser = argparse.ArgumentParser(prog="identity_bench.scale", description=__doc__)
    parser.add_argument("--sizes", default="10k,100k,1m", help="e.g. 10k,100k (default all)")
    parser.add_argument("--runs", default=",".join(RUNS), help="variant:engine list")
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where measurements are kept")
    parser.add_argument(
        "--merge", type=Path, nargs="*", default=[], help="other results files to fold in first"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=Limits().seconds, help="stop a run after this long"
    )
    parser.add_argument(
        "--max-rss-gb", type=float, default=Limits().rss / 2**30, help="stop a run above this RSS"
    )
    parser.add_argument("--child", choices=["job", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--landing", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "job":
        return _child_job(args.landing.resolve(), args.engine, args.out)
    if args.child == "plain":
        return _child_plain(args.landing.resolve(), args.engine, args.out)

    argv = list(sys.argv[1:] if argv is None else argv)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = load()
    work = Path(tempfile.mkdtemp(prefix="identity-bench-"))
    measures: list[Measure] = []
    stored: list[Measure] = []
    for other in args.merge:
        for kept in json.loads(other.read_text()):
            stored = save_result(Measure(**kept), args.results)
    if args.merge and not args.no_write:
        write_section(section(stored, argv, started, load_before))
    for label, records in parse_sizes(args.sizes):
        landing = ensure_data(label, records).resolve()
        for run in (r.strip() for r in args.runs.split(",") if r.strip()):
            variant, engine = run.split(":")
            limits = Limits(args.max_seconds, int(args.max_rss_gb * 2**30))
            measured = measure(label, landing, variant, engine, work, limits)
            measured.load = load()
            measured.measured_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            measures.append(measured)
            stored = save_result(measured, args.results)
            if not args.no_write:
                # After every run, so a long benchmark stopped part-way keeps what it measured.
                write_section(section(stored, argv, started, load_before))
    print("\n" + section(measures, argv, started, load_before))
    if not args.no_write:
        print(f"\nwrote the scale section of {BENCHMARKS}")
    return 0 if all(m.ok for m in measures) else 1


if __name__ == "__main__":
    sys.exit(main())
