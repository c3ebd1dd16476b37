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
    from identity.demo import generate

    summary = generate(args.people, args.out, seed=args.seed, noise=args.noise)
    total = sum(summary.records.values())
    per_source = ", ".join(f"{k}={v:,}" for k, v in sorted(summary.records.items()))
    print(
        f"wrote {total:,} customer records for {summary.people:,} people to {args.out} "
        f"({per_source}); truth in {summary.truth_path}"
    )
    return 0


def _error_text(error: Any) -> str:
    """``SourceFormatError: contacts.csv: line 1 ...``: the short class name and the message."""
    if error is None:
        return "unknown error"
    text = error.message.strip()
    qualified, sep, rest = text.partition(": ")
    if sep and qualified.rsplit(".", 1)[-1] == error.cls_name:
        # A dagster.Failure carries our own message already; other errors keep their class.
        return rest if error.cls_name == "Failure" else f"{error.cls_name}: {rest}"
    return text


def _failures(result: Any) -> list[tuple[str, Any]]:
    """Each failed step, and resources that could not start, with its innermost error."""
    failures = []
    for event in result.all_events:
        data = event.event_specific_data
        if event.is_step_failure and event.step_failure_data is not None:
            failures.append((f"step {event.step_key}", event.step_failure_data.error))
        elif event.event_type_value == "RESOURCE_INIT_FAILURE" and getattr(data, "error", None):
            failures.append(("the run", data.error))
    for index, (where, error) in enumerate(failures):
        # Dagster wraps the real error; its innermost cause says what went wrong.
        while error is not None and error.cause is not None:
            error = error.cause
        failures[index] = (where, error)
    return failures


def _failure_message(result: Any) -> str:
    """What failed in a run: each failed step's innermost error and each failed check.

    Args:
        result: Dagster's result of ``run_job``.

    Returns:
        One line per failed step or check; check examples are masked, reader errors name
        file, line and column rather than quoting values.
    """
    lines = [f"{where} failed: {_error_text(error)}" for where, error in _failures(result)]
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.asset_check_evaluation_data
            if not evaluation.passed and evaluation.description:
                lines.append(f"check {evaluation.check_name}: {evaluation.description}")
    return "\n".join(lines) or "the run failed"


# What the OS says when the warehouse's storage fails, as Python and deltalake spell it, and
# the errors ``identity.publish`` raises for it.
STORAGE_FAULTS = ("No space left on device", "Read-only file system", "os error 28", "os error 30")
STORAGE_ERRORS = {"PublishError", "NotEnoughSpaceError", "WarehouseNotWritableError"}


def _storage_fault(result: Any) -> str | None:
    """The first failure caused by the warehouse's storage (full, read-only), as one line."""
    for where, error in _failures(result):
        if error is None:
            continue
        if error.cls_name in STORAGE_ERRORS or any(f in error.message for f in STORAGE_FAULTS):
            return f"{where} failed: {_error_text(error).splitlines()[0]}"
    return None


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
    landing: str, warehouse: str, engine: str, full_refresh: bool = False
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

    resources = resources_from_env(landing, warehouse, engine, full_refresh)
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


def _summary(warehouse: Path, run_id: str, engine: str, truth: Path | None) -> str:
    from identity import publish as pub
    from identity.artifacts import load_json, run_dir

    golden = pub.read_table(warehouse, pub.GOLDEN, ["customer_id"])
    crosswalk = pub.read_table(warehouse, pub.CROSSWALK)
    quarantined = len(pub.read_table(warehouse, pub.QUARANTINE, ["reason"]))
    sources = load_json(run_dir(warehouse, run_id) / "sources.json")["sources"]
    read = sum(v["rows_read"] for v in sources.values())
    text = (
        f"run {run_id} ok on {engine}: {read:,} source records read, {len(crosswalk):,} linked, "
        f"{quarantined:,} quarantined -> {len(golden):,} customers in "
        f"{pub.table_path(warehouse, pub.GOLDEN)}; report {warehouse / 'reports' / 'index.html'}"
    )
    if truth is not None:
        from identity import evaluate

        crosswalk["record_key"] = crosswalk["source_system"] + ":" + crosswalk["source_record_id"]
        score = evaluate.score(crosswalk, evaluate.read_truth(truth))
        text += (
            f"; pairwise precision {score.precision:.4f} recall {score.recall:.4f} "
            f"F1 {score.f1:.4f}"
        )
    return text


def _run(args: argparse.Namespace) -> int:
    from dagster_project.resources import resources_from_env
    from identity.engine import EngineUnavailableError, require_engine
    from identity.lock import WarehouseLockError, warehouse_lock

    warehouse = Path(args.warehouse).resolve()
    try:
        resources = resources_from_env(args.landing, str(warehouse), args.engine, args.full_refresh)
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
                print(_failed(warehouse, run_id, args.engine, result), file=sys.stderr)
                return 1
    except (EngineUnavailableError, WarehouseLockError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(_summary(warehouse, run_id, args.engine, args.truth))
    return 0


def _failed(warehouse: Path, run_id: str, engine: str, result: Any) -> str:
    """What to print for a failed run: its report and why; one line when storage failed."""
    from identity import publish as pub
    from identity.pipeline import write_report

    try:
        report = f"report {write_report(warehouse, run_id, engine)}"
    except OSError as error:
        report = f"no report ({error.strerror or error})"
    fault = _storage_fault(result)
    if fault is None:
        return f"run {run_id} FAILED; {report}\n{_failure_message(result)}"
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
