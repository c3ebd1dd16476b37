"""Running the job in this process while holding each step's output only as long as it is read.

The command line runs every step in one process and hands outputs over in memory (Spark keeps
one session per process, and pickling a million records between steps costs minutes). Two things
would otherwise keep every output alive until the run ends: Dagster's in-memory IO manager, and
``execute_in_process``, which captures each output for its result. Here outputs live in
``ReleasingMemoryIOManager`` and the run goes through ``execute_job``, which captures nothing: the
raw source batches are dropped once standardisation and their checks have read them. At a million
records the job's peak (while building golden records) fell from 8.3 to 7.5 GB.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import dagster as dg

logger = logging.getLogger(__name__)

# The resources of each run being started, by run token. ``execute_job`` rebuilds the job from a
# module-level function (``job_for_run``) and caches what it built by that function's arguments,
# so every run passes a fresh token and the function finds that run's resources here.
_RUN_RESOURCES: dict[int, dict[str, Any]] = {}
_TOKENS = itertools.count()


def readers_of(definitions: Iterable[dg.AssetsDefinition]) -> dict[dg.AssetKey, frozenset[str]]:
    """The steps that load each asset's value, keyed by asset.

    An asset read by a step that may be retried is left out: a retry loads its inputs again, so
    that value must stay for the whole run.

    Args:
        definitions: Every asset and asset check of the job.

    Returns:
        For each releasable asset, the names of the steps (assets and checks) that load it.
    """
    readers: dict[dg.AssetKey, set[str]] = {}
    pinned: set[dg.AssetKey] = set()
    for definition in definitions:
        node = definition.node_def
        loaded = {i.name for i in node.input_defs if not i.dagster_type.is_nothing}
        for input_name, key in definition.keys_by_input_name.items():
            if input_name not in loaded:
                continue
            readers.setdefault(key, set()).add(node.name)
            if getattr(node, "retry_policy", None) is not None:
                pinned.add(key)
    return {key: frozenset(names) for key, names in readers.items() if key not in pinned}


class ReleasingMemoryIOManager(dg.IOManager):
    """Keeps outputs in memory and drops each once every step that reads it has loaded it.

    Args:
        readers: From ``readers_of``; outputs of assets not in it are kept for the whole run.
    """

    def __init__(self, readers: Mapping[dg.AssetKey, frozenset[str]]) -> None:
        self._readers = dict(readers)
        self._values: dict[tuple[str, ...], Any] = {}
        self._waiting: dict[tuple[str, ...], set[str]] = {}
        self.released: list[str] = []

    @property
    def held(self) -> list[str]:
        """Steps whose outputs are still in memory, sorted."""
        return sorted(key[1] for key in self._values)

    def clear(self) -> None:
        """Drop every output still held (the run is over; Dagster may keep this manager)."""
        self._values.clear()
        self._waiting.clear()

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        """Hold an output until its readers have loaded it."""
        key = tuple(context.get_identifier())
        self._values[key] = obj
        if context.has_asset_key and context.asset_key in self._readers:
            self._waiting[key] = set(self._readers[context.asset_key])

    def load_input(self, context: dg.InputContext) -> Any:
        """Hand an output to a step; the last of its readers releases it."""
        upstream = context.upstream_output
        if upstream is None:
            raise dg.DagsterInvariantViolationError(f"input {context.name} has no upstream output")
        key = tuple(upstream.get_identifier())
        if key not in self._values:
            raise dg.DagsterInvariantViolationError(
                f"the output of {upstream.step_key} was released after its last reader loaded it "
                f"and cannot be loaded again by {context.op_def.name}"
            )
        value = self._values[key]
        waiting = self._waiting.get(key)
        if waiting is not None:
            waiting.discard(context.op_def.name)
            if not waiting:
                del self._values[key], self._waiting[key]
                self.released.append(upstream.step_key)
                logger.debug("released the output of %s", upstream.step_key)
        return value


def job_for_run(token: int) -> dg.JobDefinition:
    """The job with the resources of the run started under ``token`` (for ``execute_job``)."""
    from dagster_project.definitions import build_defs, identity_resolution

    return build_defs(_RUN_RESOURCES[token]).resolve_job_def(identity_resolution.name)


def execute(
    resources: dict[str, Any], instance: dg.DagsterInstance, run_config: dict[str, Any]
) -> dg.JobExecutionResult:
    """Run the whole job in this process, releasing each output after its last reader.

    Args:
        resources: From ``resources_from_env``; its ``io_manager`` is replaced here by one that
            still needs the warehouse lock.
        instance: The Dagster instance that records the run.
        run_config: Run configuration (loggers).

    Returns:
        Dagster's result: success, run id and every event.
    """
    from dagster_project.checks import ALL_CHECKS
    from dagster_project.definitions import ASSETS
    from dagster_project.resources import holding_the_lock

    manager = ReleasingMemoryIOManager(readers_of([*ASSETS, *ALL_CHECKS]))
    token = next(_TOKENS)
    _RUN_RESOURCES[token] = {
        **resources,
        "io_manager": holding_the_lock(dg.IOManagerDefinition.hardcoded_io_manager(manager)),
    }
    try:
        job = dg.build_reconstructable_job(__name__, job_for_run.__name__, (token,))
        return dg.execute_job(job, instance=instance, run_config=run_config, raise_on_error=False)
    finally:
        # Dagster caches the job it rebuilt, and with it this manager: let go of the outputs.
        manager.clear()
        del _RUN_RESOURCES[token]
