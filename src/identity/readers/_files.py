"""Which files of a landing folder are exports, which are clutter, which are transactions.

Shared folders collect files no tool exported: lock files of an open workbook, the desktop's
thumbnail caches and folder settings, hidden files, failed copies that left an empty file,
links to files since moved. They are skipped, each with the reason, so that a stray file never
stops a run and is never mistaken for an export that lost its records.
"""

from __future__ import annotations

import codecs
import fnmatch
import logging
from dataclasses import dataclass, field
from pathlib import Path

from identity.readers.formats import TRANSACTION_FORMATS

logger = logging.getLogger(__name__)

# The optional transaction exports that may sit next to a source's customer exports, by their
# vendor's file name: Shopify orders (ecommerce), Square item sales (pos).
TRANSACTION_PATTERNS: dict[str, str] = {
    system: export.file_pattern
    for system, export in TRANSACTION_FORMATS.items()
    if export.file_pattern is not None
}

# Files that operating systems and office suites leave behind, by lower-case name.
_SYSTEM_FILES: dict[str, str] = {
    "thumbs.db": "Windows thumbnail cache",
    "ehthumbs.db": "Windows thumbnail cache",
    "desktop.ini": "Windows folder settings",
    "icon\r": "macOS folder icon",
}
# A file this small might be whitespace only; bigger ones are read as exports.
_BLANK_CHECK_BYTES = 1 << 20
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class Skipped:
    """A file of a landing folder that is not an export.

    Attributes:
        file: The file name (never its content: a lock file holds a Windows user name).
        reason: What it is, e.g. ``"Excel lock file of an open workbook"``.
    """

    file: str
    reason: str


@dataclass(frozen=True)
class Listing:
    """What a landing folder holds.

    Attributes:
        files: Files to read as exports, sorted by name.
        skipped: Clutter, sorted by name, each with the reason it was not read.
    """

    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def list_folder(folder: Path) -> Listing:
    """Sort a landing folder's files into exports and clutter.

    Clutter: Excel lock files (``~$*``), LibreOffice lock files (``.~lock*``), hidden files
    (``.DS_Store``, ``._contacts.csv`` from macOS), ``Thumbs.db``, ``desktop.ini``, empty or
    whitespace-only files, links whose target is gone. Sub-folders are not read.

    Args:
        folder: A landing source folder.

    Returns:
        The exports and the skipped files; both empty when the folder does not exist.

    Raises:
        NotADirectoryError: The path exists but is a file.
    """
    if not folder.exists():
        return Listing()
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder}: expected a landing folder, found a file")
    listing = Listing()
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        reason = clutter_reason(path)
        if reason is not None:
            listing.skipped.append(Skipped(path.name, reason))
        elif path.is_file():
            listing.files.append(path)
        else:
            logger.info("%s: %s is a folder, not read", folder.name, path.name)
    return listing


def clutter_reason(path: Path) -> str | None:
    """Tell why a folder entry is not an export, without reading more than its first megabyte.

    Args:
        path: An entry of a landing folder.

    Returns:
        The reason, or None for a file to read as an export (and for sub-folders).
    """
    name = path.name
    if name.startswith("~$"):
        return "Excel lock file of an open workbook (not an export)"
    if name.startswith(".~lock"):
        return "LibreOffice lock file of an open document (not an export)"
    if name.startswith("."):
        return "hidden file (not an export)"
    if name.casefold() in _SYSTEM_FILES:
        return f"{_SYSTEM_FILES[name.casefold()]} (not an export)"
    if path.is_symlink() and not path.exists():
        return "link to a file that no longer exists"
    if not path.is_file():
        return None
    size = path.stat().st_size
    if size == 0:
        return "empty file (0 bytes)"
    if size <= _BLANK_CHECK_BYTES and _is_blank(path.read_bytes()):
        return f"holds only white space ({size} bytes)"
    return None


def _is_blank(data: bytes) -> bool:
    # Spaces, tabs, line and form feeds in any of the encodings we read (UTF-16 puts a NUL
    # beside each of them), with or without a byte-order mark.
    for bom in _BOMS:
        data = data.removeprefix(bom)
    return not data.replace(b"\x00", b"").strip()


def export_files(folder: Path) -> list[Path]:
    """List the export files of a landing folder, sorted by name (clutter left out).

    Args:
        folder: A landing source folder.

    Returns:
        The files, sorted by name; empty when the folder does not exist.

    Raises:
        NotADirectoryError: The path exists but is a file.
    """
    listing = list_folder(folder)
    for skipped in listing.skipped:
        # Customer reads report these as warnings (see read_source); said once is enough.
        logger.info("%s: skipping %s: %s", folder.name, skipped.file, skipped.reason)
    return listing.files


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
