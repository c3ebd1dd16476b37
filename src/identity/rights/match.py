"""Which rows a set of keys names: contacts by their columns, other rows by what they hold.

A contact is named when its record key, its email or its phone is held. A quarantined row, an
order or a store sale has no parsed columns, only the row as read (``raw``: a JSON object of
header -> value, or the text of a line that could not be split); such a row is named when one
of its values, read as a record id of its own source, as an email or as a phone number (in the
default region, or with its country code), is held. Vendor prefixes (``p:+1…``, ``l:…``) and
spreadsheet apostrophes are removed first, and emails and phone numbers inside longer text
(a note, a line that could not be split) are found too.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import pandas as pd

from identity import schema as s
from identity.readers import SourceBatch
from identity.rights.keys import EMAIL, PHONE, RECORD, KeySet
from identity.standardise.contact_points import normalise_email, normalise_phone

_PREFIX = re.compile(r"^[a-z]{1,2}:")
_EMAILS = re.compile(r"[^\s,;:<>\"'()\[\]{}]+@[^\s,;:<>\"'()\[\]{}]+")
_PHONES = re.compile(r"\+?\d[\d .\-()/]{5,}\d")
_SPLIT = re.compile(r"[,;\t|\r\n]")
_MIN_PHONE_DIGITS = 7


def contact_hits(contacts: pd.DataFrame, keys: KeySet) -> np.ndarray:
    """Per contact (``schema.CONTACT_COLUMNS``), whether ``keys`` names it.

    Args:
        contacts: Standardised contacts.
        keys: The erasure register, or a request's keys.

    Returns:
        A boolean mask aligned on ``contacts``.
    """
    if contacts.empty:
        return np.zeros(0, dtype=bool)
    return (
        keys.holds(RECORD, contacts[s.RECORD_KEY])
        | keys.holds(EMAIL, contacts[s.EMAIL])
        | keys.holds(PHONE, contacts[s.PHONE])
    )


def drop_from_batch(batch: SourceBatch, keys: KeySet, region: str) -> SourceBatch:
    """A source's batch as read, without the records and rejects ``keys`` names.

    Records are matched by their record key here, as read, so that a re-landed export of an
    erased person never reaches the step store; emails and phones are matched after
    standardisation (``identity.standardise.batches``). Per file, ``rows_erased`` counts what
    was dropped, so that rows read = records + quarantined + erased still holds.

    Args:
        batch: What the source's reader yielded.
        keys: The erasure register.
        region: Phone region for numbers in rejected rows written without a country code.

    Returns:
        The batch without those rows; unchanged (plus a zero ``rows_erased``) when none.
    """
    records, quarantine = batch.records, batch.quarantine
    gone = keys.holds(RECORD, s.record_key(records[s.SOURCE_SYSTEM], records[s.SOURCE_RECORD_ID]))
    held = raw_hits(quarantine, keys, region)
    erased = pd.concat(
        [records.loc[gone, s.SOURCE_FILE], quarantine.loc[held, s.FILE]], ignore_index=True
    ).value_counts()
    rejected = quarantine.loc[held, s.FILE].value_counts()
    files = batch.files.copy()
    files[s.ROWS_ERASED] = files[s.FILE].map(erased).fillna(0).astype("int64")
    files[s.ROWS_QUARANTINED] = files[s.ROWS_QUARANTINED] - files[s.FILE].map(rejected).fillna(
        0
    ).astype("int64")
    return dataclasses.replace(
        batch,
        records=records[~gone].reset_index(drop=True),
        quarantine=quarantine[~held].reset_index(drop=True),
        files=files,
    )


def raw_hits(frame: pd.DataFrame, keys: KeySet, region: str) -> np.ndarray:
    """Per row with ``source_system`` and ``raw`` (quarantine, transactions), whether it is named.

    Args:
        frame: Rows with the source they were read from and the row as read.
        keys: The erasure register, or a request's keys.
        region: Phone region for numbers written without a country code.

    Returns:
        A boolean mask aligned on ``frame``.
    """
    hit = np.zeros(len(frame), dtype=bool)
    if frame.empty:
        return hit
    rows: list[int] = []
    kinds: list[str] = []
    values: list[str] = []
    pairs = zip(frame[s.SOURCE_SYSTEM].astype(str), frame[s.RAW], strict=True)
    for row, (system, raw) in enumerate(pairs):
        if not isinstance(raw, str):
            continue
        for kind, value in {
            c for token in _tokens(raw) for c in _candidates(system, token, region)
        }:
            rows.append(row)
            kinds.append(kind)
            values.append(value)
    found = pd.DataFrame({"row": rows, "kind": kinds, "value": values})
    for kind, part in found.groupby("kind"):
        named = keys.holds(str(kind), part["value"])
        hit[part["row"].to_numpy()[named]] = True
    return hit


def _tokens(raw: str) -> Iterator[str]:
    """Every value of a row as read, and the emails and phone numbers inside them."""
    text = raw[1:] if raw.startswith("'") else raw  # a spreadsheet-safe CSV cell
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        cells = [str(v) for v in parsed.values() if v not in (None, "")]
    elif isinstance(parsed, list):
        cells = [str(v) for v in parsed if v not in (None, "")]
    else:
        cells = _SPLIT.split(text)
    for cell in cells:
        value = cell.strip().strip('"').strip().lstrip("'")
        if not value:
            continue
        yield value
        if _PREFIX.match(value):
            yield value.split(":", 1)[1].strip()
        yield from _EMAILS.findall(value)
        yield from (m.strip() for m in _PHONES.findall(value))


def _candidates(system: str, token: str, region: str) -> list[tuple[str, str]]:
    """What one value could be a key as: this source's record, an email, a phone."""
    out = [(RECORD, s.record_key(system, token))]
    out += _contact_points(token, region)
    return out


@lru_cache(maxsize=1 << 16)
def _contact_points(token: str, region: str) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    if "@" in token:
        email = normalise_email(token)
        if email is not None:
            found.append((EMAIL, email))
    elif sum(c.isdigit() for c in token) >= _MIN_PHONE_DIGITS and len(token) <= 40:
        phone, _ = normalise_phone(token, region)
        if phone is not None:
            found.append((PHONE, phone))
    return tuple(found)
