"""Checks of a run's folders before anything starts, each failing with one line that says the fix.

A landing folder that is missing, is a file, or holds none of the four source folders would
otherwise run for twenty seconds and end in a row-count expectation on zero rows; a warehouse
path that is a file would end in a ``NotADirectoryError``. These checks run first, on every
launch path that takes folders from a person (``identity run``), and write nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from identity import schema as s

LAYOUT = ", ".join(f"{system}/" for system in s.SOURCE_SYSTEMS)


class UserInputError(ValueError):
    """A person's mistake in a path or option; the message is one or two lines with the fix."""


@dataclass(frozen=True)
class LandingCheck:
    """What the landing folder holds.

    Attributes:
        sources: Source folders with at least one file.
        notes: Warnings worth a line each (files at the root that no source reads).
    """

    sources: list[str]
    notes: list[str] = field(default_factory=list)


def check_landing(landing: Path) -> LandingCheck:
    """Check that ``landing`` is a folder holding exports in at least one source folder.

    Args:
        landing: The landing folder (``--landing`` or ``IDENTITY_LANDING_DIR``).

    Returns:
        The source folders found, and notes on files no source will read.

    Raises:
        UserInputError: The folder is missing, is a file, or holds no source folder with files.
    """
    landing = Path(landing)
    where = "pass --landing DIR or set IDENTITY_LANDING_DIR"
    if not landing.exists():
        raise UserInputError(
            f"landing folder {landing} does not exist: put the exports in {landing}/<source>/ "
            f"({LAYOUT}) or {where}"
        )
    if not landing.is_dir():
        raise UserInputError(f"landing path {landing} is a file, not a folder: {where}")
    sources = [
        system
        for system in s.SOURCE_SYSTEMS
        if (landing / system).is_dir() and any(p.is_file() for p in (landing / system).iterdir())
    ]
    stray = sorted(p.name for p in landing.iterdir() if p.is_file() and not p.name.startswith("."))
    if not sources:
        found = (
            f"; found {_names(stray)} at its root: move each into its source's folder"
            if stray
            else ""
        )
        raise UserInputError(
            f"landing folder {landing} holds no exports: put them in {LAYOUT} under it{found}"
        )
    notes = []
    if stray:
        notes.append(
            f"{_names(stray)} at the root of {landing} will not be read: exports belong in {LAYOUT}"
        )
    return LandingCheck(sources=sources, notes=notes)


def check_warehouse(warehouse: Path) -> None:
    """Check that ``warehouse`` is a folder or can become one.

    Raises:
        UserInputError: The path, or a folder above it, is a file.
    """
    warehouse = Path(warehouse)
    for path in (warehouse, *warehouse.parents):
        if path.exists():
            if not path.is_dir():
                what = "is a file" if path == warehouse else f"is inside {path}, which is a file"
                raise UserInputError(
                    f"warehouse path {warehouse} {what}: pass --warehouse DIR (or set "
                    "IDENTITY_WAREHOUSE_DIR) to a folder"
                )
            return


def _names(files: list[str]) -> str:
    shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
    return f"{len(files)} file(s) ({shown})"
