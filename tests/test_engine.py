"""The engine seam: clear errors when Spark cannot start, and both backends available."""

from __future__ import annotations

import pytest

from dagster_project.cli import main
from identity import engine


def test_missing_java_says_how_to_install_it_and_mentions_duckdb(monkeypatch, capsys):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(engine.EngineUnavailableError) as error:
        engine.require_engine("spark")
    message = str(error.value)
    assert "Java 17+" in message
    assert "apt-get install openjdk-17-jre-headless" in message
    assert "IDENTITY_ENGINE=duckdb" in message

    assert main(["run", "--landing", "nowhere", "--warehouse", "nowhere", "--engine", "spark"]) == 2
    assert "IDENTITY_ENGINE=duckdb" in capsys.readouterr().err


def test_spark_connect_needs_no_local_java(monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    engine.require_engine("spark", "sc://cluster.example:15002")
    engine.require_engine("duckdb")


def test_unknown_engine_is_named():
    with pytest.raises(ValueError, match="sqlite"):
        engine.check_engine("sqlite")


def test_duckdb_backend_is_offline_and_fresh_each_time():
    first, second = engine.make_db_api("duckdb"), engine.make_db_api("duckdb")
    assert first is not second
    settings = first._con.execute(
        "select value from duckdb_settings() where name = 'autoinstall_known_extensions'"
    ).fetchall()
    assert settings == [("false",)]


def test_local_spark_cuts_lineage_with_parquet_checkpoints(spark):
    # Persisting keeps each step's whole history in its plan: several times slower locally.
    db_api = engine.make_db_api("spark", spark)
    assert db_api.break_lineage_method == "parquet"
    assert spark.sparkContext.getCheckpointDir()


def test_a_cluster_session_persists_rather_than_writing_to_driver_disk():
    class ClusterContext:
        master = "spark://cluster.example:7077"

        def getCheckpointDir(self) -> str:
            return "/tmp/driver-only"

    class ClusterSession:
        sparkContext = ClusterContext()

    class ConnectSession:
        @property
        def sparkContext(self) -> object:
            raise RuntimeError("[JVM_ATTRIBUTE_NOT_SUPPORTED] sparkContext")

    assert engine._lineage_method(ClusterSession()) == "persist"
    assert engine._lineage_method(ConnectSession()) == "persist"
