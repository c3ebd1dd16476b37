"""Standard Dagster metadata for a table-like value: row count, column schema, rates, links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

_TYPES = {"b": "boolean", "i": "integer", "u": "integer", "f": "float", "M": "timestamp"}


def table_metadata(frame: pd.DataFrame, rows: int | None = None) -> dict[str, Any]:
    """``dagster/row_count`` and ``dagster/column_schema`` of a frame, as the UI shows them.

    Args:
        frame: The table (only its columns and dtypes are read).
        rows: The row count to show when it is not the frame's length.
    """
    columns = [
        dg.TableColumn(name=str(name), type=_TYPES.get(dtype.kind, "string"))
        for name, dtype in frame.dtypes.items()
    ]
    return {
        "dagster/row_count": dg.MetadataValue.int(len(frame) if rows is None else rows),
        "dagster/column_schema": dg.TableSchema(columns=columns),
    }


def share(part: int, whole: int) -> dg.MetadataValue:
    """A rate for the UI, e.g. the quarantined share of rows read (0 when nothing was read)."""
    return dg.MetadataValue.float(round(part / whole, 6) if whole else 0.0)


def report_links(index: Path) -> dict[str, Any]:
    """A clickable link to the report (``file://``) and its path to copy."""
    index = Path(index).resolve()
    return {
        "report": dg.MetadataValue.url(index.as_uri()),
        "report_path": dg.MetadataValue.path(str(index)),
    }
