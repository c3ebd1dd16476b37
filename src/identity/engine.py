"""The one seam that knows which engine runs linkage: embedded Spark or DuckDB.

Everything else receives a Splink ``DatabaseAPI`` (and, for Spark, a session) from here and stays
engine-agnostic: frames go in and come out as pandas/Arrow.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from splink.internals.database_api import DatabaseAPISubClass

logger = logging.getLogger(__name__)

EngineKind = Literal["spark", "duckdb"]
ENGINES: tuple[str, ...] = ("spark", "duckdb")


class EngineUnavailableError(RuntimeError):
    """The requested engine cannot start on this machine (for example, no Java for Spark)."""


@dataclass(frozen=True)
class SparkOptions:
    """How the embedded Spark session is sized.

    Attributes:
        master: Any Spark master URL (``local[*]``, ``spark://host:7077``, ``yarn``) or a Spark
            Connect address (``sc://host:15002``).
        shuffle_partitions: Few partitions suit one machine; a cluster wants more.
        driver_memory: Only applies when this process starts the JVM.
        max_result_size: Largest result collected to the driver (the scored pairs).
        ui: Off by default: tests and batch runs have no use for it.
    """

    master: str = "local[*]"
    shuffle_partitions: int = 4
    driver_memory: str = "6g"
    max_result_size: str = "4g"
    ui: bool = False


def check_engine(kind: str) -> EngineKind:
    """Validate an engine name.

    Args:
        kind: ``"spark"`` or ``"duckdb"``.

    Returns:
        The same name, typed.

    Raises:
        ValueError: For any other name.
    """
    if kind not in ENGINES:
        raise ValueError(
            f"unknown engine {kind!r}: choose {' or '.join(ENGINES)} (--engine or IDENTITY_ENGINE)"
        )
    return kind  # type: ignore[return-value]


def require_engine(kind: str, master: str = "local[*]") -> None:
    """Fail early, with what to do, when the chosen engine cannot start here.

    Args:
        kind: ``spark`` or ``duckdb``.
        master: The Spark master; a Spark Connect ``sc://`` address needs no local Java.

    Raises:
        EngineUnavailableError: Spark was chosen but Java is missing.
        ValueError: Unknown engine.
    """
    if check_engine(kind) == "spark" and not master.startswith("sc://"):
        _require_java()


def _require_java() -> None:
    from shutil import which

    if os.environ.get("JAVA_HOME") or which("java"):
        return
    raise EngineUnavailableError(
        "The Spark engine needs Java 17+, but no 'java' was found on PATH and JAVA_HOME is unset. "
        "Install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install "
        "openjdk@17), or run on one machine without Spark: IDENTITY_ENGINE=duckdb "
        "(or --engine duckdb)."
    )


def spark_session(options: SparkOptions | None = None) -> SparkSession:
    """Return the process-wide Spark session, starting it on first use.

    One session serves a whole process (a Dagster run, a test session): Spark cannot host two
    JVM sessions in one Python process anyway, and starting one costs seconds.

    Args:
        options: Master URL and sizing; defaults suit a laptop.

    Returns:
        An active ``SparkSession`` with Splink's similarity functions on its class path.

    Raises:
        EngineUnavailableError: When Java is missing for a local master.
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    options = options or SparkOptions()
    if options.master.startswith("sc://"):
        # Spark Connect: the server owns jars and sizing; we only attach.
        return SparkSession.builder.remote(options.master).getOrCreate()
    _require_java()
    scratch = tempfile.mkdtemp(prefix="identity-spark-")
    builder = (
        SparkSession.builder.master(options.master)
        .appName("identity-resolution")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(options.shuffle_partitions))
        .config("spark.default.parallelism", str(options.shuffle_partitions))
        .config("spark.driver.memory", options.driver_memory)
        .config("spark.ui.enabled", str(options.ui).lower())
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.adaptive.enabled", "true")
        # Scored pairs come back to the driver as Arrow (clustering and golden run in pandas);
        # a million records give about a million pairs, more than the 1g default allows.
        .config("spark.driver.maxResultSize", options.max_result_size)
        .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
        .config("spark.local.dir", os.path.join(scratch, "local"))
        # When the JVM has been idle for 15 s (linkage done, golden records being built in
        # Python) G1 collects and hands unused heap back to the system instead of keeping the
        # whole driver memory resident until the process ends.
        .config(
            "spark.driver.extraJavaOptions",
            f"-Dderby.system.home={scratch} -XX:G1PeriodicGCInterval=15000",
        )
    )
    if options.master.startswith("local"):
        # Local mode must not try to reach the network to find its own host name.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(os.path.join(scratch, "checkpoints"))
    logger.info("spark session ready: master=%s", options.master)
    return session


def make_db_api(
    kind: EngineKind, spark: SparkSession | None = None, threads: int | None = None
) -> DatabaseAPISubClass:
    """Return the Splink backend for this run; the only place backends are imported.

    Args:
        kind: ``"spark"`` or ``"duckdb"``.
        spark: The session to use for Spark; started with defaults when omitted.
        threads: DuckDB worker threads; ``None`` lets DuckDB use every core.

    Returns:
        A fresh Splink ``DatabaseAPI``.
    """
    if check_engine(kind) == "duckdb":
        import duckdb
        from splink.backends.duckdb import DuckDBAPI

        connection = duckdb.connect(":memory:")
        # Offline: extensions must never be downloaded at run time.
        connection.execute("SET autoinstall_known_extensions = false")
        connection.execute("SET autoload_known_extensions = false")
        if threads is not None:
            connection.execute(f"SET threads = {int(threads)}")
        return DuckDBAPI(connection=connection)
    from splink.backends.spark import SparkAPI

    session = spark or spark_session()
    return SparkAPI(spark_session=session, break_lineage_method=_lineage_method(session))


def _lineage_method(session: SparkSession) -> str:
    """How Splink cuts Spark's query lineage between its steps.

    In local mode each step is written as parquet under the session's checkpoint folder
    (Splink's own default): every step is then planned from a short lineage, where ``persist``
    keeps the whole history in each plan and made a 100k-record prediction several times
    slower here (BENCHMARKS.md). On a cluster that folder is the driver's local disk, which
    executors cannot share, and Spark Connect has no SparkContext at all: there it persists.
    """
    return "parquet" if _local_scratch(session) else "persist"


def _local_scratch(session: SparkSession) -> str | None:
    """The checkpoint folder of a local-mode session, or ``None`` where executors cannot read it."""
    try:
        context = session.sparkContext
        if not (context.master or "").startswith("local"):
            return None
        folder = context.getCheckpointDir()
    except Exception:  # Spark Connect sessions have no SparkContext
        return None
    return folder.removeprefix("file:") if folder else None


def close(db_api: Any) -> None:
    """Close a backend's DuckDB connection now (Spark sessions are shared and stay open).

    A DuckDB connection left to the garbage collector can be destroyed at interpreter shutdown
    from a thread other than the one that made it, and DuckDB then aborts the process
    ("terminate called without an active exception") after the run has already succeeded.
    """
    connection = getattr(db_api, "_con", None)
    if connection is not None and hasattr(connection, "close"):
        connection.close()


@contextmanager
def backend(
    kind: EngineKind, spark: SparkSession | None = None, threads: int | None = None
) -> Iterator[DatabaseAPISubClass]:
    """``make_db_api`` for a ``with`` block: a DuckDB backend is closed when the block ends."""
    db_api = make_db_api(kind, spark, threads)
    try:
        yield db_api
    finally:
        close(db_api)


def training_backend() -> AbstractContextManager[DatabaseAPISubClass]:
    """The backend models are trained on: always in-process DuckDB (see ``linkage.link``).

    One thread, because DuckDB's seeded ``REPEATABLE`` sampling (Splink's u estimation) and
    its parallel aggregation order are only reproducible single-threaded; without this the
    same seed trains slightly different models and Spark and DuckDB runs drift apart.
    """
    return backend("duckdb", threads=1)


def register(db_api: Any, frame: pd.DataFrame, name: str, display_name: str | None = None) -> Any:
    """Hand a pandas frame to the engine and return Splink's handle for it.

    Args:
        db_api: From ``make_db_api``.
        frame: Strings, numbers and string lists only.
        name: Table name, unique within the ``db_api``.
        display_name: The ``source_dataset`` value Splink gives these rows; defaults to
            ``name``. It feeds Splink's hash-based u sampling, so it must be stable.

    Returns:
        A ``SplinkDataFrame``.
    """
    if type(db_api).__name__.startswith("Spark"):
        spark_frame = _to_spark(db_api.spark, frame, name)
        return db_api.register(spark_frame, table_name=name, dataset_display_name=display_name)
    return db_api.register(frame, table_name=name, dataset_display_name=display_name)


def _to_spark(session: SparkSession, frame: pd.DataFrame, name: str) -> Any:
    """A Spark frame over ``frame``: staged as parquet in local mode, sent to the driver elsewhere.

    ``createDataFrame`` keeps the rows in the driver's heap as a ``LocalRelation``, and Spark's
    optimiser copies that relation again into every query that projects it: a million records
    filled a 6g heap before blocking finished. Local executors read the session's scratch
    folder, so there the frame is written once with pyarrow and scanned like any file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Spark reads parquet's null type as an integer column, which string comparisons reject:
    # an all-empty column is written as strings.
    if any(pa.types.is_null(field.type) for field in table.schema):
        table = table.cast(
            pa.schema(
                pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f
                for f in table.schema
            )
        )
    scratch = _local_scratch(session)
    if scratch is None:
        return session.createDataFrame(table.to_pandas())
    path = os.path.join(scratch, "inputs", f"{name}.parquet")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pq.write_table(table, path)
    return session.read.parquet(path)


def to_pandas(splink_frame: Any) -> pd.DataFrame:
    """Bring a Splink result back as pandas (through Arrow where the engine offers it).

    Args:
        splink_frame: A ``SplinkDataFrame`` from either backend.

    Returns:
        A pandas frame with a fresh index.
    """
    return splink_frame.as_pandas_dataframe().reset_index(drop=True)
