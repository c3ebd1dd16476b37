"""Linkage columns: name-shaped email local parts and nickname forms."""

from __future__ import annotations

import pandas as pd

from identity import schema as s
from identity.linkage import model as m
from identity.linkage.prepare import Guards, _name_shaped, name_forms, prepare


def _shaped(local: str | None, first: str | None, last: str | None) -> bool:
    return bool(_name_shaped(pd.Series([local]), pd.Series([first]), pd.Series([last])).iloc[0])


def test_a_local_part_that_is_only_the_name_is_recognised():
    for local in ("jean.martin", "jeanmartin", "martin.jean", "jmartin", "martin", "jean_martin"):
        assert _shaped(local, "jean", "martin"), local
    # Failing data: anything beyond the name makes the address distinctive.
    for local in ("jean.martin84", "jm.photo", "famille.martin", "jeanne.martin"):
        assert not _shaped(local, "jean", "martin"), local
    assert not _shaped(None, "jean", "martin")
    assert not _shaped("jean.martin", None, None)
    assert not _shaped("", "", "")


def _reference_shaped(local: str | None, first: str | None, last: str | None) -> bool:
    """The rule written out one record at a time, as the docstring states it."""

    def letters(text: str | None) -> str:
        return "".join(ch for ch in text if ch.isalnum()) if isinstance(text, str) else ""

    body, given, family = letters(local), letters(first), letters(last)
    if not body or not (given or family):
        return False
    shapes = {given, family, given + family, family + given}
    if given and family:
        shapes |= {given[0] + family, family + given[0]}
    return body in shapes


def test_the_vectorised_rule_agrees_with_the_record_by_record_rule():
    names = [("jean", "martin"), ("zoë", "o'neil"), (None, "martin"), ("jean", None), ("", "")]
    names += [("anne-marie", "de la tour"), ("li", "li"), ("j", "martin"), (None, None)]
    locals_ = ["jean.martin", "jmartin", "martinj", "martin", "jean", "zoëoneil", "o.neil.zoë"]
    locals_ += ["annemarie.delatour", "delatour", "li", "lili", "j.martin", "jm", "", None, "_"]
    rows = [(lp, f, la) for lp in locals_ for f, la in names]
    frame = pd.DataFrame(rows, columns=["local", "first", "last"])
    got = _name_shaped(frame["local"], frame["first"], frame["last"]).tolist()
    assert got == [_reference_shaped(*row) for row in rows]
    assert any(got) and not all(got)


def test_identifiers_shared_by_too_many_records_are_dropped_before_linkage():
    shared = [f"crm:{i}" for i in range(4)]
    contacts = pd.DataFrame(
        {
            s.RECORD_KEY: [*shared, "crm:9", "crm:10"],
            s.SOURCE_SYSTEM: ["crm"] * 6,
            s.FIRST_NAME_STD: ["ann", "bob", "cy", "di", "ed", "flo"],
            s.LAST_NAME_STD: ["lee"] * 6,
            s.EMAIL: ["info@shop.com"] * 4 + ["ed@x.org", None],
            s.EMAIL_LOCAL: ["info"] * 4 + ["ed", None],
            s.PHONE: [None] * 6,
            s.PHONE_NATIONAL: [None] * 6,
            s.DATE_OF_BIRTH: [None] * 6,
            s.POSTCODE_STD: [None] * 6,
            s.CITY_STD: [None] * 6,
            s.STREET_STD: [None] * 6,
        }
    )
    frame = prepare(contacts, Guards(max_identifier_frequency=3))
    by_key = frame.set_index(m.UID)
    assert by_key.loc[shared, m.EMAIL].isna().all()
    assert by_key.loc["crm:9", m.EMAIL] == "ed@x.org"
    assert by_key.loc["crm:10", m.EMAIL] is None
    # At the limit (not above it) an identifier is kept.
    kept = prepare(contacts, Guards(max_identifier_frequency=4)).set_index(m.UID)
    assert (kept.loc[shared, m.EMAIL] == "info@shop.com").all()


def test_nickname_forms_join_the_short_and_the_formal_name():
    def compatible(a: str, b: str) -> bool:
        return bool(set(name_forms(a)) & set(name_forms(b)))

    assert compatible("katie", "katherine")
    assert compatible("kate", "catherine")
    assert compatible("manu", "emmanuelle")
    assert not compatible("claire", "thomas")


def test_prepare_keeps_only_distinctive_local_parts_for_comparison():
    contacts = pd.DataFrame(
        {
            s.RECORD_KEY: ["crm:1", "crm:2"],
            s.SOURCE_SYSTEM: ["crm", "crm"],
            s.FIRST_NAME_STD: ["jean", "jean"],
            s.LAST_NAME_STD: ["martin", "martin"],
            s.EMAIL: ["jean.martin@free.fr", "jean.martin84@free.fr"],
            s.EMAIL_LOCAL: ["jean.martin", "jean.martin84"],
            s.PHONE: [None, None],
            s.PHONE_NATIONAL: [None, None],
            s.DATE_OF_BIRTH: [None, None],
            s.POSTCODE_STD: [None, None],
            s.CITY_STD: [None, None],
            s.STREET_STD: [None, None],
        }
    )
    frame = prepare(contacts)
    assert frame[m.EMAIL_LOCAL_DISTINCT].tolist() == [None, "jean.martin84"]
    assert frame[m.EMAIL_LOCAL].tolist() == ["jean.martin", "jean.martin84"]
