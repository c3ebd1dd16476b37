"""Fast paths give exactly what the straightforward code they replace gives, on tricky data."""

from __future__ import annotations

import io
import random
from decimal import Decimal
from pathlib import Path

import pandas as pd
import phonenumbers
import pytest

import identity.readers._parse as parse_module
from identity.money import format_money, parse_money
from identity.readers import read_transactions
from identity.readers._parse import physical_lines
from identity.standardise._phone_fast import NOT_A_NUMBER, fast_parse
from identity.standardise.contact_points import (
    _parse_valid,
    _parse_valid_slow,
    parse_phone_key,
    phone_key,
)

REGIONS = [
    *("US", "GB", "FR", "CA", "DE", "IT", "AU", "BR", "AR", "MX", "IN", "RU", "NL", "CH"),
    *("ES", "AT", "BE", "PT", "IE", "NZ", "NO", "SE", "DK", "PL", "JP", "ZA"),
]

# Keys that take the library's unusual branches: international prefixes (011, 00), a number
# starting with its own country code, national prefixes (0, 1, Argentina's transform rule),
# Italian leading zeros, non-geographic codes (+800), shared country codes (+1 Caribbean, +7,
# +44 Jersey), unknown country codes, too short and too long numbers.
TRICKY = [
    "+13125550199",
    "3125550199",
    "13125550199",
    "0113125550199",
    "+12684601234",
    "+14165550199",
    "4165550199",
    "+447911123456",
    "07911123456",
    "447911123456",
    "00447911123456",
    "+4407911123456",
    "+447797123456",
    "+441534123456",
    "+33612345678",
    "0612345678",
    "33612345678",
    "+330612345678",
    "+390612345678",
    "0612345678",
    "+3906123456789",
    "+80012345678",
    "+79123456789",
    "+77012345678",
    "+5491123456789",
    "91123456789",
    "01115123456",
    "+99912345678",
    "+1",
    "+12",
    "123",
    "12",
    "+123456789012345678901",
    "0000000000",
    "+10000000000",
    "1-800-FLOWERS",
    # National numbers as customers of other countries write them: Australia (mobile, Sydney,
    # 13 and 1800 numbers), Germany (Berlin, mobile, the 0 lost), Spain (no national prefix),
    # Italy (landlines keep their 0), the Netherlands, Canada.
    "0412345678",
    "412345678",
    "0298765432",
    "131234",
    "1800123456",
    "+610412345678",
    "001161412345678",  # 0011: Australia's international prefix
    "0301234567",
    "301234567",
    "015123456789",
    "+4915123456789",
    "+490301234567",
    "612345678",
    "911234567",
    "34612345678",
    "0034612345678",
    "0212345678",
    "3471234567",
    "+390212345678",
    "0201234567",
    "+310201234567",
    "6045550199",
    "16045550199",
]


def _random_keys(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    keys = []
    for _ in range(count):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(2, 18)))
        prefix = rng.choice(["", "+", "0", "00", "+1", "+44", "+33", "1", "+61", "+49", "+34"])
        keys.append(prefix + digits)
    return keys


@pytest.mark.parametrize("region", [*REGIONS, None])
def test_phone_fast_path_matches_the_library(region: str | None) -> None:
    for key in [*TRICKY, *_random_keys(3000, seed=len(region or "") + ord((region or "-")[0]))]:
        assert _parse_valid(key, region) == _parse_valid_slow(key, region), (key, region)


def _example_keys(region: str) -> list[str]:
    """phonenumbers' example number of every type in ``region``, written the ways people do."""
    keys = []
    # PhoneNumberType runs from FIXED_LINE (0) to VOICEMAIL; UNKNOWN (99) has no example.
    for kind in range(phonenumbers.PhoneNumberType.VOICEMAIL + 1):
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        key = phone_key(national)
        if key is None:
            continue
        e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
        keys += [key, key.lstrip("0"), key + "5", key[:-1], e164, e164[1:], "00" + e164[1:]]
    return keys


@pytest.mark.parametrize("region", REGIONS)
def test_phone_fast_path_matches_the_library_on_national_numbers(region: str) -> None:
    keys = _example_keys(region)
    assert keys, region
    for key in keys:
        for in_region in (region, "US", None):
            assert _parse_valid(key, in_region) == _parse_valid_slow(key, in_region), (key, region)


def test_phone_fast_path_is_taken_for_plain_keys() -> None:
    # Otherwise the equivalence test above would prove nothing.
    assert fast_parse("+13125550199", None) == (1, "3125550199")
    assert fast_parse("07911123456", "GB") == (44, "7911123456")
    assert fast_parse("0612345678", "FR") == (33, "612345678")
    assert fast_parse("+390612345678", None) == (39, "0612345678")  # Italian leading zero
    assert fast_parse("00447911123456", "GB") == (44, "7911123456")  # international prefix
    assert fast_parse("+07900389815", None) == NOT_A_NUMBER
    assert fast_parse("+800123456789", None) is None  # non-geographic: the library
    parsed = parse_phone_key("0612345678", "FR")
    assert parsed is not None and parsed.e164 == "+33612345678" and parsed.region == "FR"
    assert fast_parse("0412345678", "AU") == (61, "412345678")
    assert fast_parse("0301234567", "DE") == (49, "301234567")
    assert fast_parse("612345678", "ES") == (34, "612345678")
    assert fast_parse("0212345678", "IT") == (39, "0212345678")
    assert fast_parse("0201234567", "NL") == (31, "201234567")
    assert fast_parse("6045550199", "CA") == (1, "6045550199")


def test_physical_lines_match_stringio_in_small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "_CHUNK_CHARS", 3)
    rng = random.Random(5)
    for _ in range(20000):
        text = "".join(rng.choice('ab\r\n,"\x0b\x1c\u2028') for _ in range(rng.randint(0, 24)))
        assert list(physical_lines(text)) == list(io.StringIO(text, newline="")), repr(text)


def _reference_orders(path: Path) -> dict[str, str | None]:
    """Shopify order amounts the plain way: the order's Total, else the sum of line amounts."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    out: dict[str, str | None] = {}
    for name, group in frame.groupby("Name", sort=False):
        totals = [t for t in group["Total"] if t.strip()]
        if totals:
            out[str(name)] = totals[0]
            continue
        amounts: list[Decimal] = []
        for price, quantity in zip(
            group["Lineitem price"], group["Lineitem quantity"], strict=True
        ):
            value = parse_money(price or None)
            units = parse_money(quantity or None)
            if value is not None:
                amounts.append(value if units is None else value * units)
        out[str(name)] = format_money(sum(amounts, Decimal(0))) if amounts else None
    return out


def test_shopify_amounts_match_a_plain_fold(tmp_path: Path) -> None:
    folder = tmp_path / "ecommerce"
    folder.mkdir()
    header = "Name,Email,Created at,Total,Lineitem quantity,Lineitem price\n"
    rows = [
        "#1,a@x.com,2025-04-01 17:18:52 -0700,12.50,1,12.50",
        "#1,,,,2,1.25",
        "#2,b@x.com,2025-04-02 10:00:00 -0700,,3,$1.10",
        '#2,,,,2,"1,5"',
        "#2,,,,,0.30",
        "#3,,,,,",
        "#4,c@x.com,,,x,2.00",
        "#2,late@x.com,,,1,0.01",
    ]
    path = folder / "orders_export_1.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    got = read_transactions("ecommerce", folder)
    assert got["order_id"].tolist() == ["#1", "#2", "#3", "#4"]
    assert dict(zip(got["order_id"], got["amount"], strict=True)) == _reference_orders(path)
    # First non-empty value of each column, in file order; the first row's line and raw.
    assert got["customer_email"].tolist() == ["a@x.com", "b@x.com", None, "c@x.com"]
    assert got["line"].tolist() == [2, 4, 7, 8]
    assert got["raw"].iloc[1].startswith('{"Name": "#2", "Email": "b@x.com"')


def test_survivorship_value_codes_match_joined_strings() -> None:
    from identity.golden.survivorship import _joined_value, _value_codes

    rng = random.Random(11)
    pool = ["", "a", "b", "a\x1fb", "Émile", "北京", "a b", None, None]
    frame = pd.DataFrame(
        {c: [rng.choice(pool) for _ in range(400)] for c in ("x", "y", "z")}
    ).astype("string[pyarrow]")
    for columns in (["x"], ["x", "y"], ["x", "y", "z"]):
        for data in (frame, frame.replace("a\x1fb", "ab")):
            codes, lengths = _value_codes(data, columns)
            joined = _joined_value(data, columns)
            expected = pd.factorize(joined)[0]
            # Same partition of the rows into equal values, and the same lengths.
            assert (pd.factorize(codes)[0] == expected).all()
            assert (lengths == joined.str.len().to_numpy()).all()


def _reference_order(frame: pd.DataFrame, columns: list[str], ascending: list[bool]) -> list:
    """The previous order_rows: integer sort codes per key, then one stable numpy lexsort."""
    import numpy as np

    keys = []
    for column, up in zip(columns, ascending, strict=True):
        values = frame[column]
        missing = values.isna().to_numpy()
        if pd.api.types.is_datetime64_any_dtype(values):
            numbers = values.to_numpy(dtype="datetime64[ns]").astype("int64").astype("float64")
            codes = pd.factorize(numbers, sort=True)[0].astype("int64")
        elif pd.api.types.is_numeric_dtype(values):
            numbers = values.to_numpy(dtype="float64", na_value=np.nan)
            codes = pd.factorize(numbers, sort=True)[0].astype("int64")
        else:
            codes = pd.factorize(values.astype("string[pyarrow]"), sort=True)[0].astype("int64")
        codes = codes if up else -codes
        codes[missing] = np.iinfo("int64").max
        keys.append(codes)
    return list(frame.index[np.lexsort(keys[::-1])])


def test_order_rows_matches_integer_code_lexsort() -> None:
    from identity.golden._order import order_rows

    rng = random.Random(4)
    texts = ["a", "b", "B", "é", "", None, "ab", "北"]
    stamps = ["2024-01-01 00:00:00", "2024-01-01 00:00:01", None, "2023-05-05 10:00:00"]
    for _ in range(300):
        n = rng.randint(1, 40)
        frame = pd.DataFrame(
            {
                "s": pd.Series(
                    [rng.choice(texts) for _ in range(n)],
                    dtype=rng.choice([object, "string[pyarrow]"]),
                ),
                "i": [rng.choice([1, 2, -3, 0]) for _ in range(n)],
                "f": [rng.choice([1.5, -0.0, 0.0, float("nan"), None]) for _ in range(n)],
                "t": pd.to_datetime([rng.choice(stamps) for _ in range(n)], utc=True),
                "b": pd.Series(
                    [rng.choice([True, False, None]) for _ in range(n)], dtype="boolean"
                ),
            },
            index=rng.sample(range(1000), n),
        )
        columns = rng.sample(list(frame.columns), rng.randint(1, 5))
        ascending = [rng.choice([True, False]) for _ in columns]
        got = list(order_rows(frame, columns, ascending).index)
        assert got == _reference_order(frame, columns, ascending), (columns, ascending)
