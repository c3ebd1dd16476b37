"""What a batch holds: the sources present and, per source and attribute, how filled it is.

Linkage adapts to this profile (``design.py``): a comparison, a blocking rule or a training pass
is only used when the attributes it reads are there. The profile is taken on the linkage input
(after standardisation and the junk-identifier guards), so an attribute whose every value was a
placeholder counts as absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from identity import schema as s
from identity.linkage import model as m

# The attributes a user's data may or may not carry, each with the linkage column that holds it.
ATTRIBUTES: dict[str, str] = {
    "first_name": m.FIRST,
    "last_name": m.LAST,
    "email": m.EMAIL,
    "phone": m.PHONE,
    "date_of_birth": m.DOB,
    "postcode": m.POSTCODE,
    "street": m.STREET,
    "city": m.CITY,
}

# An attribute is used when at least this many records carry it: one value can be compared with
# nothing, and two is the least that can ever agree.
MIN_FILLED = 2


@dataclass(frozen=True)
class AttributeProfile:
    """How one attribute is filled in one source (or in the whole batch).

    Attributes:
        filled: Records with a value.
        distinct: Distinct values.
        share: ``filled`` over the source's records (0 for an empty source).
    """

    filled: int
    distinct: int
    share: float


@dataclass(frozen=True)
class DataProfile:
    """The sources of a batch and how filled each attribute is, per source and overall.

    Attributes:
        records: Records in the batch.
        sources: Records per source system, in name order.
        by_source: Source system -> attribute -> profile.
        overall: Attribute -> profile over the whole batch.
    """

    records: int
    sources: dict[str, int]
    by_source: dict[str, dict[str, AttributeProfile]]
    overall: dict[str, AttributeProfile]

    def present(self, attribute: str) -> bool:
        """Whether enough records carry ``attribute`` for linkage to use it."""
        found = self.overall.get(attribute)
        return found is not None and found.filled >= MIN_FILLED

    @property
    def present_attributes(self) -> list[str]:
        """Attributes linkage can use, in ``ATTRIBUTES`` order."""
        return [name for name in ATTRIBUTES if self.present(name)]

    @property
    def absent_attributes(self) -> list[str]:
        """Attributes too rare (or missing) to use, in ``ATTRIBUTES`` order."""
        return [name for name in ATTRIBUTES if not self.present(name)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, saved with the model and shown in the report."""

        def attrs(profiles: dict[str, AttributeProfile]) -> dict[str, dict[str, Any]]:
            return {name: vars(p).copy() for name, p in profiles.items()}

        return {
            "records": self.records,
            "sources": dict(self.sources),
            "by_source": {source: attrs(p) for source, p in self.by_source.items()},
            "overall": attrs(self.overall),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataProfile:
        """The inverse of ``to_dict``."""

        def attrs(raw: dict[str, dict[str, Any]]) -> dict[str, AttributeProfile]:
            return {name: AttributeProfile(**values) for name, values in raw.items()}

        return cls(
            records=int(data["records"]),
            sources={k: int(v) for k, v in data["sources"].items()},
            by_source={source: attrs(p) for source, p in data["by_source"].items()},
            overall=attrs(data["overall"]),
        )


def _attribute_profiles(frame: pd.DataFrame) -> dict[str, AttributeProfile]:
    rows = len(frame)
    out = {}
    for name, column in ATTRIBUTES.items():
        values = frame[column]
        filled = int(values.notna().sum())
        out[name] = AttributeProfile(
            filled=filled,
            distinct=int(values.nunique(dropna=True)),
            share=round(filled / rows, 6) if rows else 0.0,
        )
    return out


def profile(frame: pd.DataFrame) -> DataProfile:
    """Profile the linkage input of one batch.

    Args:
        frame: Linkage columns from ``prepare.prepare``.

    Returns:
        Which sources the batch holds and how filled each attribute is.
    """
    by_source = {
        str(source): _attribute_profiles(part)
        for source, part in frame.groupby(s.SOURCE_SYSTEM, sort=True)
    }
    return DataProfile(
        records=len(frame),
        sources={
            str(k): int(v) for k, v in frame[s.SOURCE_SYSTEM].value_counts().sort_index().items()
        },
        by_source=by_source,
        overall=_attribute_profiles(frame),
    )
