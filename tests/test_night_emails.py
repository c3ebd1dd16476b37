"""Issue 13: full-width letters in an email fold to ASCII (NFKC), so the same person links."""

from __future__ import annotations

from pathlib import Path

import pytest

from identity import schema as s
from identity.readers.landing import read_landing_source
from identity.standardise import normalise_email
from identity.standardise.batches import standardise_sources
from support.bad_input_files import shop_export, shop_row, square_export, square_row, utf8


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ｊｏｈｎ@ｍａｉｌ．ｃｏｍ", "john@mail.com"),
        ("ｊｏｈｎ＠ｍａｉｌ.ｃｏｍ", "john@mail.com"),  # full-width at sign
        ("Ｊｏｈｎ.Ｓｍｉｔｈ＠ＧＭＡＩＬ.ｃｏｍ", "john.smith@gmail.com"),
        ("ｊｏｈｎ\u200b@ｍａｉｌ.ｃｏｍ", "john@mail.com"),  # with a zero-width space
        ("josé@mail.fr", "josé@mail.fr"),  # real non-ASCII stays
    ],
)
def test_full_width_emails_fold_to_the_address_mail_is_delivered_to(
    typed: str, expected: str
) -> None:
    assert normalise_email(typed) == expected


@pytest.mark.parametrize(
    "typed", ["ｔｅｓｔ＠ｔｅｓｔ．ｃｏｍ", "ｎｏｅｍａｉｌ@ｓｈｏｐ.ｃｏｍ", "？？@qq.com"]
)
def test_full_width_placeholders_are_still_placeholders(typed: str) -> None:
    assert normalise_email(typed) is None


def test_the_same_person_typed_full_width_in_one_source_gets_the_same_match_keys(
    tmp_path: Path,
) -> None:
    landing = tmp_path / "landing"
    (landing / "pos").mkdir(parents=True)
    (landing / "ecommerce").mkdir(parents=True)
    square = square_row(
        0, **{"Email Address": "Ｍａｒｉａ．Ｇｏｎｚａｌｅｚ０＠ａｃｍｅ－ｍａｉｌ．ｃｏｍ"}
    )
    (landing / "pos" / "customer_directory.csv").write_bytes(utf8(square_export([square])))
    (landing / "ecommerce" / "customers_export.csv").write_bytes(utf8(shop_export([shop_row(0)])))
    batches = [read_landing_source(landing, system) for system in ("ecommerce", "pos")]
    result = standardise_sources(batches)
    assert result.balanced and result.quarantine.empty  # nothing lost
    contacts = result.contacts.set_index(s.SOURCE_SYSTEM)
    keys = [s.EMAIL, s.EMAIL_LOCAL, s.EMAIL_DOMAIN]
    assert contacts.loc["pos", keys].tolist() == contacts.loc["ecommerce", keys].tolist()
    assert contacts.loc["pos", s.EMAIL] == "maria.gonzalez0@acme-mail.com"
