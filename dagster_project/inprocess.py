"""Running the job in this process, as ``identity run`` does, with the UI's storage and report.

The command line runs every step in one process (Spark keeps one session per process) through
``execute_job``, with the same resources, IO manager and end-of-run report as a run launched
from the UI, the schedule or the sensor: step outputs go to the warehouse
(``dagster_project.storage``), not into this process's memory. ``execute_in_process`` is not
used because it captures every output for its result, keeping all of them alive to the end.
"""

from __future__ import annotations

import itertools
from typing import Any

import dagster as dg

# The resources of each run being started, by run token. ``execute_job`` rebuilds the job from a
# module-level function (``job_for_run``) and caches what it built by that function's arguments,
# so every run passes a fresh token and the function finds that run's resources here.
_RUN_RESOURCES: dict[int, dict[str, Any]] = {}
_TOKENS = itertools.count()


def job_for_run(token: int) -> dg.JobDefinition:
    """The job with the resources of the run started under ``token`` (for ``execute_job``)."""
    from dagster_project.definitions import build_defs, identity_resolution

    return build_defs(_RUN_RESOURCES[token]).resolve_job_def(identity_resolution.name)


def execute(
    resources: dict[str, Any], instance: dg.DagsterInstance, run_config: dict[str, Any]
) -> dg.JobExecutionResult:
    """Run the whole job in this process.

    Args:
        resources: From ``resources_from_env``.
        instance: The Dagster instance that records the run.
        run_config: Run configuration (loggers).

    Returns:
        Dagster's result: success, run id and every event.
    """
    token = next(_TOKENS)
    _RUN_RESOURCES[token] = resources
    try:
        job = dg.build_reconstructable_job(__name__, job_for_run.__name__, (token,))
        return dg.execute_job(job, instance=instance, run_config=run_config, raise_on_error=False)
    finally:
        del _RUN_RESOURCES[token]
