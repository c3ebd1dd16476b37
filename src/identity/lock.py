"""One run at a time per warehouse: a kernel file lock on ``<warehouse>/_lock.json``.

Two runs publishing into one warehouse would both read the same previous run, log the same
customers as new twice, and the later would replace the earlier's publication. So every run
(``identity run``, or the Dagster job however it was launched) holds this lock from its first
step to its last, and a second run refuses at once (or waits up to ``wait_seconds``).

The lock is an ``flock`` on the file, not the file's existence: the kernel drops it when the
holding process ends, however it ends (``kill -9`` and power loss included; on NFS the server
drops a dead client's locks when its lease expires). A killed run therefore never leaves the
warehouse locked, pid reuse cannot fool it, and no age limit is needed to break a lock a dead
process left. The file's content only says who holds the lock, for the refusal message; content
found under a free lock is what a killed run left, and is logged and replaced. The file itself is
never deleted: unlinking a lock file lets a waiter lock the old inode while a newcomer locks a
new one, and both would run.

Within one process the lock is reentrant: ``identity run`` takes it before starting the job, and
the job's resource takes it again in the same process.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

LOCK_FILE = "_lock.json"
POLL_SECONDS = 0.5


class WarehouseLockError(RuntimeError):
    """The warehouse cannot be locked for this run; the message is one line for the user."""


class WarehouseBusyError(WarehouseLockError):
    """Another run holds the warehouse."""


class WarehouseNotWritableError(WarehouseLockError):
    """The warehouse folder cannot be written (read-only, no permission, or full)."""


@dataclass
class _Held:
    fd: int
    path: Path
    depth: int
    holder: dict[str, Any]


# Locks this process holds, by lock file path (reentrancy; see module docstring).
_HELD: dict[Path, _Held] = {}
_GUARD = threading.Lock()


def lock_path(warehouse: Path) -> Path:
    """Where the lock of a warehouse lives: ``<warehouse>/_lock.json``."""
    return Path(warehouse) / LOCK_FILE


def acquire(warehouse: Path, run_id: str | None = None, wait_seconds: float = 0.0) -> Path:
    """Take the warehouse lock for this process, or refuse with who holds it.

    Args:
        warehouse: The warehouse folder (created when missing).
        run_id: The run taking the lock, shown to a run that is refused; a reentrant call with a
            run id records it (``identity run`` locks before Dagster has named the run).
        wait_seconds: How long to wait for another run to finish; 0 refuses at once.

    Returns:
        The lock file's path: the handle for ``release``.

    Raises:
        WarehouseBusyError: Another process held the lock for all of ``wait_seconds``.
        WarehouseNotWritableError: The lock file cannot be created or written.
    """
    path = lock_path(warehouse).absolute()
    with _GUARD:
        held = _HELD.get(path)
        if held is not None:
            held.depth += 1
            if run_id and held.holder.get("run_id") != run_id:
                held.holder["run_id"] = run_id
                _write_holder(held.fd, held.holder, path)
            return path
        fd = _open(path)
        try:
            _lock(fd, path, wait_seconds)
            left = _read_holder(fd)
            if left:
                # A free lock with content: its holder ended without releasing it (killed).
                logger.warning(
                    "cleared the lock of %s: it ended without releasing the warehouse",
                    _describe(left),
                )
            holder = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "run_id": run_id,
                "since": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            _write_holder(fd, holder, path)
        except BaseException:
            os.close(fd)  # closing drops the flock too
            raise
        _HELD[path] = _Held(fd=fd, path=path, depth=1, holder=holder)
        return path


def release(path: Path) -> None:
    """Give back a lock taken with ``acquire`` (the outermost release frees the warehouse)."""
    with _GUARD:
        held = _HELD.get(path)
        if held is None:
            return
        held.depth -= 1
        if held.depth > 0:
            return
        del _HELD[path]
        try:
            # An empty file under a free lock means the last holder ended cleanly.
            os.ftruncate(held.fd, 0)
        except OSError:
            logger.debug("could not clear %s (the lock is released anyway)", path)
        finally:
            os.close(held.fd)


@contextmanager
def warehouse_lock(
    warehouse: Path, run_id: str | None = None, wait_seconds: float = 0.0
) -> Iterator[Path]:
    """Hold the warehouse lock for a ``with`` block (see ``acquire`` for the arguments)."""
    path = acquire(warehouse, run_id, wait_seconds)
    try:
        yield path
    finally:
        release(path)


def holder(warehouse: Path) -> dict[str, Any] | None:
    """Who holds the warehouse lock now, or None when it is free (for tests and tools).

    It asks by taking a shared lock for an instant, so a run starting at that very instant
    without waiting would be refused: do not poll it while runs start.

    Args:
        warehouse: The warehouse folder.

    Returns:
        ``{"pid", "host", "run_id", "since"}`` of the holding run (``{}`` when it has not said
        yet), or None when no process holds the lock.
    """
    path = lock_path(warehouse).absolute()
    with _GUARD:
        if path in _HELD:
            return dict(_HELD[path].holder)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd) or {}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise WarehouseNotWritableError(_not_writable(path.parent, error)) from None


def _lock(fd: int, path: Path, wait_seconds: float) -> None:
    deadline = time.monotonic() + max(wait_seconds, 0.0)
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as error:
            raise WarehouseNotWritableError(
                f"cannot lock {path} ({error.strerror}); this file system does not support "
                "file locks: put the warehouse on a local disk or NFS"
            ) from None
        other = _read_holder(fd)
        if time.monotonic() >= deadline:
            waited = f" after waiting {wait_seconds:g} s" if wait_seconds > 0 else ""
            raise WarehouseBusyError(
                f"warehouse {path.parent} is in use by {_describe(other)}{waited}; "
                "run again when it has finished (IDENTITY_LOCK_WAIT_SECONDS waits for it)"
            )
        if not announced:
            logger.warning("waiting for %s to release %s", _describe(other), path.parent)
            announced = True
        time.sleep(POLL_SECONDS)


def _read_holder(fd: int) -> dict[str, Any]:
    try:
        raw = os.pread(fd, 4096, 0)
        value = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (OSError, UnicodeDecodeError, ValueError):
        return {}  # being written just now, or damaged: the flock decides anyway
    return value if isinstance(value, dict) else {}


def _write_holder(fd: int, holder: dict[str, Any], path: Path) -> None:
    data = json.dumps(holder, sort_keys=True).encode("utf-8")
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
    except OSError as error:
        raise WarehouseNotWritableError(_not_writable(path.parent, error)) from None


def _describe(holder: dict[str, Any] | None) -> str:
    if not holder:
        return "another run"
    run = f"run {holder['run_id']}" if holder.get("run_id") else "a run"
    since = holder.get("since")
    age = ""
    if since:
        try:
            seconds = (datetime.now(UTC) - datetime.fromisoformat(since)).total_seconds()
            age = f", for {_duration(seconds)}"
        except ValueError:
            pass
    return f"{run} (pid {holder.get('pid', '?')} on {holder.get('host', '?')}{age})"


def _duration(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def _not_writable(folder: Path, error: OSError) -> str:
    reason = error.strerror or str(error)
    hint = {
        errno.EROFS: "the file system is mounted read-only",
        errno.EACCES: "no permission to write there",
        errno.EPERM: "no permission to write there",
        errno.ENOSPC: "the disk is full",
    }.get(error.errno or 0, "check the path and its permissions")
    return f"warehouse {folder} is not writable ({reason}: {hint}); nothing was run"
