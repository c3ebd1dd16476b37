"""Landing hand-made exports and reading back what standardisation made of them."""

from __future__ import annotations

from pathlib import Path

from identity import schema as s
from identity.readers import SourceBatch
from identity.readers.landing import read_landing_source
from identity.standardise import StandardisedBatch


def land(tmp_path: Path, source: str, files: dict[str, bytes]) -> SourceBatch:
    """Write ``files`` (name -> bytes) into ``tmp_path/landing/<source>`` and read that source."""
    folder = tmp_path / "landing" / source
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return read_landing_source(tmp_path / "landing", source)


def reasons_by_line(batch: StandardisedBatch) -> dict[tuple[str, int], str]:
    """``(file, line)`` -> quarantine reason, for every quarantined row of ``batch``."""
    q = batch.quarantine
    return dict(zip(zip(q["file"], q["line"], strict=True), q[s.REASON], strict=True))
