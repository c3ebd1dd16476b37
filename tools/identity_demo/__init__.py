"""Demo data: realistic native exports of four systems, plus the truth of who is who.

``generate`` draws people (the truth), gives each of them records in one to four source
systems with realistic errors, and writes those records in each vendor's own export format
(Salesforce, Shopify, Square, Meta Lead Ads) under ``out/<source>/``, with ``out/truth.csv``
mapping every customer record to its person. Same arguments, same bytes.

Example:
    >>> from pathlib import Path
    >>> summary = generate(300, Path("landing"), seed=7)  # doctest: +SKIP
    >>> summary.records["crm"]  # doctest: +SKIP
    187
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from identity import schema as s
from identity_demo import crm, ecommerce, pos, social
from identity_demo.common import SourceOutput, write_rows
from identity_demo.evolve import EvolveSummary, evolve
from identity_demo.people import build_population
from identity_demo.records import Record, build_records

__all__ = ["EvolveSummary", "GenerateSummary", "evolve", "generate"]

logger = logging.getLogger(__name__)

TRUTH_FILE = "truth.csv"
# Only files matching these are ours to replace; anything else in landing/ is left alone.
OWN_FILES: dict[str, tuple[str, ...]] = {
    "crm": tuple(re.escape(name) for name in crm.FILE_PATTERNS),
    "ecommerce": ecommerce.FILE_PATTERNS,
    "pos": pos.FILE_PATTERNS,
    "social": social.FILE_PATTERNS,
}


@dataclass(frozen=True)
class GenerateSummary:
    """What ``generate`` wrote.

    Attributes:
        people: Number of true people.
        records: Customer records written per source system (deleted rows and test leads
            excluded; equals that source's rows in ``truth.csv``).
        files: Every file written, sorted (``truth.csv`` included).
        truth_path: The ``truth.csv`` file.
    """

    people: int
    records: dict[str, int]
    files: list[Path]
    truth_path: Path


def _clear_own_files(folder: Path, patterns: tuple[str, ...]) -> int:
    """Delete files a previous run wrote, so a smaller run leaves no stale second file."""
    removed = 0
    for path in sorted(folder.iterdir()):
        if path.is_file() and any(re.fullmatch(pattern, path.name) for pattern in patterns):
            path.unlink()
            removed += 1
    return removed


def _write_source(
    source: str, records: list[Record], folder: Path, seed: int, with_transactions: bool
) -> SourceOutput:
    if source == "crm":
        return crm.write_crm(records, folder, seed)
    if source == "ecommerce":
        return ecommerce.write_ecommerce(records, folder, seed, with_transactions)
    if source == "pos":
        return pos.write_pos(records, folder, seed, with_transactions)
    return social.write_social(records, folder, seed)


def generate(
    people: int,
    out: Path,
    seed: int = 42,
    noise: float = 1.0,
    with_transactions: bool = True,
    single_source: str | None = None,
) -> GenerateSummary:
    """Write demo exports of all four source systems and the truth.

    Args:
        people: Number of true people (each has 1 to 4 source records, about 2 on average).
        out: Landing folder; ``crm/``, ``ecommerce/``, ``pos/`` and ``social/`` are created in
            it. Files a previous run wrote there are replaced; other files are left alone.
        seed: Seed of every random choice.
        noise: Error-rate multiplier: 0 gives clean copies, 1 realistic data, 2 very messy.
        with_transactions: Also write Shopify orders and Square item sales.
        single_source: Write every record into this one source system, as a team with one
            tool has it: each person's records (about two) become duplicates in that tool.

    Returns:
        Counts and paths of what was written.

    Raises:
        ValueError: ``people`` is below 1, ``noise`` is negative, or ``single_source`` is
            not a source system.
    """
    if people < 1:
        raise ValueError(f"people must be at least 1, got {people}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    if single_source is not None and single_source not in s.SOURCE_SYSTEMS:
        raise ValueError(f"single_source must be one of {', '.join(s.SOURCE_SYSTEMS)}")
    out = Path(out)
    population = build_population(people, seed)
    records = build_records(population, seed, noise)
    if single_source is not None:
        records = [replace(record, source=single_source) for record in records]
    files: list[Path] = []
    truth_rows: list[list[str]] = []
    counts: dict[str, int] = {}
    for source in s.SOURCE_SYSTEMS:
        folder = out / source
        folder.mkdir(parents=True, exist_ok=True)
        removed = _clear_own_files(folder, OWN_FILES[source])
        mine = [record for record in records if record.source == source]
        output = _write_source(source, mine, folder, seed, with_transactions)
        files.extend(output.files)
        truth_rows.extend([source, record_id, entity] for record_id, entity in output.ids)
        counts[source] = len(output.ids)
        logger.info(
            "demo %s: %d records in %d files (%d old files replaced)",
            source,
            counts[source],
            len(output.files),
            removed,
        )
    truth_path = out / TRUTH_FILE
    write_rows(truth_path, s.TRUTH_COLUMNS, truth_rows)
    files.append(truth_path)
    logger.info(
        "demo: %d people, %d records, seed %d, noise %.2f", people, len(truth_rows), seed, noise
    )
    return GenerateSummary(
        people=people, records=counts, files=sorted(files), truth_path=truth_path
    )
