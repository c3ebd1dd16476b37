"""Result and error types shared by every reader."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from identity.schema import (
    COLUMN,
    FILE,
    FILES_READ_COLUMNS,
    LINE,
    MESSAGE,
    RAW_COLUMNS,
    REASON,
    SKIPPED_FILE_COLUMNS,
    STAGE_QUARANTINE_COLUMNS,
    UNREADABLE_FILE_COLUMNS,
)


class SourceFormatError(ValueError):
    """A file that cannot be read at all.

    The message names the file, the line and the column and says what was expected, so whoever
    dropped the file in the landing folder knows what to fix; it never quotes the file's data.
    The same facts are attributes, for tools that report errors. ``read_source`` does not let it
    stop a run: the file is quarantined as a whole and the error listed in
    ``SourceBatch.unreadable``; ``read_transactions`` still raises it.

    Attributes:
        file: The file name (no folder: paths can hold a person's name on some machines).
        line: Physical line (1-based) of the problem.
        column: The column: a header name the file lacks, or a 1-based position (field number
            in a header, character in a line); None when the whole line is at fault.
    """

    def __init__(
        self, message: str, *, file: str, line: int, column: str | int | None = None
    ) -> None:
        """Build the error.

        Args:
            message: What is wrong, starting with ``"<file>: line <n>"``.
            file: The file name.
            line: The line.
            column: The column, see the class attributes.
        """
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments do not survive the default pickling of exceptions, and
        # Dagster may pickle an error to report it.
        return (_rebuild_error, (str(self), self.file, self.line, self.column))


def _rebuild_error(
    message: str, file: str, line: int, column: str | int | None
) -> SourceFormatError:
    return SourceFormatError(message, file=file, line=line, column=column)


@dataclass(frozen=True)
class SourceBatch:
    """Everything one source folder yielded in one read.

    Attributes:
        source_system: ``"crm"``, ``"ecommerce"``, ``"pos"`` or ``"social"``.
        records: Columns exactly ``identity.schema.RAW_COLUMNS``; every value is text or None.
        quarantine: Rows the reader could not use: ``source_system``, ``file``, ``line``,
            ``raw``, ``reason`` (no ``run_id``).
        files: One row per file read: ``file``, ``rows_read``, ``rows_quarantined``, where
            ``rows_read`` always equals the file's records plus its quarantined rows. A file
            that is not a readable export counts as one row, quarantined as a whole.
        skipped: Clutter that was not read (lock files, hidden, empty or whitespace-only
            files, dangling links): ``file``, ``reason``. Not in ``files``.
        unreadable: Files quarantined as a whole because they are not a readable export of
            this source: ``file``, ``line``, ``column`` (a header name, a 1-based position or
            None) and ``message``, as a ``SourceFormatError`` would have said. Also in
            ``files`` and ``quarantine``.
    """

    source_system: str
    records: pd.DataFrame
    quarantine: pd.DataFrame
    files: pd.DataFrame
    skipped: pd.DataFrame = field(default_factory=lambda: _frame(SKIPPED_FILE_COLUMNS, {}))
    unreadable: pd.DataFrame = field(
        default_factory=lambda: _frame(UNREADABLE_FILE_COLUMNS, {}, integers=(LINE,))
    )


def _frame(
    columns: list[str], values: dict[str, list[object]], integers: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Build a frame with exactly ``columns``: text as object, ``integers`` as int64."""
    return pd.DataFrame(
        {
            c: pd.Series(values.get(c, []), dtype="int64" if c in integers else object)
            for c in columns
        },
        columns=columns,
    )


def skipped_frame(skipped: list[tuple[str, str]]) -> pd.DataFrame:
    """Return ``SourceBatch.skipped`` for (file, reason) pairs."""
    return _frame(
        SKIPPED_FILE_COLUMNS, {FILE: [f for f, _ in skipped], REASON: [r for _, r in skipped]}
    )


def unreadable_frame(errors: list[SourceFormatError]) -> pd.DataFrame:
    """Return ``SourceBatch.unreadable`` for the errors that made files unreadable."""
    return _frame(
        UNREADABLE_FILE_COLUMNS,
        {
            FILE: [e.file for e in errors],
            LINE: [e.line for e in errors],
            COLUMN: [e.column for e in errors],
            MESSAGE: [str(e) for e in errors],
        },
        integers=(LINE,),
    )


def empty_batch(source_system: str) -> SourceBatch:
    """Return a batch with no rows but the full set of columns.

    Args:
        source_system: The source the batch belongs to.

    Returns:
        A ``SourceBatch`` whose three frames are empty.
    """
    return SourceBatch(
        source_system=source_system,
        records=pd.DataFrame({c: pd.Series([], dtype=object) for c in RAW_COLUMNS}),
        quarantine=pd.DataFrame(
            {
                c: pd.Series([], dtype="int64" if c == LINE else object)
                for c in STAGE_QUARANTINE_COLUMNS
            }
        ),
        files=pd.DataFrame(
            {c: pd.Series([], dtype=object if c == FILE else "int64") for c in FILES_READ_COLUMNS}
        ),
    )
