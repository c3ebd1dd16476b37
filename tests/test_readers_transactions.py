"""Transaction exports: Shopify orders and Square item sales, one row per order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from identity.readers import SourceFormatError, read_transactions
from identity.schema import TRANSACTION_COLUMNS

FIXTURES = Path(__file__).parent / "fixtures" / "readers"


def test_shopify_orders_one_row_per_order() -> None:
    orders = read_transactions("ecommerce", FIXTURES / "ecommerce")
    assert list(orders.columns) == TRANSACTION_COLUMNS
    assert orders.drop(columns=["raw"]).values.tolist() == [
        [
            "ecommerce",
            "orders_export_1.csv",
            2,
            "#1001",
            "2025-04-01 17:18:52 -0700",
            "58.20",  # the order Total, as exported
            "ana.silva@example.com",
            None,
        ],
        [
            "ecommerce",
            "orders_export_1.csv",
            4,
            "#1002",
            "2025-04-03 08:00:00 -0700",
            "19.50",  # no Total: 3 x 4.50 + 1 x 6.00
            "bob.stone@example.com",
            None,
        ],
        [
            "ecommerce",
            "orders_export_1.csv",
            6,
            "#1003",
            "2025-04-05 12:00:00 -0700",
            "12.00",
            None,
            None,
        ],
    ]
    first_row = json.loads(orders.iloc[0]["raw"])
    assert first_row["Lineitem name"] == "T-shirt"
    assert first_row["Billing Phone"] == "'+16175550123"


def test_square_items_one_row_per_transaction() -> None:
    sales = read_transactions("pos", FIXTURES / "pos")
    assert sales[
        ["line", "order_id", "amount", "customer_ref", "customer_email"]
    ].values.tolist() == [
        [2, "TX1aaaa", "7.05", "JDKYHBWT1D4F8MFH63DBMEN8Y4", None],  # 4.50 + 2.55
        [4, "TX2bbbb", "1234.56", None, None],
        [5, "TX3cccc", "-4.50", "2HW7Q4KXN3M5R8T1V6Y9Z0A2B4", None],  # refund; apostrophe gone
    ]
    assert sales.iloc[0]["occurred_at"] == "2026-01-05 09:14:02 Pacific Time (US & Canada)"
    assert set(sales["file"]) == {"items-2026-01-01-2026-02-01.csv"}


@pytest.mark.parametrize("source", ["crm", "social"])
def test_sources_without_transactions_return_an_empty_frame(source: str) -> None:
    frame = read_transactions(source, FIXTURES / source)
    assert frame.empty
    assert list(frame.columns) == TRANSACTION_COLUMNS


def test_missing_folder_and_unknown_source(tmp_path: Path) -> None:
    assert read_transactions("pos", tmp_path / "missing").empty
    with pytest.raises(ValueError, match="unknown source system"):
        read_transactions("erp", tmp_path)


def test_customer_files_are_not_transactions(tmp_path: Path) -> None:
    (tmp_path / "customers_export.csv").write_bytes(b"Customer ID,Email\n'1,a@x.io\n")
    assert read_transactions("ecommerce", tmp_path).empty


def test_wrong_file_named_like_an_orders_export(tmp_path: Path) -> None:
    (tmp_path / "orders_export_9.csv").write_bytes(b"Customer ID,Email\n'1,a@x.io\n")
    with pytest.raises(SourceFormatError, match="orders_export_9.csv: line 1 has no column 'Name'"):
        read_transactions("ecommerce", tmp_path)


def test_rows_without_order_id_are_skipped_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = b"Transaction ID,Net Sales,Customer ID\nT1,$1.00,C1\n,$2.00,C2\nT1,$0.50,\nT2,$1\n"
    (tmp_path / "items-1.csv").write_bytes(data)
    sales = read_transactions("pos", tmp_path)
    assert sales[["order_id", "amount", "customer_ref"]].values.tolist() == [["T1", "1.50", "C1"]]
    assert "1 transaction row(s) without Transaction ID, lines [3]" in caplog.text
    assert "1 transaction row(s) not aligned with the header, lines [5]" in caplog.text
