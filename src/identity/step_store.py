"""Stage results kept between the steps of a run: frames as parquet, the rest as JSON.

Every step of the job hands its result to the next through this store, whichever way the run
was started, so a step re-executed later (Dagster's "re-execute from failure", or one asset
materialised again from the UI) finds its inputs. The store lives in the run's folder of the
warehouse, ``<warehouse>/runs/<run_id>/steps/<name>/``, next to the tables it feeds: the
records are personal data and stay where the golden table already is, never under
``DAGSTER_HOME`` and never pickled.

A result is a dataclass (``identity.results``: what each step hands on); its frames are
written one parquet file each and everything else, nested dataclasses included, as one JSON
document that names
each class so it can be rebuilt. Only classes of this library are rebuilt: a store is data,
never code. A result whose class has a ``summary()`` method also gets ``summary.json``, which
the report loads without reading any frame.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

STEPS_FOLDER = "steps"
RESULT_FILE = "result.json"
SUMMARY_FILE = "summary.json"
# Only these modules' classes are rebuilt from a store.
TRUSTED_PREFIX = "identity."


class StoreError(RuntimeError):
    """A stored result is missing or cannot be rebuilt; the message says which and why."""


def run_folder(warehouse: Path, run_id: str) -> Path:
    """``<warehouse>/runs/<run_id>/``: what a run keeps besides its tables and report."""
    return Path(warehouse) / "runs" / run_id


def steps_folder(warehouse: Path, run_id: str) -> Path:
    """``<warehouse>/runs/<run_id>/steps/``: the results of that run's steps."""
    return run_folder(warehouse, run_id) / STEPS_FOLDER


def save(value: Any, folder: Path) -> Path:
    """Store ``value`` in ``folder``, replacing what was there, atomically.

    Args:
        value: A dataclass (fields may hold frames, dataclasses, lists, dicts and scalars).
        folder: Where it goes; written under a temporary name first, then renamed.

    Returns:
        The folder.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        frames: list[pd.DataFrame] = []
        document = _encode(value, frames)
        for index, frame in enumerate(frames):
            _write_frame(frame, staging / f"frame_{index}.parquet")
        write_json(staging / RESULT_FILE, document)
        summary = getattr(value, "summary", None)
        if callable(summary):
            write_json(staging / SUMMARY_FILE, _encode(summary(), None))
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def load(folder: Path) -> Any:
    """Rebuild the value stored in ``folder``.

    Raises:
        StoreError: Nothing is stored there, or it names a class outside this library.
    """
    folder = Path(folder)
    document = _read_json(folder / RESULT_FILE)
    return _decode(document, folder)


def load_summary(folder: Path) -> Any:
    """The summary stored with a value, without reading any of its frames."""
    folder = Path(folder)
    return _decode(_read_json(folder / SUMMARY_FILE), folder)


def stored(folder: Path) -> bool:
    """Whether a complete value is stored in ``folder``."""
    return (Path(folder) / RESULT_FILE).is_file()


def summary_class(folder: Path) -> str | None:
    """The class of the summary stored in ``folder`` (``module:Qualname``), or None."""
    path = Path(folder) / SUMMARY_FILE
    if not path.exists():
        return None
    node = _read_json(path)
    return node.get("__class__") if isinstance(node, dict) else None


def latest(warehouse: Path, name: str) -> Path | None:
    """The newest folder of any run of ``warehouse`` that holds step ``name``'s value or summary.

    Used when a run did not make that value itself (one asset materialised on its own).
    """
    found = [
        folder
        for folder in (Path(warehouse) / "runs").glob(f"*/{STEPS_FOLDER}/{name}")
        if stored(folder) or (folder / SUMMARY_FILE).exists()
    ]
    return max(
        found,
        key=lambda folder: (
            (folder / SUMMARY_FILE).stat().st_mtime_ns
            if (folder / SUMMARY_FILE).exists()
            else (folder / RESULT_FILE).stat().st_mtime_ns
        ),
        default=None,
    )


def drop_records(warehouse: Path) -> int:
    """Remove every stored value that holds frames, in every run of ``warehouse``.

    Summaries (counts, verdicts, diagnostics: no personal data) stay, and so do values without
    frames; a value whose frames are gone is no longer ``stored``.

    Returns:
        How many values were removed.
    """
    removed = 0
    for result in (Path(warehouse) / "runs").glob(f"*/{STEPS_FOLDER}/*/{RESULT_FILE}"):
        folder = result.parent
        frames = list(folder.glob("frame_*.parquet"))
        if not frames:
            continue
        result.unlink()
        for frame in frames:
            frame.unlink()
        removed += 1
    return removed


def write_json(path: Path, payload: Any) -> Path:
    """Write JSON atomically (temporary file, then rename); non-JSON values become strings."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=1, sort_keys=True, default=str)
    os.replace(tmp, path)
    return path


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise StoreError(f"nothing is stored at {path.parent}") from None


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    # Column names must be text for parquet; an unnamed RangeIndex is not worth keeping.
    keep_index = not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None
    frame.to_parquet(path, index=keep_index, engine="pyarrow")


def _encode(value: Any, frames: list[pd.DataFrame] | None) -> Any:
    """A JSON tree for ``value``; frames are appended to ``frames`` and referenced by index."""
    if isinstance(value, pd.DataFrame):
        if frames is None:
            raise StoreError("a summary must not hold frames")
        frames.append(value)
        return {"__frame__": len(frames) - 1}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        return {
            "__class__": f"{cls.__module__}:{cls.__qualname__}",
            "fields": {
                f.name: _encode(getattr(value, f.name), frames)
                for f in dataclasses.fields(value)
                if f.init
            },
        }
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {"__dict__": {key: _encode(item, frames) for key, item in value.items()}}
        return {"__pairs__": [[_encode(k, frames), _encode(v, frames)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(item, frames) for item in value]}
    if isinstance(value, list | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [_encode(item, frames) for item in items]
    return _scalar(value)


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if np.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.generic):
        return _scalar(value.item())
    if isinstance(value, Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, pd.Timestamp | dt.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, Path):
        return {"__path__": str(value)}
    if value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    raise StoreError(f"cannot store a {type(value).__name__} between steps")


_TAGGED = {
    "__float__": float,
    "__decimal__": Decimal,
    "__datetime__": pd.Timestamp,
    "__date__": dt.date.fromisoformat,
    "__path__": Path,
}


def _decode(node: Any, folder: Path) -> Any:
    if isinstance(node, list):
        return [_decode(item, folder) for item in node]
    if not isinstance(node, dict):
        return node
    if "__frame__" in node:
        return pd.read_parquet(folder / f"frame_{node['__frame__']}.parquet", engine="pyarrow")
    if "__class__" in node:
        cls = _trusted_class(node["__class__"])
        values = {name: _decode(item, folder) for name, item in node["fields"].items()}
        return cls(**values)
    if "__dict__" in node:
        return {key: _decode(item, folder) for key, item in node["__dict__"].items()}
    if "__pairs__" in node:
        return {_hashable(_decode(k, folder)): _decode(v, folder) for k, v in node["__pairs__"]}
    if "__tuple__" in node:
        return tuple(_decode(item, folder) for item in node["__tuple__"])
    for tag, build in _TAGGED.items():
        if tag in node:
            return build(node[tag])
    raise StoreError(f"unknown entry in a stored result under {folder}: {sorted(node)}")


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _trusted_class(name: str) -> type:
    module, _, qualname = name.partition(":")
    if not (module + ".").startswith(TRUSTED_PREFIX):
        raise StoreError(f"refusing to rebuild {name}: only {TRUSTED_PREFIX}* classes are stored")
    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not (isinstance(target, type) and dataclasses.is_dataclass(target)):
        raise StoreError(f"{name} is not a dataclass")
    return target
