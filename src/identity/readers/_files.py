"""Which files of a landing folder are customer exports and which are transaction exports."""

from __future__ import annotations

import fnmatch
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

# The optional transaction exports that may sit next to a source's customer exports.
TRANSACTION_PATTERNS: dict[str, str] = {
    "ecommerce": "orders_export*.csv",  # Shopify orders
    "pos": "items-*.csv",  # Square item sales
}


def export_files(folder: Path) -> list[Path]:
    """List the files of a landing folder, sorted by name.

    Hidden files (``.DS_Store``, ``._contacts.csv`` from macOS) are not exports and are skipped;
    sub-folders are not read.

    Args:
        folder: A landing source folder.

    Returns:
        The files, sorted by name; empty when the folder does not exist.

    Raises:
        NotADirectoryError: The path exists but is a file.
    """
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder}: expected a landing folder, found a file")
    files = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            logger.info("%s: skipping hidden file %s", folder.name, path.name)
        elif path.is_file():
            files.append(path)
    return files


def is_transaction_export(source_system: str, name: str) -> bool:
    """Tell whether a file name is the source's optional transaction export.

    Args:
        source_system: The source the folder belongs to.
        name: The file name.

    Returns:
        True for Shopify ``orders_export*.csv`` (ecommerce) and Square ``items-*.csv`` (pos).
    """
    pattern = TRANSACTION_PATTERNS.get(source_system)
    return pattern is not None and fnmatch.fnmatchcase(name.casefold(), pattern)
