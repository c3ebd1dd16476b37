"""The bad-input catalogue: every kind of broken delivery, in the vendors' native formats.

Each case lands files in one source folder and runs the real reader and standardisation stages
(``identity.readers.landing.read_landing_source`` then ``standardise_sources``). A case expects
exactly one of three outcomes a careful user would ask for:

- the file cannot be read at all: it is quarantined as a whole, one row whose reason is the
  ``SourceFormatError`` the batch lists in ``unreadable``, whose ``file``, ``line`` and
  ``column`` point at the problem and whose message names all three; the run goes on, or
- the file is clutter (empty, whitespace only): skipped, named with its reason, or
- every row accounted for: the usable ones are contacts, the others are quarantined with the
  specific reason, and for every file rows read = contacts + quarantined = the rows a person
  counts in the file. Values damaged by the delivery are read correctly or dropped, never
  turned into wrong data.
"""

from __future__ import annotations

import codecs
import json
import logging
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from identity.readers import SourceBatch, SourceFormatError
from identity.readers.landing import read_landing_source
from identity.standardise.batches import Standardised, standardise_sources
from support.bad_input_files import (
    CRM_HEADER,
    META_HEADER,
    SHOPIFY_HEADER,
    SQUARE_HEADER,
    crm_export,
    crm_id,
    crm_row,
    email_of,
    lead_id,
    meta_export,
    meta_row,
    shop_export,
    shop_id,
    shop_row,
    square_export,
    square_id,
    square_row,
    utf8,
    utf8_bom,
)

Check = Callable[[pd.DataFrame, pd.DataFrame], None]
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Case:
    """One bad delivery and what must come of it.

    Attributes:
        id: Test id.
        source: Landing folder the files are dropped in.
        files: File name -> bytes.
        rows: Per file, the data rows a person counts in it (blank lines are not rows).
        quarantined: Exactly the quarantined rows: (file, line, part of the reason).
        error: For an unreadable file: (file, line, column) the error must point at.
        skipped: Clutter that must be skipped: file -> part of the reason.
        check: Further assertions on (contacts, quarantine).
    """

    id: str
    source: str
    files: dict[str, bytes]
    rows: dict[str, int] = field(default_factory=dict)
    quarantined: tuple[tuple[str, int, str], ...] = ()
    error: tuple[str, int, str | int] | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    check: Check | None = None


def values(contacts: pd.DataFrame, column: str) -> list[object]:
    """A contact column as plain Python values in source line order (missing -> None)."""
    ordered = contacts.sort_values(["source_file", "source_line"])[column].astype(object)
    return [None if pd.isna(v) else v for v in ordered]


def crm(*rows: dict[str, str], **kw: object) -> bytes:
    """A Data Loader Contact export in UTF-8 with BOM, as Salesforce writes it."""
    return utf8_bom(crm_export(list(rows), **kw))  # type: ignore[arg-type]


def shop(*rows: dict[str, str], **kw: object) -> bytes:
    """A Shopify customers export in UTF-8."""
    return utf8(shop_export(list(rows), **kw))  # type: ignore[arg-type]


def square(*rows: dict[str, str], **kw: object) -> bytes:
    """A Square customer directory export in UTF-8."""
    return utf8(square_export(list(rows), **kw))  # type: ignore[arg-type]


THREE_CRM = [crm_row(0), crm_row(1), crm_row(2)]
THREE_SHOP = [shop_row(0), shop_row(1), shop_row(2)]
THREE_SQUARE = [square_row(0), square_row(1), square_row(2)]
THREE_META = [meta_row(0), meta_row(1), meta_row(2)]
MEGABYTE = 1024 * 1024


def _crm_euro_resave() -> bytes:
    # Excel in a European locale: semicolons, dd/mm/yyyy dates, dd-mm-yyyy hh:mm datetimes,
    # cp1252 encoding, CRLF line ends, and quotes only where needed.
    rows = [
        crm_row(0, Birthdate="14/08/1974", CreatedDate="02-09-2026 22:07"),
        crm_row(1, Birthdate="03/02/1985", CreatedDate="13-01-2026 08:00", FirstName="Zoë"),
    ]
    text = crm_export(rows, delimiter=";", newline="\r\n").replace('"', "")
    return text.encode("cp1252")


def _square_euro_resave() -> bytes:
    rows = [
        square_row(0, **{"Lifetime Spend": "1.234,56 €", "Birthday": "17/05/1990"}),
        square_row(1, **{"Lifetime Spend": "8,00 €", "Birthday": "31/12/1979"}),
    ]
    return utf8_bom(square_export(rows, delimiter=";"))


def _check_euro_crm(contacts: pd.DataFrame, _: pd.DataFrame) -> None:
    assert values(contacts, "date_of_birth") == ["1974-08-14", "1985-02-03"]
    assert values(contacts, "first_name") == ["Maria", "Zoë"]
    created = [str(v) for v in values(contacts, "created_at")]
    assert created == ["2026-09-02 22:07:00+00:00", "2026-01-13 08:00:00+00:00"]


def _check_euro_square(contacts: pd.DataFrame, _: pd.DataFrame) -> None:
    assert values(contacts, "total_spent") == [1234.56, 8.0]
    assert values(contacts, "date_of_birth") == ["1990-05-17", "1979-12-31"]


def _two_exports_concatenated() -> bytes:
    # `cat a.csv b.csv`: the second file's byte-order mark and header land mid-file.
    first = crm_export([crm_row(0), crm_row(1)])
    second = crm_export([crm_row(2)])
    return utf8_bom(first) + utf8_bom(second)


def _mixed_encodings() -> bytes:
    # A UTF-8 export where one row was edited and saved by a Latin-1 tool.
    head = crm_export([crm_row(0, FirstName="José")]).encode("utf-8")
    tail = crm_export([crm_row(1, FirstName="Zoë", LastName="Müller")]).split("\n", 1)[1]
    return codecs.BOM_UTF8 + head + tail.encode("latin-1")


def _nul_bytes() -> bytes:
    data = bytearray(crm(*THREE_CRM))
    data[40:40] = b"\x00"
    at = data.index(b"Gonzalez")
    data[at + 3 : at + 3] = b"\x00\x00"
    return bytes(data) + b"\x00" * 64  # padding a failed copy leaves at the end


def _truncated() -> bytes:
    data = shop(*THREE_SHOP)
    return data[: data.rindex(b"@acme-mail.com") - 3]  # cut mid-email in the last row


def _unterminated_quote() -> bytes:
    rows = [shop_row(n, Tags="wholesale") for n in range(3)]
    rows[1]["Note"] = "Called twice, prefers email"
    # The closing quote after the note is lost: the rest of the file is inside the field.
    return shop(*rows).replace(b'email",', b"email,", 1)


def _quote_lost_in_fully_quoted_export() -> bytes:
    rows = [crm_row(0), crm_row(1, MailingStreet="4 Never"), crm_row(2)]
    # Every field is quoted, so the csv reader closes the field again at the next quote: the
    # damaged row comes out with too few fields, the rows after it are intact.
    return crm(*rows).replace(b'"4 Never"', b'"4 Never', 1)


def _shouting_header() -> bytes:
    # Someone "tidied" the header in a spreadsheet: upper case, padded, one cell quoted.
    header = ",".join(f"  {c.upper()} " for c in SHOPIFY_HEADER).replace(
        "  CUSTOMER ID ", '" customer id "'
    )
    return utf8(header + "\n" + shop_export(THREE_SHOP).split("\n", 1)[1])


def _renamed_optional_column() -> bytes:
    header = [("E-mail" if c == "Email" else c) for c in SHOPIFY_HEADER]
    rows = [
        {**shop_row(0), "E-mail": email_of(0)},
        {**shop_row(1), "E-mail": email_of(1), "Phone": "", "Default Address Phone": ""},
    ]
    rows[1]["Default Address Address1"] = ""
    rows[1]["Default Address Zip"] = ""
    # One name alone is no identifier (a first and a last name together would be).
    rows[1]["Last Name"] = ""
    return shop(*rows, header=header)


def _check_extra_columns(contacts: pd.DataFrame, _: pd.DataFrame) -> None:
    raw = json.loads(values(contacts, "raw")[0])
    assert raw["Loyalty_Tier__c"] == "Gold" and raw["Salutation"] == "Ms."
    assert values(contacts, "email") == [email_of(0), email_of(1)]


def _check_reordered(contacts: pd.DataFrame, _: pd.DataFrame) -> None:
    assert values(contacts, "source_record_id") == [square_id(0), square_id(1)]
    assert values(contacts, "email") == [email_of(0), email_of(1)]
    assert values(contacts, "postal_code") == ["NW1 6XE", "NW1 6XE"]


def _check_names(expected_first: list[str], expected_last: list[str]) -> Check:
    def check(contacts: pd.DataFrame, _: pd.DataFrame) -> None:
        assert values(contacts, "first_name") == expected_first
        assert values(contacts, "last_name") == expected_last

    return check


def _check_column(column: str, expected: list[object]) -> Check:
    def check(contacts: pd.DataFrame, _: pd.DataFrame) -> None:
        assert values(contacts, column) == expected

    return check


def _all(*checks: Check) -> Check:
    def check(contacts: pd.DataFrame, quarantine: pd.DataFrame) -> None:
        for one in checks:
            one(contacts, quarantine)

    return check


def _check_ids(expected: list[str]) -> Check:
    return _check_column("source_record_id", expected)


def _check_formula_names(contacts: pd.DataFrame, _: pd.DataFrame) -> None:
    names = values(contacts, "first_name") + values(contacts, "last_name")
    assert not [n for n in names if n and n[0] in "=+-@\t\r"], names
    assert values(contacts, "first_name") == [None, "Bob", "Ann", "Sam"]
    assert values(contacts, "last_name") == ["Gonzalez", "Dupont", "Muller", "Haddad"]
    # The raw row keeps what was delivered, for whoever investigates.
    assert json.loads(values(contacts, "raw")[0])["FirstName"].startswith("=HYPERLINK(")


def _check_phones(contacts: pd.DataFrame, _: pd.DataFrame) -> None:
    assert values(contacts, "phone") == ["+13125550142", "+442079460958", "+13125550199"]


def _check_zero_width(contacts: pd.DataFrame, _: pd.DataFrame) -> None:
    assert values(contacts, "source_record_id") == [crm_id(0), crm_id(1), crm_id(2)]
    assert values(contacts, "email") == [email_of(0), email_of(1), email_of(2)]
    assert values(contacts, "first_name") == ["Maria", "Jean", "Zoe"]
    assert values(contacts, "phone") == ["+13125550100", "+13125550101", "+13125550102"]


def _check_big_note(contacts: pd.DataFrame, _: pd.DataFrame) -> None:
    assert values(contacts, "source_record_id") == [shop_id(0), shop_id(1), shop_id(2)]
    assert len(json.loads(values(contacts, "raw")[1])["Note"]) == MEGABYTE


def _check_rtl(contacts: pd.DataFrame, _: pd.DataFrame) -> None:
    assert values(contacts, "first_name") == ["محمد", "דוד", "Zoë 🌸", "Ana"]
    assert values(contacts, "last_name") == ["العلي", "כהן", "Müller", "Silva 🎉"]
    assert values(contacts, "first_name_std")[2] == "zoe"


CASES: list[Case] = [
    # -- files that hold no rows ---------------------------------------------------------
    # A 0-byte file is clutter (a failed copy), not an export: skipped, and said so (issue 13).
    Case("empty_file_0_bytes", "crm", {"contacts.csv": b""}, skipped={"contacts.csv": "empty"}),
    Case(
        "header_only",
        "ecommerce",
        {"customers_export.csv": shop()},
        rows={"customers_export.csv": 0},
    ),
    Case(
        "only_blank_lines_after_header",
        "pos",
        {"export.csv": square() + b"\n\n" + b"," * 22 + b"\n   \n"},
        rows={"export.csv": 0},
    ),
    # -- the wrong file, or a file without what the export always has ------------------
    Case(
        "shopify_export_in_crm_folder",
        "crm",
        {"customers_export.csv": shop(*THREE_SHOP)},
        error=("customers_export.csv", 1, "Id"),
    ),
    Case(
        "salesforce_export_in_ecommerce_folder",
        "ecommerce",
        {"contacts.csv": crm(*THREE_CRM)},
        error=("contacts.csv", 1, "Customer ID"),
    ),
    Case(
        "meta_export_in_pos_folder",
        "pos",
        {"leads.csv": meta_export(THREE_META)},
        error=("leads.csv", 1, "Square Customer ID"),
    ),
    Case(
        "square_export_in_social_folder",
        "social",
        {"export.csv": square(*THREE_SQUARE)},
        error=("export.csv", 1, "id"),
    ),
    Case(
        "html_error_page_saved_as_csv",
        "crm",
        {"contacts.csv": b"<!DOCTYPE html>\n<html><body>Session expired</body></html>\n"},
        error=("contacts.csv", 1, "Id"),
    ),
    Case(
        "spreadsheet_saved_as_xlsx",
        "ecommerce",
        {"customers_export.csv": b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(range(256)) * 8},
        error=("customers_export.csv", 1, 3),
    ),
    Case(
        "missing_required_column_created_time",
        "social",
        {"leads.csv": meta_export(THREE_META, [c for c in META_HEADER if c != "created_time"])},
        error=("leads.csv", 1, "created_time"),
    ),
    Case(
        "missing_id_column_below_excel_sep_line",
        "crm",
        {"contacts.csv": b"sep=,\n" + crm(*THREE_CRM, header=CRM_HEADER[1:])[3:]},
        error=("contacts.csv", 2, "Id"),
    ),
    Case(
        "renamed_id_column",
        "pos",
        {
            "export.csv": square(
                *THREE_SQUARE,
                header=["Customer ID" if c == "Square Customer ID" else c for c in SQUARE_HEADER],
            )
        },
        error=("export.csv", 1, "Square Customer ID"),
    ),
    Case(
        "unterminated_quote_in_header",
        "crm",
        {"contacts.csv": b'"Id","FirstName","LastName,Email\n003A,Ann,Lee,a@b.co\n'},
        error=("contacts.csv", 1, 3),
    ),
    # -- columns that differ from the usual layout -----------------------------------------
    Case(
        "renamed_optional_column_email",
        "ecommerce",
        {"customers_export.csv": _renamed_optional_column()},
        rows={"customers_export.csv": 2},
        # Row 3 has only its email, under a name we do not know: not usable, and said so.
        quarantined=(("customers_export.csv", 3, "no usable identifier"),),
        check=_check_column("email", [None]),
    ),
    Case(
        "extra_columns_custom_fields",
        "crm",
        {
            "contacts.csv": crm(
                crm_row(0, Loyalty_Tier__c="Gold", Salutation="Ms."),
                crm_row(1),
                header=["Salutation", *CRM_HEADER, "Loyalty_Tier__c", "AccountId"],
            )
        },
        rows={"contacts.csv": 2},
        check=_check_extra_columns,
    ),
    Case(
        "columns_in_another_order",
        "pos",
        {"export.csv": square(square_row(0), square_row(1), header=sorted(SQUARE_HEADER))},
        rows={"export.csv": 2},
        check=_check_reordered,
    ),
    Case(
        "header_with_other_case_and_spaces",
        "ecommerce",
        {"customers_export.csv": _shouting_header()},
        rows={"customers_export.csv": 3},
        check=_check_ids([shop_id(0), shop_id(1), shop_id(2)]),
    ),
    Case(
        "repeated_column_name",
        "crm",
        {"contacts.csv": crm(crm_row(0), header=[*CRM_HEADER, "Email"])},
        rows={"contacts.csv": 1},
        check=_check_column("email", [email_of(0)]),
    ),
    # -- rows the parser cannot align --------------------------------------------------------
    Case(
        "truncated_last_line",
        "ecommerce",
        {"customers_export.csv": _truncated()},
        rows={"customers_export.csv": 3},
        quarantined=(("customers_export.csv", 4, "truncated last line"),),
    ),
    Case(
        "unterminated_quote_swallows_the_rest",
        "ecommerce",
        {"customers_export.csv": _unterminated_quote()},
        rows={"customers_export.csv": 2},
        quarantined=(("customers_export.csv", 3, "unterminated quoted field starting at line 3"),),
        check=_check_ids([shop_id(0)]),
    ),
    Case(
        "quote_lost_in_fully_quoted_export",
        "crm",
        {"contacts.csv": _quote_lost_in_fully_quoted_export()},
        rows={"contacts.csv": 3},
        quarantined=(("contacts.csv", 3, "fields, header has 17"),),
        check=_check_ids([crm_id(0), crm_id(2)]),
    ),
    Case(
        "stray_delimiter_gives_too_many_fields",
        "pos",
        {"export.csv": square(*THREE_SQUARE).replace(b"2 Baker Street", b"2, Baker Street", 1)},
        rows={"export.csv": 3},
        quarantined=(("export.csv", 3, "24 fields, header has 23"),),
    ),
    Case(
        "two_exports_concatenated_bom_in_the_middle",
        "crm",
        {"contacts.csv": _two_exports_concatenated()},
        rows={"contacts.csv": 4},
        quarantined=(("contacts.csv", 4, "repeated header row"),),
        check=_check_ids([crm_id(0), crm_id(1), crm_id(2)]),
    ),
    # -- encodings -----------------------------------------------------------------------
    Case(
        "latin1_row_in_utf8_file",
        "crm",
        {"contacts.csv": _mixed_encodings()},
        rows={"contacts.csv": 2},
        check=_check_names(["José", "Zoë"], ["Gonzalez", "Müller"]),
    ),
    Case(
        "whole_file_windows_1252",
        "pos",
        {
            "export.csv": square_export(
                [square_row(0, **{"First Name": "Renée", "Last Name": "Ødegård"})]
            ).encode("cp1252")
        },
        rows={"export.csv": 1},
        check=_check_names(["Renée"], ["Ødegård"]),
    ),
    Case(
        "utf16_little_endian_without_bom",
        "social",
        {"leads.csv": meta_export(THREE_META)[2:]},
        rows={"leads.csv": 3},
        check=_check_ids([lead_id(0), lead_id(1), lead_id(2)]),
    ),
    Case(
        "utf16_big_endian_without_bom_comma_separated",
        "crm",
        {"contacts.csv": crm_export(THREE_CRM).encode("utf-16-be")},
        rows={"contacts.csv": 3},
        check=_check_ids([crm_id(0), crm_id(1), crm_id(2)]),
    ),
    Case(
        "nul_bytes",
        "crm",
        {"contacts.csv": _nul_bytes()},
        rows={"contacts.csv": 3},
        check=_check_names(["Maria", "Jean", "Zoe"], ["Gonzalez", "Dupont", "Muller"]),
    ),
    Case(
        "zero_width_and_stray_bom_characters",
        "crm",
        {
            "contacts.csv": crm(
                crm_row(0, Id=f"\ufeff{crm_id(0)}", Email=email_of(0).replace("@", "\u200b@")),
                crm_row(1, FirstName="Je\u200ban", Email=f"\u2060{email_of(1)}"),
                crm_row(2, Id=f"{crm_id(2)}\u200b", Phone="(312)\u00a0555\u200b-0102"),
            )
        },
        rows={"contacts.csv": 3},
        check=_check_zero_width,
    ),
    # -- European re-saves and line ends ---------------------------------------------------
    Case(
        "european_excel_resave_salesforce",
        "crm",
        {"contacts.csv": _crm_euro_resave()},
        rows={"contacts.csv": 2},
        check=_check_euro_crm,
    ),
    Case(
        "european_excel_resave_square_decimal_commas",
        "pos",
        {"export.csv": _square_euro_resave()},
        rows={"export.csv": 2},
        check=_check_euro_square,
    ),
    Case(
        "crlf_line_ends_with_quoted_line_break",
        "ecommerce",
        {
            "customers_export.csv": shop(
                shop_row(0),
                shop_row(1, Note="Called twice,\r\nprefers email"),
                shop_row(2),
                newline="\r\n",
            )
        },
        rows={"customers_export.csv": 3},
        check=_check_column("source_line", [2, 3, 5]),
    ),
    Case(
        "old_mac_cr_line_ends",
        "pos",
        {"export.csv": square(*THREE_SQUARE, newline="\r")},
        rows={"export.csv": 3},
        check=_check_column("source_line", [2, 3, 4]),
    ),
    Case(
        "trailing_empty_lines_and_spaces",
        "social",
        {"leads.csv": meta_export(THREE_META) + "\n\n\t\t\n   \n\n".encode("utf-16-le")},
        rows={"leads.csv": 3},
    ),
    Case(
        "excel_apostrophe_numbers",
        "pos",
        {
            "export.csv": square(
                square_row(
                    0,
                    **{
                        "Square Customer ID": f"'{square_id(0)}",
                        "Postal Code": "'02118",
                        "State": "MA",
                        "Phone Number": "'(617) 555-0100",
                        "Transaction Count": "'14",
                    },
                )
            )
        },
        rows={"export.csv": 1},
        check=_all(
            _check_ids([square_id(0)]),
            _check_column("postal_code", ["02118"]),
            _check_column("phone", ["+16175550100"]),
            _check_column("order_count", [14]),
        ),
    ),
    # -- ids -----------------------------------------------------------------------------
    Case(
        "duplicated_record_id_in_one_file",
        "ecommerce",
        {"customers_export.csv": shop(shop_row(0), shop_row(1), shop_row(0, Email="x@y.co"))},
        rows={"customers_export.csv": 3},
        quarantined=(
            (
                "customers_export.csv",
                4,
                "duplicate source_record_id (first at customers_export.csv:2)",
            ),
        ),
    ),
    Case(
        "same_file_delivered_twice",
        "crm",
        {"contacts.csv": crm(*THREE_CRM), "contacts (1).csv": crm(*THREE_CRM)},
        rows={"contacts.csv": 3, "contacts (1).csv": 3},
        quarantined=tuple(
            ("contacts.csv", line, "same file delivered twice: identical to contacts (1).csv")
            for line in (2, 3, 4)
        ),
        check=_check_column("source_file", ["contacts (1).csv"] * 3),
    ),
    Case(
        "same_rows_delivered_again_re_encoded",
        "social",
        {
            "leads_1.csv": meta_export(THREE_META),
            "leads_2.csv": utf8(meta_export(THREE_META)[2:].decode("utf-16-le")),
        },
        rows={"leads_1.csv": 3, "leads_2.csv": 3},
        quarantined=tuple(
            ("leads_2.csv", line, f"duplicate source_record_id (first at leads_1.csv:{line})")
            for line in (2, 3, 4)
        ),
    ),
    Case(
        "ids_turned_into_scientific_notation_by_excel",
        "ecommerce",
        {
            "customers_export.csv": shop(
                shop_row(0, **{"Customer ID": "7.41235E+12"}),
                shop_row(1, **{"Customer ID": "7.41235E+12"}),
                shop_row(2),
            )
        },
        rows={"customers_export.csv": 3},
        quarantined=(
            ("customers_export.csv", 2, "scientific notation"),
            ("customers_export.csv", 3, "scientific notation"),
        ),
        check=_check_ids([shop_id(2)]),
    ),
    Case(
        "missing_id_values_and_deleted_rows",
        "crm",
        {"contacts.csv": crm(crm_row(0), crm_row(1, Id=""), crm_row(2, IsDeleted="true"))},
        rows={"contacts.csv": 3},
        quarantined=(
            ("contacts.csv", 3, "missing Id"),
            ("contacts.csv", 4, "deleted in source"),
        ),
    ),
    Case(
        "meta_test_lead",
        "social",
        {
            "leads.csv": meta_export(
                [meta_row(0), meta_row(1, full_name="<test lead: dummy data for full_name>")]
            )
        },
        rows={"leads.csv": 2},
        quarantined=(("leads.csv", 3, "test lead"),),
    ),
    # -- values ----------------------------------------------------------------------------
    Case(
        "one_megabyte_note_field",
        "ecommerce",
        {"customers_export.csv": shop(shop_row(0), shop_row(1, Note="x" * MEGABYTE), shop_row(2))},
        rows={"customers_export.csv": 3},
        check=_check_big_note,
    ),
    Case(
        "one_megabyte_name_field",
        "crm",
        {"contacts.csv": crm(crm_row(0), crm_row(1, FirstName="A" * MEGABYTE), crm_row(2))},
        rows={"contacts.csv": 3},
        quarantined=(("contacts.csv", 3, "FirstName holds 1,048,576 characters"),),
    ),
    Case(
        "emoji_and_right_to_left_names",
        "crm",
        {
            "contacts.csv": crm(
                crm_row(0, FirstName="محمد", LastName="العلي"),
                crm_row(1, FirstName="דוד", LastName="כהן"),
                crm_row(2, FirstName="Zoë 🌸", LastName="Müller"),
                crm_row(3, FirstName="\u200fAna", LastName="Silva 🎉"),
            )
        },
        rows={"contacts.csv": 4},
        check=_check_rtl,
    ),
    Case(
        "impossible_and_future_dates",
        "crm",
        {
            "contacts.csv": crm(
                crm_row(0, Birthdate="0000-00-00", CreatedDate="0000-00-00 00:00:00"),
                crm_row(1, Birthdate="2099-01-01"),
                crm_row(2, Birthdate="1980-02-30"),
                crm_row(3, Birthdate="1974-08-14"),
            )
        },
        rows={"contacts.csv": 4},
        check=_all(
            # A future date is kept for the contacts suite to warn about; impossible ones go.
            _check_column("date_of_birth", [None, "2099-01-01", None, "1974-08-14"]),
            _check_column("email", [email_of(n) for n in range(4)]),
        ),
    ),
    Case(
        "only_identifier_is_an_impossible_date",
        "pos",
        {
            "export.csv": square(
                square_row(
                    0,
                    **{
                        "Last Name": "",  # one name alone is no identifier
                        "Email Address": "",
                        "Phone Number": "",
                        "Street Address 1": "",
                        "Postal Code": "",
                        "Birthday": "0000-00-00",
                    },
                )
            )
        },
        rows={"export.csv": 1},
        quarantined=(("export.csv", 2, "no usable identifier"),),
    ),
    Case(
        "phones_with_extensions",
        "crm",
        {
            "contacts.csv": crm(
                crm_row(0, Phone="(312) 555-0142 ext. 7"),
                crm_row(
                    1,
                    Phone="+44 20 7946 0958 x123",
                    MailingCountry="United Kingdom",
                    MailingPostalCode="SW1A 1AA",
                ),
                crm_row(2, Phone="312-555-0199;ext=42"),
            )
        },
        rows={"contacts.csv": 3},
        check=_check_phones,
    ),
    Case(
        "spreadsheet_formula_prefixes_in_names",
        "crm",
        {
            "contacts.csv": crm(
                crm_row(0, FirstName='=HYPERLINK("http://evil.example","Click")'),
                crm_row(1, FirstName="+Bob"),
                crm_row(2, FirstName="-Ann"),
                crm_row(3, FirstName="@Sam"),
            )
        },
        rows={"contacts.csv": 4},
        check=_check_formula_names,
    ),
    Case(
        "placeholders_and_excel_error_values",
        "ecommerce",
        {
            "customers_export.csv": shop(
                shop_row(0),
                shop_row(
                    1,
                    Email="#N/A",
                    Phone="#VALUE!",
                    **{
                        "Last Name": "",  # one name alone is no identifier
                        "Default Address Phone": "NULL",
                        "Default Address Address1": "N/A",
                        "Default Address Zip": "#REF!",
                    },
                ),
            )
        },
        rows={"customers_export.csv": 2},
        quarantined=(("customers_export.csv", 3, "no usable identifier"),),
    ),
    Case(
        "placeholders_the_quality_suite_blocks",
        "crm",
        {
            "contacts.csv": crm(
                crm_row(0, FirstName="XXXXX", Email="sales.test@example.org"),
                crm_row(1, LastName="Unbekannt", Phone="+1 123-456-7890", Email="dummy@gmail.com"),
                crm_row(2, MobilePhone="+33 0 00 00 00 00"),
                crm_row(
                    3,
                    LastName="",
                    Email="someone@example.com",
                    Phone="",
                    MailingStreet="",
                    MailingPostalCode="",
                    Birthdate="",
                ),
            )
        },
        rows={"contacts.csv": 4},
        # Row 5 had nothing but a reserved-domain email and one name: not usable, and said so.
        quarantined=(("contacts.csv", 5, "no usable identifier"),),
        check=_all(
            _check_column("first_name", [None, "Jean", "Zoe"]),
            _check_column("last_name", ["Gonzalez", None, "Muller"]),
            _check_column("email", [None, None, email_of(2)]),
            _check_column("phone", ["+13125550100", None, "+13125550102"]),
        ),
    ),
]

# The contacts suite's blocking rules on values (expectations/contacts.json): standardisation
# must never hand over a value they reject, or one bad cell would stop the whole nightly run.
BLOCKING_VALUE_RULES = [
    (e["kwargs"]["column"], re.compile(e["kwargs"]["regex"]))
    for e in json.loads((ROOT / "expectations" / "contacts.json").read_text("utf-8"))[
        "expectations"
    ]
    if e["type"] == "expect_column_values_to_not_match_regex" and e["meta"]["blocking"]
]


def land(tmp_path: Path, case: Case) -> Path:
    """Drop a case's files in a fresh landing folder."""
    folder = tmp_path / "landing" / case.source
    folder.mkdir(parents=True)
    for name, data in case.files.items():
        (folder / name).write_bytes(data)
    return tmp_path / "landing"


def read_and_standardise(
    landing: Path, source: str
) -> tuple[Standardised, pd.DataFrame, SourceBatch]:
    """The two real stages a run goes through before linkage.

    Returns:
        What standardisation yields, its contacts with the ``raw`` row the reader kept, and
        what the reader yielded.
    """
    batch = read_landing_source(landing, source)
    result = standardise_sources([batch])
    raw = batch.records[["source_file", "source_line", "raw"]].astype({"source_line": "int64"})
    contacts = result.contacts.merge(raw, on=["source_file", "source_line"], how="left")
    return result, contacts, batch


def assert_every_row_accounted_for(case: Case, result: Standardised) -> None:
    """rows read = contacts + quarantined = the rows in the file, for every file."""
    files = result.files.set_index("file")
    assert sorted(files.index) == sorted(case.rows)
    for name, expected in case.rows.items():
        contacts = int((result.contacts["source_file"] == name).sum())
        held = int((result.quarantine["file"] == name).sum())
        assert files.loc[name, "rows_read"] == expected, name
        assert contacts + held == expected, name
        assert (files.loc[name, "rows_linked"], files.loc[name, "rows_quarantined"]) == (
            contacts,
            held,
        )
    assert result.balanced


def assert_quarantined(case: Case, quarantine: pd.DataFrame) -> None:
    """Exactly the expected rows are quarantined, each with its specific reason."""
    got = sorted(
        zip(quarantine["file"], quarantine["line"].astype(int), quarantine["reason"], strict=True)
    )
    want = sorted(case.quarantined)
    assert len(got) == len(want), got
    for (file, line, reason), (want_file, want_line, want_reason) in zip(got, want, strict=True):
        assert (file, line) == (want_file, want_line), got
        assert want_reason in reason, got
    assert quarantine["source_system"].eq(case.source).all()
    assert quarantine["raw"].map(lambda r: isinstance(r, str) and len(r) > 0).all()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    landing = land(tmp_path, case)
    if case.error is not None:
        assert_quarantined_as_a_whole(case, landing)
        return
    result, contacts, batch = read_and_standardise(landing, case.source)
    assert sorted(batch.skipped["file"]) == sorted(case.skipped)
    for file, reason in zip(batch.skipped["file"], batch.skipped["reason"], strict=True):
        assert case.skipped[file] in reason
    assert batch.unreadable.empty
    assert_every_row_accounted_for(case, result)
    assert_quarantined(case, result.quarantine)
    if case.check is not None:
        case.check(contacts, result.quarantine)
    for column, rule in BLOCKING_VALUE_RULES:
        text = result.contacts[column].dropna().astype(str)
        assert not [v for v in text if rule.search(v)], column


def assert_quarantined_as_a_whole(case: Case, landing: Path) -> None:
    """An unreadable file is one quarantine row saying why; it does not stop the run.

    Before issue 13 such a file raised ``SourceFormatError`` and failed the run; the same error
    (file, line, column, message) is now what the batch lists and the quarantine row says.
    """
    assert case.error is not None
    file, line, column = case.error
    result, contacts, batch = read_and_standardise(landing, case.source)
    assert batch.unreadable[["file", "line", "column"]].values.tolist() == [[file, line, column]]
    message = batch.unreadable["message"].iloc[0]
    assert message.startswith(f"{file}: line {line}")
    assert f"column {column}" in message or f"column '{column}'" in message, message
    assert contacts.empty and batch.records.empty
    assert batch.quarantine[["file", "line"]].values.tolist() == [[file, line]]
    reason = batch.quarantine["reason"].iloc[0]
    assert reason == f"whole file not read: {message.removeprefix(f'{file}: ')}"
    assert json.loads(batch.quarantine["raw"].iloc[0]) == {
        "file": file,
        "bytes": len(case.files[file]),
    }
    # The file counts as one row read, and that row is in quarantine.
    counts = result.files[["file", "rows_read", "rows_linked", "rows_quarantined"]]
    assert counts.values.tolist() == [[file, 1, 0, 1]]
    assert result.balanced


def test_catalogue_is_large_and_covers_both_outcomes() -> None:
    assert len({c.id for c in CASES}) == len(CASES) >= 30
    assert sum(c.error is not None for c in CASES) >= 8
    assert sum(bool(c.quarantined) for c in CASES) >= 10
    assert {column for column, _ in BLOCKING_VALUE_RULES} >= {"email", "phone", "first_name"}


def test_empty_files_are_reported_not_silent(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    landing = land(tmp_path, Case("empty", "crm", {"a.csv": b"", "b.csv": crm()}))
    with caplog.at_level(logging.WARNING, logger="identity.readers"):
        batch = read_landing_source(landing, "crm")
    # Issue 13: a 0-byte file is clutter, skipped with a warning naming it; a header-only
    # export is still a file read with no rows.
    assert batch.files.values.tolist() == [["b.csv", 0, 0]]
    assert batch.skipped.values.tolist() == [["a.csv", "empty file (0 bytes)"]]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warned == [
        "crm/a.csv: skipped: empty file (0 bytes)",
        "crm/b.csv: no rows (empty file or header only)",
    ]


def test_source_format_error_survives_pickling() -> None:
    # Dagster may pickle a step's error to report it: file, line and column must survive.
    error = SourceFormatError("x.csv: line 2 has no column 'Id'", file="x.csv", line=2, column="Id")
    again = pickle.loads(pickle.dumps(error))
    assert (str(again), again.file, again.line, again.column) == (
        "x.csv: line 2 has no column 'Id'",
        "x.csv",
        2,
        "Id",
    )
