"""Files saved with each run: the trained model and linkage diagnostics, as JSON."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def run_dir(warehouse: Path, run_id: str) -> Path:
    """``<warehouse>/runs/<run_id>/``: everything a run saves besides tables and reports."""
    return Path(warehouse) / "runs" / run_id


def save_json(warehouse: Path, run_id: str, name: str, payload: Any) -> Path:
    """Write a JSON artefact atomically (temp file, then rename).

    Args:
        warehouse: The warehouse folder.
        run_id: The run the artefact belongs to.
        name: File name, e.g. ``model.json``.
        payload: Anything ``json.dumps`` accepts (non-JSON values become strings).

    Returns:
        The path written.
    """
    target = run_dir(warehouse, run_id) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2, sort_keys=True, default=str)
    os.replace(tmp, target)
    return target


def load_json(path: Path) -> Any:
    """Read a JSON artefact."""
    return json.loads(Path(path).read_text("utf-8"))
