"""The ``identity`` console script: run the Dagster job in-process, or write demo exports."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

# Dagster logs every failure with its stack trace; ``identity run`` prints its own summary from
# the run's events instead, so the console logger stays quiet unless ``--debug`` asks for it.
QUIET_LOGGERS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
DEBUG_LOGGERS = {"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="identity", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="materialise the identity_resolution job in-process")
    run.add_argument(
        "--landing",
        default=os.environ.get("IDENTITY_LANDING_DIR", "landing"),
        help="folder of exports (default: $IDENTITY_LANDING_DIR, else landing)",
    )
    run.add_argument(
        "--warehouse",
        default=os.environ.get("IDENTITY_WAREHOUSE_DIR", "warehouse"),
        help="folder of tables, reports and run files; one run at a time holds it "
        "(default: $IDENTITY_WAREHOUSE_DIR, else warehouse; a busy warehouse is waited for "
        "$IDENTITY_LOCK_WAIT_SECONDS, default 0: refused)",
    )
    run.add_argument(
        "--engine",
        choices=["spark", "duckdb"],
        default=os.environ.get("IDENTITY_ENGINE", "spark"),
        help="where linkage runs (default: $IDENTITY_ENGINE, else spark)",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="ignore the previous run: mint customer ids afresh (the change log keeps history)",
    )
    run.add_argument("--truth", type=Path, help="truth.csv from `identity generate`: score it")
    run.add_argument(
        "--debug", action="store_true", help="show Dagster's log, stack traces included"
    )
    gen = sub.add_parser("generate", help="write demo exports in the four native formats")
    gen.add_argument("--people", type=int, default=5000)
    gen.add_argument("--out", type=Path, default=Path("landing"))
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--noise", type=float, default=1.0)
    return parser


def _generate(args: argparse.Namespace) -> int:
    # The generator is a tool outside the library: a production install leaves it and Faker out.
    try:
        from identity_demo import generate
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in ("faker", "identity_demo"):
            raise
        print(
            "error: identity generate needs the demo extra: pip install 'identity[demo]'",
            file=sys.stderr,
        )
        return 2

    summary = generate(args.people, args.out, seed=args.seed, noise=args.noise)
    total = sum(summary.records.values())
    per_source = ", ".join(f"{k}={v:,}" for k, v in sorted(summary.records.items()))
    print(
        f"wrote {total:,} customer records for {summary.people:,} people to {args.out} "
        f"({per_source}); truth in {summary.truth_path}"
    )
    return 0


def ensure_dagster_home() -> Path:
    """Use ``DAGSTER_HOME`` (default ``./.dagster_home``), creating it with telemetry off."""
    os.environ.setdefault("DAGSTER_HOME", str(Path(".dagster_home").resolve()))
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return home


def run_job(
    landing: str,
    warehouse: str,
    engine: str,
    full_refresh: bool = False,
    truth: str | None = None,
) -> tuple[bool, str, Any]:
    """Materialise the job in-process against the given folders, holding the warehouse lock.

    Returns:
        Whether it succeeded, its run id, and Dagster's result.

    Raises:
        identity.lock.WarehouseLockError: Another run holds the warehouse, or it is not
            writable; nothing was run.
        identity.engine.EngineUnavailableError: The engine cannot start here.
    """
    from dagster_project.resources import resources_from_env

    resources = resources_from_env(landing, warehouse, engine, full_refresh, truth)
    return _execute(resources, engine)


def _execute(resources: dict[str, Any], engine: str, debug: bool = False) -> tuple[bool, str, Any]:
    import dagster as dg

    from dagster_project.inprocess import execute
    from identity.engine import require_engine
    from identity.lock import warehouse_lock

    require_engine(engine, resources["linkage_engine"].spark_master)
    ensure_dagster_home()
    lock = resources["warehouse_lock"]
    # Locked before Dagster starts, so a refusal is one line; the job's own resource then takes
    # the same lock again in this process (reentrant), as it does when launched from the UI.
    with (
        warehouse_lock(Path(lock.warehouse_dir), wait_seconds=lock.wait_seconds),
        dg.DagsterInstance.get() as instance,
    ):
        result = execute(resources, instance, DEBUG_LOGGERS if debug else QUIET_LOGGERS)
    return result.success, result.run_id, result


def _summary(warehouse: Path, run_id: str, engine: str) -> str:
    from identity import publish as pub
    from identity import schema as s
    from identity.report.model import load_runs

    golden = pub.read_table(warehouse, pub.GOLDEN, [s.CUSTOMER_ID])
    crosswalk = pub.read_table(warehouse, pub.CROSSWALK, [s.CUSTOMER_ID])
    quarantined = len(pub.read_table(warehouse, pub.QUARANTINE, ["reason"]))
    reports = warehouse / "reports"
    report = next((r for r in load_runs(reports) if r.run_id == run_id), None)
    read = sum(v["rows_read"] for v in report.sources.values()) if report else 0
    text = (
        f"run {run_id} ok on {engine}: {read:,} source records read, {len(crosswalk):,} linked, "
        f"{quarantined:,} quarantined -> {len(golden):,} customers in "
        f"{pub.table_path(warehouse, pub.GOLDEN)}; report {reports / 'index.html'}"
    )
    accuracy = report.linkage.get("pairwise") if report else None
    if accuracy:
        text += (
            f"; pairwise precision {accuracy['precision']:.4f} recall {accuracy['recall']:.4f} "
            f"F1 {accuracy['f1']:.4f}"
        )
    return text


def _run(args: argparse.Namespace) -> int:
    from dagster_project.resources import resources_from_env
    from identity.engine import EngineUnavailableError, require_engine
    from identity.lock import WarehouseLockError, warehouse_lock

    warehouse = Path(args.warehouse).resolve()
    try:
        resources = resources_from_env(
            args.landing,
            str(warehouse),
            args.engine,
            args.full_refresh,
            str(args.truth) if args.truth else None,
        )
    except ValueError as error:  # a bad value in the environment
        print(f"error: {error}", file=sys.stderr)
        return 2
    lock = resources["warehouse_lock"]
    try:
        # Before the lock, which creates the warehouse folder: a run that cannot start leaves none.
        require_engine(args.engine, resources["linkage_engine"].spark_master)
        # Held until the failure report is written too: it goes into the warehouse as well.
        with warehouse_lock(warehouse, wait_seconds=lock.wait_seconds):
            ok, run_id, result = _execute(resources, args.engine, args.debug)
            if not ok:
                print(_failed(warehouse, run_id, result), file=sys.stderr)
                return 1
    except (EngineUnavailableError, WarehouseLockError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(_summary(warehouse, run_id, args.engine))
    return 0


def _failed(warehouse: Path, run_id: str, result: Any) -> str:
    """What to print for a failed run: its report and why; one line when storage failed."""
    from dagster_project.failures import failure_lines, storage_fault
    from identity import publish as pub
    from identity.report.model import RUNS_FOLDER, run_file_stem

    page = warehouse / "reports" / RUNS_FOLDER / f"{run_file_stem(run_id)}.html"
    report = f"report {warehouse / 'reports' / 'index.html'}" if page.exists() else "no report"
    fault = storage_fault(result.all_events)
    if fault is None:
        lines = failure_lines(result.all_events) or ["the run failed"]
        return f"run {run_id} FAILED; {report}\n" + "\n".join(lines)
    if "the last published" not in fault:  # publish's own errors say where the tables are
        last = pub.published(warehouse).get("run_id")
        fault += f"; every table is still at run {last}" if last else "; nothing was published"
    return f"run {run_id} FAILED: {fault}; {report}"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``identity`` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    if args.command == "generate":
        return _generate(args)
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
