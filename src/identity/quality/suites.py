"""Finding and checking the expectation suites kept as JSON in ``expectations/``.

The JSON files are the single source of rules and thresholds. They use Great Expectations' 1.x
ExpectationSuite shape (``name``, ``expectations[{type, kwargs, meta}]``, ``meta``) and add two
keys to every expectation's ``meta``: ``blocking`` (bool) and ``why`` (the business reason).

One cell never stops a run (issue 13): what a blocking rule forbids in a cell, standardisation
nulls or quarantines first, with a counted reason. So a blocking rule on source values is a
share (``mostly`` below 1: systematic damage such as a file re-saved in a legacy encoding),
and only structural rules no source cell can break (columns present, keys unique and non-null)
are absolute.
"""

from __future__ import annotations

import json
import logging
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# The suites ship as package data, ``identity/expectations`` (in the source tree a symlink to the
# repository's top-level ``expectations/``): an installed wheel has no repository around it, so
# they are found through the package, never relative to this file's place in a checkout.
SUITES_PACKAGE = "identity"
SUITES_FOLDER = "expectations"


class SuiteDefinitionError(ValueError):
    """A suite JSON file is missing or does not follow the agreed shape."""


def expectations_dir(override: Path | None = None) -> Traversable:
    """Return the folder holding the suite JSON files.

    Args:
        override: A folder to use instead of the suites shipped with the package.

    Returns:
        ``override`` when given, else the package's ``identity/expectations`` resources.
    """
    if override is not None:
        return Path(override)
    return resources.files(SUITES_PACKAGE) / SUITES_FOLDER


def suite_names(expectations_dir: Path | None = None) -> list[str]:
    """List the available suites.

    Args:
        expectations_dir: Folder to look in; defaults to the suites shipped with the package.

    Returns:
        Sorted suite names (file names without ``.json``), e.g. ``["contacts", "crm_raw", ...]``.
    """
    return _names(_resolve(expectations_dir))


def load_suite(name: str, expectations_dir: Path | None = None) -> dict[str, Any]:
    """Load and check one suite.

    Args:
        name: Suite name, e.g. ``"crm_raw"``.
        expectations_dir: Folder to look in; defaults to the suites shipped with the package.

    Returns:
        The parsed JSON: ``{"name", "expectations": [{"type", "kwargs", "meta"}], "meta"}``.

    Raises:
        SuiteDefinitionError: The file is missing, is not valid JSON, or an expectation lacks
            ``type``, ``kwargs``, a boolean ``meta.blocking`` or a non-empty ``meta.why``.
    """
    folder = _resolve(expectations_dir)
    path = folder / f"{name}.json"
    if not path.is_file():
        available = ", ".join(_names(folder)) or "none"
        raise SuiteDefinitionError(
            f"no expectation suite '{name}' in {folder} (available: {available})"
        )
    try:
        suite = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SuiteDefinitionError(f"{path.name}: not valid JSON ({exc})") from exc
    _check_shape(suite, path.name, name)
    return suite


def _resolve(override: Path | None) -> Traversable:
    folder = expectations_dir(override)
    if not folder.is_dir():
        raise SuiteDefinitionError(f"expectations folder {folder} does not exist")
    return folder


def _names(folder: Traversable) -> list[str]:
    return sorted(
        entry.name.removesuffix(".json")
        for entry in folder.iterdir()
        if entry.name.endswith(".json") and entry.is_file()
    )


def _check_shape(suite: Any, file_name: str, name: str) -> None:
    if not isinstance(suite, dict) or suite.get("name") != name:
        raise SuiteDefinitionError(f"{file_name}: top-level 'name' must be '{name}'")
    expectations = suite.get("expectations")
    if not isinstance(expectations, list) or not expectations:
        raise SuiteDefinitionError(f"{file_name}: 'expectations' must be a non-empty list")
    for position, expectation in enumerate(expectations):
        where = f"{file_name}: expectation {position}"
        if not isinstance(expectation, dict) or not isinstance(expectation.get("type"), str):
            raise SuiteDefinitionError(f"{where} has no 'type'")
        if not isinstance(expectation.get("kwargs"), dict):
            raise SuiteDefinitionError(f"{where} ({expectation['type']}) has no 'kwargs' object")
        meta = expectation.get("meta")
        if not isinstance(meta, dict) or not isinstance(meta.get("blocking"), bool):
            raise SuiteDefinitionError(
                f"{where} ({expectation['type']}) needs meta.blocking set to true or false"
            )
        if not isinstance(meta.get("why"), str) or not meta["why"].strip():
            raise SuiteDefinitionError(
                f"{where} ({expectation['type']}) needs meta.why: the reason for the rule"
            )
