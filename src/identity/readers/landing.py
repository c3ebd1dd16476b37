"""Reading the landing folder: every export of one source, and the optional transactions."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from identity import schema as s
from identity.readers import SourceBatch, read_source, read_transactions

logger = logging.getLogger(__name__)


def read_landing_source(landing: Path, source_system: str) -> SourceBatch:
    """Read every export of one source from ``<landing>/<source_system>/``.

    No file in the folder stops the run: clutter is skipped (``SourceBatch.skipped``) and a
    file that is not a readable export is quarantined as a whole (``SourceBatch.unreadable``);
    both are logged as warnings naming the file, for the asset to show.

    Args:
        landing: The landing folder.
        source_system: One of ``schema.SOURCE_SYSTEMS``.

    Returns:
        The source's batch; per file, ``rows_read`` = records + quarantined rows.
    """
    batch = read_source(source_system, Path(landing) / source_system)
    logger.info(
        "read %s: %d files, %d records, %d quarantined, %d skipped, %d unreadable",
        source_system,
        len(batch.files),
        len(batch.records),
        len(batch.quarantine),
        len(batch.skipped),
        len(batch.unreadable),
    )
    return batch


def read_landing_transactions(landing: Path) -> pd.DataFrame:
    """Read the optional order and store-sale exports of every source."""
    frames = [read_transactions(system, Path(landing) / system) for system in s.SOURCE_SYSTEMS]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
