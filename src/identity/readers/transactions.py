"""Optional transaction exports: Shopify orders (ecommerce) and Square item sales (pos).

Both are line-item exports; each is folded to one row per order / transaction. Values are the
exported text, except amounts that had to be added up, which are written as plain decimals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from identity.readers._assemble import check_header, gc_paused, raw_rows, read_table
from identity.readers._columns import Columns, Values, clean_ids
from identity.readers._files import export_files, is_transaction_export
from identity.readers._money import format_money, parse_money
from identity.readers._parse import Table
from identity.schema import RAW, SOURCE_SYSTEM, SOURCE_SYSTEMS

logger = logging.getLogger(__name__)

TRANSACTION_COLUMNS: list[str] = [
    SOURCE_SYSTEM,
    "file",
    "line",
    "order_id",
    "occurred_at",
    "amount",
    "customer_email",
    "customer_ref",
    RAW,
]


@dataclass(frozen=True)
class _Line:
    """One exported line item, reduced to what the order row needs."""

    row: int
    order_id: str
    occurred_at: str | None
    total: str | None
    amount: Decimal | None
    customer_email: str | None
    customer_ref: str | None


def read_transactions(source_system: str, folder: Path) -> pd.DataFrame:
    """Read a source's transaction exports, one row per order or transaction.

    Args:
        source_system: ``"ecommerce"`` (Shopify ``orders_export*.csv``) or ``"pos"`` (Square
            ``items-*.csv``); the other sources have none and return an empty frame.
        folder: The landing folder of the source (missing: empty frame).

    Returns:
        Columns ``TRANSACTION_COLUMNS``. ``occurred_at`` is the exported text (Square: ``Date``,
        ``Time`` and ``Time Zone`` joined by spaces); ``amount`` is Shopify's order ``Total`` as
        exported, else the sum of line prices times quantities, and for Square the sum of
        ``Net Sales``, both as plain decimals. ``line`` is where the order's first row starts.

    Raises:
        ValueError: Unknown source system.
        SourceFormatError: A transaction file is not the expected export.
    """
    if source_system not in SOURCE_SYSTEMS:
        raise ValueError(
            f"unknown source system {source_system!r}; expected one of {SOURCE_SYSTEMS}"
        )
    reader = _READERS.get(source_system)
    rows: list[dict[str, object]] = []
    if reader is not None:
        with gc_paused():
            for path in export_files(Path(folder)):
                if is_transaction_export(source_system, path.name):
                    rows.extend(_read_file(source_system, path, *reader))
    if not rows:
        return pd.DataFrame(
            {
                c: pd.Series([], dtype="int64" if c == "line" else object)
                for c in TRANSACTION_COLUMNS
            }
        )
    return pd.DataFrame(rows, columns=TRANSACTION_COLUMNS)


def _read_file(
    source_system: str,
    path: Path,
    expected: str,
    id_column: str,
    lines_of: Callable[[Columns], list[_Line | None]],
) -> list[dict[str, object]]:
    table = read_table(path, expected)
    if not table.header:
        return []
    items = lines_of(check_header(table, path.name, expected, (id_column,)))
    raws = raw_rows(table)
    orders: dict[str, list[_Line]] = {}  # insertion order = order of first appearance
    skipped = [table.lines[i] for i, item in enumerate(items) if item is None]
    for item in items:
        if item is not None:
            orders.setdefault(item.order_id, []).append(item)
    _warn_skipped(path.name, table, skipped, id_column)
    return [_fold(source_system, path.name, table, raws, group) for group in orders.values()]


def _fold(
    source_system: str, name: str, table: Table, raws: list[str], group: list[_Line]
) -> dict[str, object]:
    first = group[0]
    total = _first(item.total for item in group)
    if total is None:
        amounts = [item.amount for item in group if item.amount is not None]
        total = format_money(sum(amounts, Decimal(0))) if amounts else None
    return {
        SOURCE_SYSTEM: source_system,
        "file": name,
        "line": table.lines[first.row],
        "order_id": first.order_id,
        "occurred_at": _first(item.occurred_at for item in group),
        "amount": total,
        "customer_email": _first(item.customer_email for item in group),
        "customer_ref": _first(item.customer_ref for item in group),
        RAW: raws[first.row],
    }


def _shopify_lines(columns: Columns) -> list[_Line | None]:
    # Later rows of an order repeat only some columns: the order's values come from its first
    # row that has them. A line's price counts once per unit ordered.
    prices = columns.values("Lineitem price")
    quantities = columns.values("Lineitem quantity")
    amounts = [_line_amount(p, q) for p, q in zip(prices, quantities, strict=True)]
    return _lines(
        ids=clean_ids(columns.values("Name")),
        occurred_at=columns.values("Created at"),
        totals=columns.values("Total"),
        amounts=amounts,
        emails=columns.values("Email"),
        refs=[None] * len(columns),
    )


def _square_lines(columns: Columns) -> list[_Line | None]:
    parts = zip(
        columns.values("Date"), columns.values("Time"), columns.values("Time Zone"), strict=True
    )
    occurred = [" ".join(p for p in part if p is not None) or None for part in parts]
    return _lines(
        ids=clean_ids(columns.values("Transaction ID")),
        occurred_at=occurred,
        totals=[None] * len(columns),
        amounts=[parse_money(v) for v in columns.values("Net Sales")],
        emails=[None] * len(columns),
        refs=clean_ids(columns.values("Customer ID")),
    )


def _lines(
    ids: Values,
    occurred_at: Values,
    totals: Values,
    amounts: list[Decimal | None],
    emails: Values,
    refs: Values,
) -> list[_Line | None]:
    rows = zip(ids, occurred_at, totals, amounts, emails, refs, strict=True)
    return [
        None if order_id is None else _Line(i, order_id, at, total, amount, email, ref)
        for i, (order_id, at, total, amount, email, ref) in enumerate(rows)
    ]


def _line_amount(price: str | None, quantity: str | None) -> Decimal | None:
    value = parse_money(price)
    units = parse_money(quantity)
    if value is None or units is None:
        return value
    return value * units


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v is not None), None)


def _warn_skipped(name: str, table: Table, skipped: list[int], id_column: str) -> None:
    # The transaction frame has no quarantine: say where unusable rows are (lines, no content).
    if table.rejects:
        logger.warning(
            "%s: %d transaction row(s) not aligned with the header, lines %s",
            name,
            len(table.rejects),
            [r.line for r in table.rejects][:20],
        )
    if skipped:
        logger.warning(
            "%s: %d transaction row(s) without %s, lines %s",
            name,
            len(skipped),
            id_column,
            skipped[:20],
        )


_READERS: dict[str, tuple[str, str, Callable[[Columns], list[_Line | None]]]] = {
    "ecommerce": ("Shopify orders export", "Name", _shopify_lines),
    "pos": ("Square item sales export", "Transaction ID", _square_lines),
}
