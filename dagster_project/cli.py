"""The ``identity`` console script: run the Dagster job in-process, or write demo exports."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

QUIET_LOGGERS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="identity", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="materialise the identity_resolution job in-process")
    run.add_argument("--landing", default=os.environ.get("IDENTITY_LANDING_DIR", "landing"))
    run.add_argument("--warehouse", default=os.environ.get("IDENTITY_WAREHOUSE_DIR", "warehouse"))
    run.add_argument(
        "--engine",
        choices=["spark", "duckdb"],
        default=os.environ.get("IDENTITY_ENGINE", "spark"),
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="ignore the previous run: mint customer ids afresh (the change log keeps history)",
    )
    run.add_argument("--truth", type=Path, help="truth.csv from `identity generate`: score it")
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


def _failure_message(result: Any) -> str:
    """What failed in a run: each failed step's innermost error and each failed check.

    Args:
        result: Dagster's result of ``run_job``.

    Returns:
        One line per failed step or check; check examples are masked, reader errors name
        file, line and column rather than quoting values.
    """
    lines = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data is not None:
            error = event.step_failure_data.error
            # Dagster wraps the real error; its innermost cause says what went wrong.
            while error is not None and error.cause is not None:
                error = error.cause
            lines.append(f"step {event.step_key} failed: {_error_text(error)}")
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.asset_check_evaluation_data
            if not evaluation.passed and evaluation.description:
                lines.append(f"check {evaluation.check_name}: {evaluation.description}")
    return "\n".join(lines) or "the run failed"


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
    """Materialise the job in-process against the given folders.

    Returns:
        Whether it succeeded, its run id, and Dagster's result.
    """
    import dagster as dg

    from dagster_project.inprocess import execute
    from dagster_project.resources import resources_from_env
    from identity.engine import require_engine

    require_engine(engine, os.environ.get("IDENTITY_SPARK_MASTER", "local[*]"))
    ensure_dagster_home()
    resources = resources_from_env(landing, warehouse, engine, full_refresh)
    with dg.DagsterInstance.get() as instance:
        result = execute(resources, instance, QUIET_LOGGERS)
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
    from identity.engine import EngineUnavailableError
    from identity.pipeline import write_report

    warehouse = Path(args.warehouse).resolve()
    try:
        ok, run_id, result = run_job(args.landing, str(warehouse), args.engine, args.full_refresh)
    except EngineUnavailableError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not ok:
        index = write_report(warehouse, run_id, args.engine)
        print(f"run {run_id} FAILED; report {index}\n{_failure_message(result)}", file=sys.stderr)
        return 1
    print(_summary(warehouse, run_id, args.engine, args.truth))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``identity`` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    if args.command == "generate":
        return _generate(args)
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
