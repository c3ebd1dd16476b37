"""Shared fixtures: one Spark session per test run, and generated demo data with its truth."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

E2E_PEOPLE = 2000
E2E_SEED = 7


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """The one local Spark session of the test run (UI off, two shuffle partitions)."""
    from identity.engine import SparkOptions, spark_session

    session = spark_session(
        SparkOptions(master="local[2]", shuffle_partitions=2, driver_memory="3g", ui=False)
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def demo_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo exports for 2,000 people (the parity and end-to-end data set)."""
    from identity_demo import generate

    out = tmp_path_factory.mktemp("landing")
    generate(E2E_PEOPLE, out, seed=E2E_SEED)
    return out


@pytest.fixture(scope="session")
def dagster_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway DAGSTER_HOME so test runs never touch the developer's run history."""
    home = tmp_path_factory.mktemp("dagster_home")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
