"""The model catalog: which comparisons, blocking rules and training rules a batch may use.

``design.py`` chooses among these from the batch's profile; ``settings`` turns a choice into
Splink settings. The comparisons themselves and the linkage columns live in
``comparisons.py`` and are re-exported here, so ``model.FIRST`` and ``model.NAME`` keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from splink import SettingsCreator, block_on

from identity import schema as s
from identity.linkage.comparisons import (
    ADDRESS_COMPARISON,
    CITY,
    DOB,
    DOB_COMPARISON,
    DOB_TRANSPOSED,
    DOB_YEAR,
    EMAIL,
    EMAIL_COMPARISON,
    EMAIL_LOCAL,
    EMAIL_LOCAL_DISTINCT,
    FIRST,
    FIRST_FORMS,
    FIRST_INITIAL,
    FULL,
    LAST,
    LINKAGE_COLUMNS,
    NAME,
    PHONE,
    PHONE_COMPARISON,
    PHONE_NATIONAL,
    POSTCODE,
    POSTCODE_DISTRICT,
    STREET,
    UID,
)

__all__ = [
    "UID",
    "FIRST",
    "LAST",
    "FULL",
    "FIRST_FORMS",
    "FIRST_INITIAL",
    "EMAIL",
    "EMAIL_LOCAL",
    "EMAIL_LOCAL_DISTINCT",
    "PHONE",
    "PHONE_NATIONAL",
    "DOB",
    "DOB_TRANSPOSED",
    "DOB_YEAR",
    "POSTCODE",
    "POSTCODE_DISTRICT",
    "CITY",
    "STREET",
    "LINKAGE_COLUMNS",
    "NAME",
    "EMAIL_COMPARISON",
    "PHONE_COMPARISON",
    "DOB_COMPARISON",
    "ADDRESS_COMPARISON",
]


# The catalog the design chooses from (``design.py``). Each entry names the attributes (see
# ``profile.ATTRIBUTES``) it reads: a comparison is used when any of them is present, a rule
# only when all of them are.


@dataclass(frozen=True)
class Candidate:
    """One comparison, blocking rule or training rule the design may use.

    Attributes:
        name: Stable key, saved with the model.
        needs: Attributes it reads.
        spec: The Splink creator, or SQL in the DuckDB dialect (which Spark also parses).
        any_of: Usable when any attribute of ``needs`` is present, rather than all.
    """

    name: str
    needs: tuple[str, ...]
    spec: Any
    any_of: bool = False


COMPARISON_CATALOG: tuple[Candidate, ...] = (
    Candidate("name", ("first_name", "last_name"), NAME, any_of=True),
    Candidate("email", ("email",), EMAIL_COMPARISON),
    Candidate("phone", ("phone",), PHONE_COMPARISON),
    Candidate("date_of_birth", ("date_of_birth",), DOB_COMPARISON),
    Candidate("address", ("postcode", "street", "city"), ADDRESS_COMPARISON, any_of=True),
)

# Chosen with Splink's blocking analysis on generated data (see diagnostics): each rule catches
# true pairs the others miss, and none creates more than a few comparisons per record. The
# design keeps those whose attributes are present and whose comparisons stay within budget.
BLOCKING_CATALOG: tuple[Candidate, ...] = (
    Candidate("email", ("email",), block_on(EMAIL)),
    Candidate("phone", ("phone",), block_on(PHONE)),
    Candidate("first_last", ("first_name", "last_name"), block_on(FIRST, LAST)),
    Candidate("last_dob", ("last_name", "date_of_birth"), block_on(LAST, DOB)),
    Candidate("first_dob", ("first_name", "date_of_birth"), block_on(FIRST, DOB)),
    Candidate("email_local", ("email",), block_on(EMAIL_LOCAL)),
    Candidate("phone_national", ("phone",), block_on(PHONE_NATIONAL)),
    # Same place and nearly the same name: a first-name typo or nickname, or a surname typo. Not
    # the plain (first, postcode) and (last, postcode): at a million records they made 60% of
    # all comparisons (every Smith on a postcode) for 2% of the true pairs, most of which other
    # links in the cluster already join.
    Candidate(
        "initial_last_postcode",
        ("first_name", "last_name", "postcode"),
        block_on(FIRST_INITIAL, LAST, POSTCODE),
    ),
    Candidate(
        "first_postcode_last_initial",
        ("first_name", "last_name", "postcode"),
        "l.first_name = r.first_name and l.postcode = r.postcode "
        "and substr(l.last_name, 1, 1) = substr(r.last_name, 1, 1)",
    ),
    Candidate(
        "names_swapped",
        ("first_name", "last_name"),
        "l.first_name = r.last_name and l.last_name = r.first_name",
    ),
    # Without an email or phone, a record whose both names carry typos is only reachable
    # through where and when it was born or lives.
    Candidate("dob_postcode", ("date_of_birth", "postcode"), block_on(DOB, POSTCODE)),
    Candidate("street_postcode", ("street", "postcode"), block_on(STREET, POSTCODE)),
    Candidate("dob_city", ("date_of_birth", "city"), block_on(DOB, CITY)),
    Candidate("last_city", ("last_name", "city"), block_on(LAST, CITY)),
    Candidate("postcode_city", ("postcode", "city"), block_on(POSTCODE, CITY)),
    # One attribute alone: cheap where its values are rare (Febrl's birth dates and streets),
    # and dropped by the budget where they are common (a million customers share 36,500 dates).
    Candidate("dob", ("date_of_birth",), block_on(DOB)),
    Candidate("street", ("street",), block_on(STREET)),
)

# Rules that admit almost no false positives, used to estimate the prior match probability. The
# fallbacks are used only when none of the strong ones can be formed from the data.
DETERMINISTIC_CATALOG: tuple[Candidate, ...] = (
    Candidate(
        "email_first", ("email", "first_name"), "l.email = r.email and l.first_name = r.first_name"
    ),
    Candidate(
        "phone_first", ("phone", "first_name"), "l.phone = r.phone and l.first_name = r.first_name"
    ),
    Candidate(
        "full_name_dob",
        ("first_name", "last_name", "date_of_birth"),
        "l.full_name = r.full_name and l.date_of_birth = r.date_of_birth",
    ),
)
DETERMINISTIC_FALLBACKS: tuple[Candidate, ...] = (
    Candidate(
        "full_name_postcode",
        ("first_name", "last_name", "postcode"),
        "l.full_name = r.full_name and l.postcode = r.postcode",
    ),
    Candidate(
        "full_name_street",
        ("first_name", "last_name", "street"),
        "l.full_name = r.full_name and l.street = r.street",
    ),
    Candidate("email_only", ("email",), "l.email = r.email"),
    Candidate("phone_only", ("phone",), "l.phone = r.phone"),
    Candidate("full_name", ("first_name", "last_name"), "l.full_name = r.full_name"),
)
DETERMINISTIC_RECALL = 0.8

# Where each deterministic rule holds, as comparison levels: the product over its parts of the
# summed m probabilities is the share of true pairs (both values present) the rule finds. After
# training this replaces the assumed recall above, so the prior follows the data's own error
# rates (on Febrl, whose duplicates carry heavy typos, a full-name-and-birth-date rule finds
# less than half of the true pairs).
_FIRST_EQUAL = ("first and last exact", "first matches, last fuzzy", "first matches, last differs")
_NAME_EXACT = ("first and last exact",)
DETERMINISTIC_PARTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "email_first": (("email", ("Exact match on email",)), ("name", _FIRST_EQUAL)),
    "phone_first": (("phone", ("Exact match on phone",)), ("name", _FIRST_EQUAL)),
    "full_name_dob": (("name", _NAME_EXACT), ("date_of_birth", ("Exact match on date_of_birth",))),
    "full_name_postcode": (
        ("name", _NAME_EXACT),
        (
            "address",
            ("street and postcode exact", "street fuzzy, postcode exact", "postcode exact"),
        ),
    ),
    "full_name_street": (
        ("name", _NAME_EXACT),
        ("address", ("street and postcode exact", "street and city exact")),
    ),
    "email_only": (("email", ("Exact match on email", "same email, first names differ (shared)")),),
    "phone_only": (("phone", ("Exact match on phone", "same phone, first names differ (shared)")),),
    "full_name": (("name", _NAME_EXACT),),
}

# Each EM pass fixes the comparisons that read a column it blocks on and trains the others. The
# primary passes train every comparison at least twice on data with all attributes; the
# fallbacks are added, in order, only while some comparison is trained fewer than twice.
EM_CATALOG: tuple[Candidate, ...] = (
    Candidate("email", ("email",), block_on(EMAIL)),
    Candidate("phone", ("phone",), block_on(PHONE)),
    Candidate("first_last", ("first_name", "last_name"), block_on(FIRST, LAST)),
    Candidate("postcode_dob_year", ("postcode", "date_of_birth"), block_on(POSTCODE, DOB_YEAR)),
)
EM_FALLBACKS: tuple[Candidate, ...] = (
    Candidate("date_of_birth", ("date_of_birth",), block_on(DOB)),
    Candidate("postcode", ("postcode",), block_on(POSTCODE)),
    Candidate("last_name", ("last_name",), block_on(LAST)),
    Candidate("street", ("street",), block_on(STREET)),
    Candidate("city", ("city",), block_on(CITY)),
    Candidate("first_name", ("first_name",), block_on(FIRST)),
)

# The attributes each comparison's SQL reads, as Splink sees it when it decides which
# comparisons an EM pass must leave untrained: the email and phone comparisons also read the
# names (their "shared by another person" level).
COMPARISON_READS: dict[str, frozenset[str]] = {
    "name": frozenset({"first_name", "last_name"}),
    "email": frozenset({"email", "first_name", "last_name"}),
    "phone": frozenset({"phone", "first_name", "last_name"}),
    "date_of_birth": frozenset({"date_of_birth"}),
    "address": frozenset({"postcode", "street", "city"}),
}


def _by_name(catalog: tuple[Candidate, ...], names: Any) -> list[Any]:
    index = {c.name: c.spec for c in catalog}
    return [index[name] for name in names]


def comparisons(names: Any) -> list[Any]:
    """The comparisons of the catalog with these names, in the order given."""
    return _by_name(COMPARISON_CATALOG, names)


def blocking_rules(names: Any) -> list[Any]:
    """The prediction blocking rules of the catalog with these names."""
    return _by_name(BLOCKING_CATALOG, names)


def em_rules(names: Any) -> list[Any]:
    """The EM training rules of the catalog with these names."""
    return _by_name(EM_CATALOG + EM_FALLBACKS, names)


def deterministic_candidates(names: Any) -> list[Candidate]:
    """The deterministic rules of the catalog with these names, in catalog order."""
    return [c for c in DETERMINISTIC_CATALOG + DETERMINISTIC_FALLBACKS if c.name in names]


def settings(
    link_type: str = "link_and_dedupe",
    comparison_names: Any = None,
    blocking_rule_names: Any = None,
    prior: float = 1e-4,
) -> SettingsCreator:
    """Return an untrained Splink settings object for our model.

    Args:
        link_type: ``link_and_dedupe`` for several source tables, ``dedupe_only`` for one.
        comparison_names: Comparisons to use (default: all of the catalog).
        blocking_rule_names: Prediction blocking rules (default: all of the catalog).
        prior: The probability that two random records match, before training.

    Returns:
        Settings ready for training; intermediate columns are kept for waterfalls.
    """
    if comparison_names is None:
        comparison_names = [c.name for c in COMPARISON_CATALOG]
    if blocking_rule_names is None:
        blocking_rule_names = [c.name for c in BLOCKING_CATALOG]
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        probability_two_random_records_match=prior,
        unique_id_column_name=UID,
        comparisons=comparisons(comparison_names),
        blocking_rules_to_generate_predictions=blocking_rules(blocking_rule_names),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=[s.SOURCE_SYSTEM],
        em_convergence=0.001,
        max_iterations=20,
    )
