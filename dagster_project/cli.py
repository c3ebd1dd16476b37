"""The ``identity`` console script: run the Dagster job in-process, or write demo exports."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from dagster_project import rights_cli

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

# Dagster logs every failure with its stack trace; ``identity run`` prints its own summary from
# the run's events instead, so the console logger stays quiet unless ``--debug`` asks for it.
QUIET_LOGGERS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
DEBUG_LOGGERS = {"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}


DESCRIPTION = (
    "Customer identity resolution: read the native exports in a landing folder, check them, "
    "link them into customers and publish the golden customer table."
)


class _Parser(argparse.ArgumentParser):
    """Argparse, with a usage mistake said in two lines rather than the whole usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message}\nsee `{self.prog} --help`\n")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    env = os.environ
    parser = _Parser(prog="identity", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run the identity_resolution Dagster job in this process",
        description="Run the identity_resolution job (the same job the Dagster UI runs) in this "
        "process; prints a one-line summary, exits 1 when the run fails and 2 on a usage error. "
        "Once anybody was erased (identity erase), every run needs $IDENTITY_ERASURE_KEY (the "
        "erasure register's key); quarantined rows keep their content for "
        "$IDENTITY_QUARANTINE_RETENTION_DAYS days (default 30).",
    )
    run.add_argument(
        "--landing",
        default=env.get("IDENTITY_LANDING_DIR", "landing"),
        metavar="DIR",
        help="folder of exports, in crm/, ecommerce/, pos/ and social/ "
        "(default: $IDENTITY_LANDING_DIR, else ./landing; now %(default)s)",
    )
    run.add_argument(
        "--warehouse",
        default=env.get("IDENTITY_WAREHOUSE_DIR", "warehouse"),
        metavar="DIR",
        help="folder of the Delta tables, reports and run files; one run at a time holds it, "
        "and a busy one is waited for $IDENTITY_LOCK_WAIT_SECONDS (default 0: refused) "
        "(default: $IDENTITY_WAREHOUSE_DIR, else ./warehouse; now %(default)s)",
    )
    run.add_argument(
        "--engine",
        default=env.get("IDENTITY_ENGINE", "spark"),
        metavar="{spark,duckdb}",
        help="where linkage runs: spark (local[*] unless $IDENTITY_SPARK_MASTER says otherwise) "
        "or duckdb on this machine (default: $IDENTITY_ENGINE, else spark; now %(default)s)",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="ignore the previous run: mint customer ids afresh (the change log keeps history)",
    )
    run.add_argument(
        "--truth",
        type=Path,
        metavar="CSV",
        help="truth.csv written by `identity generate`: the report and summary score the run "
        "against it (default: none)",
    )
    run.add_argument("--debug", action="store_true", help="show Dagster's log and stack traces")
    gen = sub.add_parser(
        "generate",
        help="write demo exports in the four native formats, with truth.csv",
        description="Write demo exports of made-up people in the Salesforce, Shopify, Square "
        "and Meta formats, with truth.csv saying which records are the same person.",
    )
    gen.add_argument(
        "--people", type=_positive, default=5000, help="people to make up (default: %(default)s)"
    )
    gen.add_argument(
        "--out",
        type=Path,
        default=Path("landing"),
        metavar="DIR",
        help="landing folder to write (default: %(default)s)",
    )
    gen.add_argument("--seed", type=int, default=42, help="random seed (default: %(default)s)")
    gen.add_argument(
        "--noise",
        type=float,
        default=1.0,
        help="how messy the records are, 0 = clean (default: %(default)s)",
    )
    gen.add_argument("--debug", action="store_true", help="show stack traces")
    rights_cli.add_commands(sub, env.get("IDENTITY_WAREHOUSE_DIR", "warehouse"))
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
    from dagster_project.environment import resources_from_env

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
    from dagster_project.environment import erasure_secret, resources_from_env
    from identity.engine import EngineUnavailableError, check_engine, require_engine
    from identity.lock import WarehouseLockError, warehouse_lock
    from identity.preflight import UserInputError, check_landing, check_warehouse
    from identity.rights.register import Register

    warehouse = Path(args.warehouse).resolve()
    try:
        engine_kind = check_engine(args.engine)
        check_landing(Path(args.landing))
        check_warehouse(warehouse)
        # Once anybody was erased, a run without the register's key would let them back in.
        Register.open(warehouse, erasure_secret())
    except (UserInputError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        resources = resources_from_env(
            args.landing,
            str(warehouse),
            engine_kind,
            args.full_refresh,
            str(args.truth) if args.truth else None,
        )
    except ValueError as error:  # a bad value in the environment
        print(f"error: {error}", file=sys.stderr)
        return 2
    lock = resources["warehouse_lock"]
    try:
        # Before the lock, which creates the warehouse folder: a run that cannot start leaves none.
        require_engine(engine_kind, resources["linkage_engine"].spark_master)
        # Held until the failure report is written too: it goes into the warehouse as well.
        with warehouse_lock(warehouse, wait_seconds=lock.wait_seconds):
            ok, run_id, result = _execute(resources, engine_kind, args.debug)
            if not ok:
                print(_failed(warehouse, run_id, result), file=sys.stderr)
                return 1
    except (EngineUnavailableError, WarehouseLockError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(_summary(warehouse, run_id, engine_kind))
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
    command = {
        "generate": _generate,
        "run": _run,
        "erase": rights_cli.erase_command,
        "export-subject": rights_cli.export_command,
    }[args.command]
    try:
        return command(args)
    except Exception as error:  # the last resort: one line, the traceback only on --debug
        if args.debug:
            raise
        print(
            f"error: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            " (run again with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
