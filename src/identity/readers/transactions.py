"""Optional transaction exports: Shopify orders (ecommerce) and Square item sales (pos).

Both are line-item exports; each is folded to one row per order / transaction. Values are the
exported text, except amounts that had to be added up, which are written as plain decimals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from identity.money import format_money, parse_money
from identity.readers._assemble import check_header, gc_paused, raw_rows, read_table
from identity.readers._columns import Columns, Values, clean_ids
from identity.readers._files import export_files, is_transaction_export
from identity.readers._parse import Table
from identity.readers._vocabulary import KNOWN_COLUMNS
from identity.readers.formats import SHOPIFY_ORDERS, SQUARE_ITEM_SALES
from identity.schema import (
    AMOUNT,
    CUSTOMER_EMAIL,
    CUSTOMER_REF,
    FILE,
    LINE,
    OCCURRED_AT,
    ORDER_ID,
    RAW,
    SOURCE_SYSTEM,
    SOURCE_SYSTEMS,
    TRANSACTION_COLUMNS,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Items:
    """An export's line items, one value per row, reduced to what the order rows need.

    Attributes:
        ids: Order (or transaction) id per row; None where missing.
        occurred_at: When, as exported.
        totals: The order total as exported (Shopify), None where the row has none.
        prices: The amount of the row as exported: line price (Shopify), net sales (Square).
        quantities: Units per row when the amount is a unit price (Shopify), else None.
        emails: Customer email (Shopify).
        refs: Customer reference (Square).
    """

    ids: Values
    occurred_at: Values
    totals: Values
    prices: Values
    quantities: Values | None
    emails: Values
    refs: Values


def read_transactions(source_system: str, folder: Path) -> pd.DataFrame:
    """Read a source's transaction exports, one row per order or transaction.

    Args:
        source_system: ``"ecommerce"`` (Shopify ``orders_export*.csv``) or ``"pos"`` (Square
            ``items-*.csv``); the other sources have none and return an empty frame.
        folder: The landing folder of the source (missing: empty frame).

    Returns:
        Columns ``schema.TRANSACTION_COLUMNS``. ``occurred_at`` is the exported text (Square:
        ``Date``, ``Time`` and ``Time Zone`` joined by spaces); ``amount`` is Shopify's order
        ``Total`` as exported, else the sum of line prices times quantities, and for Square the
        sum of ``Net Sales``, both as plain decimals. ``line`` is where the order's first row
        starts.

    Raises:
        ValueError: Unknown source system.
        SourceFormatError: A transaction file is not the expected export.
    """
    if source_system not in SOURCE_SYSTEMS:
        raise ValueError(
            f"unknown source system {source_system!r}; expected one of {SOURCE_SYSTEMS}"
        )
    reader = _READERS.get(source_system)
    columns: dict[str, list[object]] = {c: [] for c in TRANSACTION_COLUMNS}
    if reader is not None:
        with gc_paused():
            for path in export_files(Path(folder)):
                if is_transaction_export(source_system, path.name):
                    for column, values in _read_file(source_system, path, *reader).items():
                        columns[column].extend(values)
    if not columns[RAW]:
        return pd.DataFrame(
            {c: pd.Series([], dtype="int64" if c == LINE else object) for c in TRANSACTION_COLUMNS}
        )
    return pd.DataFrame(columns, columns=TRANSACTION_COLUMNS)


def _read_file(
    source_system: str,
    path: Path,
    expected: str,
    id_column: str,
    items_of: Callable[[Columns], _Items],
) -> dict[str, Sequence[object]]:
    table = read_table(path, expected)
    if not table.header:
        return {}
    items = items_of(check_header(table, path.name, expected, (id_column,), KNOWN_COLUMNS))
    ids = items.ids
    # Orders in order of first appearance, each with the row it starts on.
    first_row: dict[str, int] = {}
    for row, order_id in enumerate(ids):
        if order_id is not None:
            first_row.setdefault(order_id, row)
    skipped = [table.lines[i] for i, order_id in enumerate(ids) if order_id is None]
    _warn_skipped(path.name, table, skipped, id_column)
    orders = list(first_row)
    rows = list(first_row.values())
    occurred = _firsts(ids, items.occurred_at)
    totals = _firsts(ids, items.totals)
    emails = _firsts(ids, items.emails)
    refs = _firsts(ids, items.refs)
    sums = _sums(ids, items, [o for o in orders if o not in totals])
    return {
        SOURCE_SYSTEM: [source_system] * len(orders),
        FILE: [path.name] * len(orders),
        LINE: [table.lines[row] for row in rows],
        ORDER_ID: orders,
        OCCURRED_AT: [occurred.get(o) for o in orders],
        AMOUNT: [totals[o] if o in totals else sums.get(o) for o in orders],
        CUSTOMER_EMAIL: [emails.get(o) for o in orders],
        CUSTOMER_REF: [refs.get(o) for o in orders],
        # Only an order's first row is kept: serialising every line item would double the time.
        RAW: raw_rows(table, rows),
    }


def _firsts(ids: Values, values: Values) -> dict[str | None, str]:
    """Per order, its first value that is not None (in row order)."""
    pairs = zip(ids, values, strict=True)
    present = [(order_id, value) for order_id, value in pairs if value is not None]
    # A dict keeps the last value given for a key: feed it backwards to keep the first.
    return dict(reversed(present))


def _sums(ids: Values, items: _Items, orders: list[str]) -> dict[str, str]:
    """Per order without an exported total: the sum of its row amounts, as plain decimals.

    Amounts repeat (prices, quantities), so each distinct text is parsed once. Rows are added
    in file order starting from 0, exactly as ``sum(amounts, Decimal(0))`` would.
    """
    if not orders:
        return {}
    wanted = set(orders)
    money = _memo(parse_money)
    totals: dict[str, Decimal] = {}
    quantities = items.quantities if items.quantities is not None else [None] * len(ids)
    for order_id, price, quantity in zip(ids, items.prices, quantities, strict=True):
        if order_id not in wanted:
            continue
        amount = money(price)
        if amount is None:
            continue
        units = money(quantity)
        if units is not None:
            amount = amount * units
        totals[order_id] = totals.get(order_id, _ZERO) + amount
    return {order_id: format_money(total) for order_id, total in totals.items()}


def _memo(
    function: Callable[[str | None], Decimal | None],
) -> Callable[[str | None], Decimal | None]:
    known: dict[str | None, Decimal | None] = {}

    def cached(text: str | None) -> Decimal | None:
        if text in known:
            return known[text]
        value = known[text] = function(text)
        return value

    return cached


def _shopify_items(columns: Columns) -> _Items:
    # Later rows of an order repeat only some columns: the order's values come from its first
    # row that has them. A line's price counts once per unit ordered.
    nothing: Values = [None] * len(columns)
    fields = SHOPIFY_ORDERS.fields
    total, price, quantity = fields[AMOUNT]
    return _Items(
        ids=_clean_repeated_ids(columns.values(*fields[ORDER_ID])),
        occurred_at=columns.values(*fields[OCCURRED_AT]),
        totals=columns.values(total),
        prices=columns.values(price),
        quantities=columns.values(quantity),
        emails=columns.values(*fields[CUSTOMER_EMAIL]),
        refs=nothing,
    )


def _square_items(columns: Columns) -> _Items:
    fields = SQUARE_ITEM_SALES.fields
    parts = zip(*(columns.values(name) for name in fields[OCCURRED_AT]), strict=True)
    nothing: Values = [None] * len(columns)
    return _Items(
        ids=_clean_repeated_ids(columns.values(*fields[ORDER_ID])),
        # Values are never empty strings (blank cells are None), so filter(None) drops the
        # missing parts only.
        occurred_at=[" ".join(filter(None, part)) or None for part in parts],
        totals=nothing,
        prices=columns.values(*fields[AMOUNT]),
        quantities=None,
        emails=nothing,
        refs=_clean_repeated_ids(columns.values(*fields[CUSTOMER_REF])),
    )


def _clean_repeated_ids(values: Values) -> Values:
    """``clean_ids`` for a column whose ids repeat (one per line item): each cleaned once."""
    distinct = list(dict.fromkeys(values))
    cleaned = dict(zip(distinct, clean_ids(distinct), strict=True))
    return [cleaned[v] for v in values]


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


_READERS: dict[str, tuple[str, str, Callable[[Columns], _Items]]] = {
    "ecommerce": (SHOPIFY_ORDERS.name, SHOPIFY_ORDERS.id_column, _shopify_items),
    "pos": (SQUARE_ITEM_SALES.name, SQUARE_ITEM_SALES.id_column, _square_items),
}
_ZERO = Decimal(0)
