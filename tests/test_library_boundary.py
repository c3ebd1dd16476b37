"""The library stands alone: importing any module of ``src/identity`` loads no tool and no Dagster.

Ruff's banned-api (``src/identity/ruff.toml``) stops the library naming these modules; this
checks the other route, a dependency that pulls one in when a library module is imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# What a production install may lack, or what sits above the library.
FORBIDDEN = ("dagster", "dagster_project", "identity_demo", "identity_bench", "faker")

# Runs in a fresh interpreter, so modules imported by this test session do not count.
SCRIPT = """
import importlib, json, pkgutil, sys
for name in sys.argv[2:]:
    importlib.import_module(name)
import identity
imported = ["identity"]
for module in pkgutil.walk_packages(identity.__path__, "identity."):
    importlib.import_module(module.name)
    imported.append(module.name)
forbidden = sys.argv[1].split(",")
offenders = sorted(
    top for top in forbidden
    if any(name == top or name.startswith(top + ".") for name in sys.modules)
)
print(json.dumps({"imported": imported, "offenders": offenders}))
"""


def library_imports(cwd: Path, preload: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """Import every module of the library in a fresh interpreter.

    Args:
        cwd: Where the interpreter runs; not the repository, so nothing is found beside it.
        preload: Modules to import first (to show an offender is seen).

    Returns:
        The library modules imported, and which of ``FORBIDDEN`` were loaded afterwards.
    """
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, ",".join(FORBIDDEN), *preload],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["imported"], result["offenders"]


def test_importing_every_library_module_loads_no_tool_and_no_dagster(tmp_path: Path) -> None:
    imported, offenders = library_imports(tmp_path)
    assert offenders == []
    # The walk really covered the library, subpackages included.
    assert {"identity.quality.suites", "identity.linkage.link", "identity.readers.crm"} <= set(
        imported
    )
    assert not any(name.startswith(("identity.demo", "identity.bench")) for name in imported)


def test_an_offender_loaded_alongside_the_library_is_reported(tmp_path: Path) -> None:
    # The demo generator brings Faker with it; dagster_project's package alone loads no Dagster.
    _, offenders = library_imports(tmp_path, preload=("dagster_project", "identity_demo"))
    assert offenders == ["dagster_project", "faker", "identity_demo"]
