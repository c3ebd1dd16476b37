"""The engine seam: clear errors when Spark cannot start, and both backends available."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dagster_project.cli import main
from identity import engine


def test_missing_java_says_how_to_install_it_and_mentions_duckdb(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(engine.EngineUnavailableError) as error:
        engine.require_engine("spark")
    message = str(error.value)
    assert "Java 17+" in message
    assert "apt-get install openjdk-17-jre-headless" in message
    assert "IDENTITY_ENGINE=duckdb" in message

    landing = tmp_path / "landing"
    (landing / "crm").mkdir(parents=True)
    (landing / "crm" / "contacts.csv").write_text("Id,LastName\n0031,Smith\n", encoding="utf-8")
    warehouse = tmp_path / "warehouse"
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]
                + ["--engine", "spark"]) == 2  # fmt: skip
    assert "IDENTITY_ENGINE=duckdb" in capsys.readouterr().err
    assert not warehouse.exists()


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


def test_a_duckdb_backend_is_closed_when_its_block_ends():
    # Left to the garbage collector, a connection made in a step's thread can be destroyed at
    # interpreter shutdown and abort a run that had succeeded.
    with engine.backend("duckdb") as db_api:
        assert db_api._con.execute("select 41 + 1").fetchall() == [(42,)]
    with pytest.raises(duckdb.ConnectionException):
        db_api._con.execute("select 1")


def test_a_failing_block_still_closes_its_duckdb_backend():
    with pytest.raises(RuntimeError, match="stage failed"), engine.backend("duckdb") as db_api:
        raise RuntimeError("stage failed")
    with pytest.raises(duckdb.ConnectionException):
        db_api._con.execute("select 1")


def test_local_spark_cuts_lineage_with_parquet_checkpoints(spark):
    # Persisting keeps each step's whole history in its plan: several times slower locally.
    db_api = engine.make_db_api("spark", spark)
    assert db_api.break_lineage_method == "parquet"
    assert spark.sparkContext.getCheckpointDir()


def test_an_idle_local_driver_returns_its_heap(spark):
    # Golden records are built in Python after linkage; the JVM should not keep its whole
    # heap resident meanwhile.
    options = spark.sparkContext.getConf().get("spark.driver.extraJavaOptions")
    assert "-XX:G1PeriodicGCInterval=15000" in options
    assert "-Dderby.system.home=" in options


class ClusterContext:
    """A cluster driver's context: its checkpoint folder is on the driver's own disk."""

    def __init__(self, master: str) -> None:
        self.master = master

    def getCheckpointDir(self) -> str:
        return "/tmp/driver-only"


class ClusterSession:
    """A session on a cluster master that records the frames sent through the driver."""

    def __init__(self, master: str = "spark://cluster.example:7077") -> None:
        self.sparkContext = ClusterContext(master)
        self.sent: list[pd.DataFrame] = []

    def createDataFrame(self, frame: pd.DataFrame) -> str:
        self.sent.append(frame)
        return "driver frame"


def test_a_cluster_session_persists_rather_than_writing_to_driver_disk():

    class ConnectSession:
        @property
        def sparkContext(self) -> object:
            raise RuntimeError("[JVM_ATTRIBUTE_NOT_SUPPORTED] sparkContext")

    assert engine._lineage_method(ClusterSession()) == "persist"
    assert engine._lineage_method(ConnectSession()) == "persist"


def test_local_spark_reads_registered_frames_from_parquet_not_the_driver_heap(spark):
    # createDataFrame keeps rows in the driver as a LocalRelation that every query copies again:
    # at a million records that alone filled a 6g heap.
    frame = pd.DataFrame(
        {
            "unique_id": ["a", "b", "c"],
            "count": [1, 2, 3],
            "forms": [["ann", "anne"], [], ["bo"]],
            "empty": [None, None, None],
            "weight": [0.5, None, 2.0],
        }
    )
    spark_frame = engine._to_spark(spark, frame, "staged_test")
    plan = spark_frame._jdf.queryExecution().optimizedPlan().toString()
    assert "LocalRelation" not in plan
    assert [f.endswith("staged_test.parquet") for f in spark_frame.inputFiles()] == [True]
    back = spark_frame.toPandas().sort_values("unique_id").reset_index(drop=True)
    assert back["unique_id"].tolist() == ["a", "b", "c"]
    assert back["count"].tolist() == [1, 2, 3]
    assert [list(v) for v in back["forms"]] == [["ann", "anne"], [], ["bo"]]
    assert back["empty"].isna().all() and dict(spark_frame.dtypes)["empty"] == "string"
    assert back["weight"].tolist()[0] == 0.5 and pd.isna(back["weight"][1])


def test_a_cluster_session_sends_frames_through_the_driver():
    session = ClusterSession("yarn")
    frame = pd.DataFrame({"unique_id": ["a"], "empty": [None]})
    assert engine._to_spark(session, frame, "t") == "driver frame"
    assert session.sent[0]["unique_id"].tolist() == ["a"]
