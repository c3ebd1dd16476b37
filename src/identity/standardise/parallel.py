"""Running a per-value function over many distinct values, optionally in worker processes.

Phone and email validation are pure Python and dominate the stage's time; on a multi-core
machine they can run in a process pool. Results come back in input order, so output does not
depend on the number of workers. Pools are opt-in (``workers > 1``): a worker process imports
the caller's main module again, which suits console scripts, Dagster and pytest but not code
piped into ``python -``.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any

logger = logging.getLogger(__name__)

# Below this many values a pool costs more to start than it saves.
PARALLEL_MIN_VALUES = 20_000


class ValueMapper:
    """Maps functions over value lists, in ``workers`` processes when the lists are long.

    Use as a context manager so the pool, if one was started, is shut down.

    Args:
        workers: Processes to use; 1 (the default) computes everything in this process.
        min_values: Lists shorter than this are always computed in this process
            (``PARALLEL_MIN_VALUES`` when None).
    """

    def __init__(self, workers: int = 1, min_values: int | None = None) -> None:
        self.workers = max(1, workers)
        self.min_values = PARALLEL_MIN_VALUES if min_values is None else min_values
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ValueMapper:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def map(self, function: Callable[..., Any], *values: Sequence[Any]) -> list[Any]:
        """Return ``[function(*args) for args in zip(*values)]``.

        Args:
            function: A module-level function (it is pickled to the workers).
            *values: One sequence per argument of ``function``, all the same length.

        Returns:
            The results in input order.
        """
        count = len(values[0]) if values else 0
        if self.workers == 1 or count < self.min_values:
            return list(map(function, *values))
        if self._pool is None:
            # forkserver: workers never inherit this process's threads (Arrow, Dagster).
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        chunk = max(1_000, count // (self.workers * 8))
        try:
            return list(self._pool.map(function, *values, chunksize=chunk))
        except (BrokenProcessPool, OSError) as error:
            logger.warning("worker pool failed (%s); computing %d values here", error, count)
            self.workers = 1
            return list(map(function, *values))
