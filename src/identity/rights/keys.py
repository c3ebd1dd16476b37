"""What a data-rights request names, and sets of such keys to look rows up by.

A request names a person by one key: a source record (``system:record_id``), an email, a phone
or a customer id. Emails and phones are compared in the form standardisation gives them
(lower-cased email, E.164 phone), so ``Jean.Dupont@GMAIL.com`` finds ``jean.dupont@gmail.com``.

Example:
    >>> key = subject_key(EMAIL, " Jean.Dupont@GMAIL.com ", "FR")
    >>> key.kind, key.value
    ('email', 'jean.dupont@gmail.com')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from identity import schema as s
from identity.preflight import UserInputError
from identity.standardise.contact_points import normalise_email, normalise_phone

RECORD = "record"
EMAIL = s.EMAIL
PHONE = s.PHONE
CUSTOMER = "customer"
KINDS: tuple[str, ...] = (RECORD, EMAIL, PHONE, CUSTOMER)
# What ``identity.golden.ids.mint_id`` makes.
CUSTOMER_ID = re.compile(r"^cus_[0-9a-f]{20}$")


class RightsInputError(UserInputError):
    """A request's key cannot name anybody (bad format, unknown customer); one or two lines."""


@dataclass(frozen=True)
class SubjectKey:
    """One key of a request, normalised.

    Attributes:
        kind: One of ``KINDS``.
        value: The record key, the normalised email, the E.164 phone or the customer id.
    """

    kind: str
    value: str = field(repr=False)  # personal data: never in a log line or a traceback


def subject_key(kind: str, text: str, region: str = "US") -> SubjectKey:
    """Read a key as a person typed it.

    Args:
        kind: One of ``KINDS``.
        text: ``crm:003XX…``, an email, a phone or ``cus_…``.
        region: Phone region for a number written without its country code.

    Returns:
        The key in the form the warehouse holds it.

    Raises:
        RightsInputError: The text is no such key; the message does not repeat the text.
    """
    text = text.strip()
    if kind == RECORD:
        return SubjectKey(RECORD, _record_key(text))
    if kind == EMAIL:
        email = normalise_email(text)
        if email is None:
            raise RightsInputError("--email: not a valid email address")
        return SubjectKey(EMAIL, email)
    if kind == PHONE:
        phone, _ = normalise_phone(text, region)
        if phone is None:
            raise RightsInputError(
                f"--phone: not a valid phone number (read in region {region}; write it with its "
                "country code, e.g. +44 20 7946 0000, or set IDENTITY_DEFAULT_REGION)"
            )
        return SubjectKey(PHONE, phone)
    if kind == CUSTOMER:
        if not CUSTOMER_ID.match(text):
            raise RightsInputError(
                "--customer: a customer id is cus_ followed by 20 hex digits (see customer_id in "
                "golden_customers)"
            )
        return SubjectKey(CUSTOMER, text)
    raise ValueError(f"unknown key kind {kind!r}; expected one of {', '.join(KINDS)}")


def _record_key(text: str) -> str:
    try:
        system, record_id = s.split_record_key(text)
    except ValueError:
        system, record_id = "", ""
    record_id = record_id.strip()
    if system not in s.SOURCE_SYSTEMS or not record_id:
        raise RightsInputError(
            "--record: KEY is system:record_id with system one of "
            f"{', '.join(s.SOURCE_SYSTEMS)} (e.g. crm:0038d0001qcbuxNAAQ, as in the crosswalk)"
        )
    return s.record_key(system, record_id)


class KeySet(Protocol):
    """Keys rows are looked up by: the erasure register (hashed) or a request's own (plain)."""

    def holds(self, kind: str, values: pd.Series) -> np.ndarray:
        """Per value, whether the set holds it as a key of ``kind`` (missing values: False)."""
        ...


@dataclass
class PlainKeys:
    """Keys held as values, for an export: the request's key and what it leads to.

    Attributes:
        values: Kind -> normalised values.
    """

    values: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, key: SubjectKey) -> PlainKeys:
        """The keys of one request."""
        return cls({key.kind: {key.value}})

    def add(self, kind: str, values: pd.Series | list[str]) -> None:
        """Hold more values of ``kind`` (missing values are skipped)."""
        self.values.setdefault(kind, set()).update(str(v) for v in pd.Series(values).dropna())

    def holds(self, kind: str, values: pd.Series) -> np.ndarray:
        """Per value, whether it is one of the held values of ``kind``."""
        wanted = self.values.get(kind, set())
        values = pd.Series(values, dtype=object)
        return (values.notna() & values.isin(wanted)).to_numpy(dtype=bool)
