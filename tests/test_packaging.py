"""A built wheel, installed without the repository around it, still finds every expectation suite.

The suites live in the top-level ``expectations/`` and reach the package through
``src/identity/expectations`` (a link) and package data. An editable install would hide a
mistake there, since the repository is beside it; so this builds and installs a real wheel.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

# Builds a wheel and loads it from outside the repository: the slow tier runs it.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# What the build reads; copied so the build leaves no build/ or egg-info in the work tree, and
# no stale build/lib of an earlier layout can slip into the wheel.
SOURCES = ("pyproject.toml", "README.md", "src", "dagster_project", "tools", "expectations")

LOAD_SUITES = """
import json
import identity
from identity.quality import load_suite, suite_names
names = suite_names()
print(json.dumps({
    "package": identity.__file__,
    "names": names,
    "loaded": [load_suite(name)["name"] for name in names],
}))
"""


def _pip(*args: str, cwd: Path) -> None:
    """Run pip offline; fail with its output when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--no-index", "--no-deps", "--quiet"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, (
        f"pip {args[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
    )


def _build_and_install(tmp_path: Path) -> Path:
    """Build a wheel of a copy of the sources and install it into its own folder."""
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(path, source / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    dist, site = tmp_path / "dist", tmp_path / "site"
    # Without build isolation nothing is downloaded: the venv's setuptools (dev extra) builds it.
    _pip("wheel", "--no-build-isolation", "-w", str(dist), str(source), cwd=tmp_path)
    (wheel,) = dist.glob("identity-*.whl")
    _pip("install", "--target", str(site), str(wheel), cwd=tmp_path)
    return site


def test_an_installed_wheel_loads_every_suite_in_expectations(tmp_path: Path) -> None:
    site = _build_and_install(tmp_path)
    # -S: no site-packages .pth files, so the editable install of the repository is not seen;
    # the venv's site-packages is on the path only for the dependencies.
    path = f"{site}:{sysconfig.get_paths()['purelib']}"
    done = subprocess.run(
        [sys.executable, "-S", "-c", LOAD_SUITES],
        cwd=tmp_path,
        env={"PYTHONPATH": path, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(result["package"]).is_relative_to(site)
    expected = sorted(path.stem for path in (ROOT / "expectations").glob("*.json"))
    assert len(expected) >= 6
    assert result["names"] == expected
    assert result["loaded"] == expected
    # Real files in the wheel, not a link back into the repository.
    suites = site / "identity" / "expectations"
    assert not suites.is_symlink()
    assert sorted(path.stem for path in suites.glob("*.json")) == expected
