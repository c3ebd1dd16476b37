"""Turn standardised contacts into linkage columns, with guards against junk identifiers.

Standardisation already removed known placeholders; here we also drop identifiers that are simply
too common to identify anyone (an agency's test inbox, a shop's own phone number), so they can
neither create huge blocks nor chain strangers into one giant cluster.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from identity import schema as s
from identity.linkage import model as m
from identity.standardise.frames import map_distinct

if TYPE_CHECKING:
    from nicknames import NickNamer

logger = logging.getLogger(__name__)

_NOT_ALNUM = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Guards:
    """Limits that keep junk identifiers out of blocking and comparison.

    Attributes:
        max_identifier_frequency: An email or phone carried by more records than this is
            treated as missing: one customer rarely has more than a handful of records.
        max_cluster_size: Clusters above this size are split at their weakest links.
    """

    max_identifier_frequency: int = 12
    max_cluster_size: int = 12


@lru_cache(maxsize=1)
def _extra_nicknames() -> dict[str, tuple[str, ...]]:
    """French and other nicknames missing from the English ``nicknames`` dataset."""
    text = resources.files("identity.linkage").joinpath("nicknames_extra.csv").read_text("utf-8")
    extra: dict[str, set[str]] = {}
    for line in text.splitlines()[1:]:
        if not line.strip():
            continue
        nickname, canonical = (part.strip() for part in line.split(",", 1))
        extra.setdefault(nickname, set()).add(canonical)
    return {k: tuple(sorted(v)) for k, v in extra.items()}


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    from nicknames import NickNamer

    return NickNamer()


def name_forms(first_name: str) -> list[str]:
    """Return a first name with its canonical forms, for nickname matching.

    Args:
        first_name: A folded first name (``"bob"``).

    Returns:
        The sorted name and its canonical names, e.g. ``["bert", "bob", "bobby", "robert"]``;
        two names are nickname-compatible when their forms intersect.
    """
    forms = {first_name}
    forms.update(_nicknamer().canonicals_of(first_name))
    forms.update(_extra_nicknames().get(first_name, ()))
    for canonical, nicknames in _extra_nicknames().items():
        if first_name in nicknames:
            forms.add(canonical)
    return sorted(forms)


def _forms_by_name(first_names: pd.Series) -> pd.Series:
    return map_distinct(first_names, name_forms)


def _letters(texts: pd.Series) -> pd.Series:
    """Only the letters and digits of each value ("" for a missing one)."""
    # ``[\W_]`` is exactly "not str.isalnum()" in Python's regex engine, accents included.
    # Once per distinct value: names repeat across a million records.
    return map_distinct(texts, lambda text: _NOT_ALNUM.sub("", str(text))).fillna("")


def _name_shaped(local: pd.Series, first: pd.Series, last: pd.Series) -> pd.Series:
    """Whether each email local part is only its owner's name (``jean.martin``, ``jmartin``).

    Such a local part repeats the name: two namesakes' addresses at different providers share
    it, so it must not count again once the names have been compared. Vectorised: this runs
    once per record.
    """
    body, given, family = _letters(local), _letters(first), _letters(last)
    both = (given != "") & (family != "")
    shaped = (
        (body == given)
        | (body == family)
        | (body == given + family)
        | (body == family + given)
        | (both & ((body == given.str[:1] + family) | (body == family + given.str[:1])))
    )
    return shaped & (body != "") & ((given != "") | (family != ""))


def _distinct_local_parts(out: pd.DataFrame) -> pd.Series:
    shaped = _name_shaped(out[m.EMAIL_LOCAL], out[m.FIRST], out[m.LAST])
    return out[m.EMAIL_LOCAL].where(~shaped, None)


def _too_frequent(values: pd.Series, limit: int) -> pd.Series:
    """Whether each value occurs more than ``limit`` times (missing values never do)."""
    codes, _ = pd.factorize(values)
    counts = np.bincount(codes[codes >= 0]) if len(codes) else np.zeros(0, dtype=np.int64)
    frequent = np.zeros(len(values), dtype=bool)
    present = codes >= 0
    frequent[present] = counts[codes[present]] > limit
    return pd.Series(frequent, index=values.index)


def prepare(contacts: pd.DataFrame, guards: Guards | None = None) -> pd.DataFrame:
    """Build the linkage input from standardised contacts.

    Args:
        contacts: Columns ``identity.schema.CONTACT_COLUMNS``.
        guards: Identifier frequency limits.

    Returns:
        One row per contact with ``model.LINKAGE_COLUMNS``, sorted by ``unique_id``.
    """
    guards = guards or Guards()
    out = pd.DataFrame(
        {
            m.UID: contacts[s.RECORD_KEY].astype(str),
            s.SOURCE_SYSTEM: contacts[s.SOURCE_SYSTEM].astype(str),
            m.FIRST: contacts[s.FIRST_NAME_STD],
            m.LAST: contacts[s.LAST_NAME_STD],
            m.EMAIL: contacts[s.EMAIL],
            m.EMAIL_LOCAL: contacts[s.EMAIL_LOCAL],
            m.PHONE: contacts[s.PHONE],
            m.PHONE_NATIONAL: contacts[s.PHONE_NATIONAL],
            m.DOB: contacts[s.DATE_OF_BIRTH],
            m.POSTCODE: contacts[s.POSTCODE_STD],
            m.CITY: contacts[s.CITY_STD],
            m.STREET: contacts[s.STREET_STD],
        }
    )
    for column in (m.FIRST, m.LAST, m.EMAIL, m.EMAIL_LOCAL, m.PHONE, m.PHONE_NATIONAL):
        out[column] = out[column].astype("object").where(out[column].notna(), None)
        out[column] = out[column].where(out[column] != "", None)
    for column in (m.EMAIL, m.PHONE, m.PHONE_NATIONAL, m.EMAIL_LOCAL):
        junk = _too_frequent(out[column], guards.max_identifier_frequency)
        if junk.any():
            logger.info(
                "guard: %d records lose an over-frequent %s (%d distinct values)",
                int(junk.sum()),
                column,
                out.loc[junk, column].nunique(),
            )
            out.loc[junk, column] = None
    both = out[m.FIRST].notna() & out[m.LAST].notna()
    out[m.FULL] = (out[m.FIRST] + " " + out[m.LAST]).where(both, None)
    out[m.FIRST_FORMS] = _forms_by_name(out[m.FIRST])
    out[m.FIRST_INITIAL] = out[m.FIRST].str[:1]
    out[m.EMAIL_LOCAL_DISTINCT] = _distinct_local_parts(out)
    dob = out[m.DOB].astype("object").where(out[m.DOB].notna(), None)
    out[m.DOB] = dob
    out[m.DOB_TRANSPOSED] = dob.str[0:5] + dob.str[8:10] + "-" + dob.str[5:7]
    out[m.DOB_YEAR] = dob.str[0:4]
    # The outward part of a UK postcode, the first three digits elsewhere: a neighbourhood.
    postcode = out[m.POSTCODE].astype("object").where(out[m.POSTCODE].notna(), None)
    out[m.POSTCODE] = postcode
    out[m.POSTCODE_DISTRICT] = postcode.str[:-3].where(postcode.str.len() > 5, postcode.str[:3])
    for column in (m.CITY, m.STREET):
        out[column] = out[column].astype("object").where(out[column].notna(), None)
    return out[m.LINKAGE_COLUMNS].sort_values(m.UID, kind="stable").reset_index(drop=True)
