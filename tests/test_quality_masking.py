"""Masking: examples shown in Dagster metadata and reports never carry raw personal data."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identity.quality import mask_value
from identity.quality.masking import example_for


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("jean.dupont@gmail.com", "j***@g****.com"),
        ("+33 6 12 34 56 78", "+33 6 ** ** ** 78"),
        ("+33 612 34 56 78", "+33 6** ** ** 78"),
        ("Hélène", "Hé***"),
        ("'0612345678", "'061*****78"),
        ("p:+13125550199", "p:+131******99"),
        ("Bob", "B***"),
        ("Al", "***"),
        ("a@b", "***@****"),
        ("x@sub.example.co.uk", "***@s****.uk"),
        ("1974-08-14", "1***-**-*4"),
        ("  ", "<empty>"),
        (None, "<null>"),
        (math.nan, "<null>"),
        (pd.NA, "<null>"),
        (pd.NaT, "<null>"),
        (date(1850, 1, 1), "1***-**-*1"),
        (-5.0, "-***"),
    ],
)
def test_masks_keep_the_shape_and_hide_the_rest(raw: object, masked: str) -> None:
    assert mask_value(raw) == masked


_TEXT = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzéøß0123456789@.+-' ()/_")),
    min_size=3,
    max_size=40,
).filter(lambda v: sum(c.isalnum() for c in v.strip()) >= 2 and len(v.strip()) >= 3)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_a_mask_never_contains_the_raw_value(raw: str) -> None:
    masked = mask_value(raw)
    assert raw.strip() not in masked
    # Most of the characters are hidden: a mask never reveals more than half of the alphanumerics.
    shown = sum(c.isalnum() for c in masked)
    assert shown <= max(1, sum(c.isalnum() for c in raw) // 2) + 6  # + a short TLD such as "com"


@settings(max_examples=200, deadline=None)
@given(st.emails())
def test_emails_keep_only_first_letters_and_the_top_level_domain(raw: str) -> None:
    masked = mask_value(raw)
    assert raw not in masked
    masked_local, masked_domain = masked.split("@")
    assert masked_local.endswith("***") and len(masked_local) <= 4
    assert "****" in masked_domain and len(masked_domain) <= 5 + 1 + 6


def test_examples_show_ids_as_they_are_and_mask_everything_else() -> None:
    assert example_for("source_record_id", "0035g00000AbCd000A") == "0035g00000AbCd000A"
    assert example_for("source_file, source_record_id", "crm.csv") == "crm.csv"
    assert example_for("country", "UK") == "UK"
    assert example_for("first_name", "Hélène") == "Hé***"
    assert example_for(None, "Hélène") == "Hé***"
    # A personal value in an id column (a mis-mapped export) is still masked.
    assert example_for("source_record_id", "jean@gmail.com") == "j***@g****.com"
    assert example_for("customer_id", "+33612345678") == "+336******78"
    assert example_for("source_record_id", None) == "<null>"
