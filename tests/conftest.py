"""Shared fixtures: one Spark session per test run, and generated demo data with its truth.

Fixtures used by one module stay in it; those several modules share live here, and plain
helpers shared by test modules live in ``tests/support/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from support.linkage import World

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

E2E_PEOPLE = 2000
E2E_SEED = 7


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that starts the shared Spark session is in the ``spark`` tier."""
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.spark)


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


@pytest.fixture(scope="session")
def linkage_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """400 generated people, standardised: the linkage tests' world."""
    from support.linkage import generate_world

    return generate_world(tmp_path_factory.mktemp("linkage_world"))


@pytest.fixture(scope="session")
def world_model(linkage_world: World) -> dict[str, Any]:
    """The model trained on ``linkage_world``, to link hand-made records among its people."""
    from support.linkage import train_world_model

    return train_world_model(linkage_world)
