"""The linkage model: comparisons and blocking rules designed for multi-source customer data.

Every level is built from Splink's library of small creators so the same model runs unchanged on
DuckDB and Spark. Columns referenced here are the linkage columns made by ``prepare.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

# Linkage columns (made by prepare.py from the standardised contacts).
UID = "unique_id"
FIRST = "first_name"
LAST = "last_name"
FULL = "full_name"
FIRST_FORMS = "first_name_forms"  # the name plus its nickname canonicals, e.g. bob -> [bob, robert]
FIRST_INITIAL = "first_initial"
EMAIL = "email"
EMAIL_LOCAL = "email_local"
EMAIL_LOCAL_DISTINCT = "email_local_distinct"  # the local part unless it is only the name
PHONE = "phone"
PHONE_NATIONAL = "phone_national"
DOB = "date_of_birth"
DOB_TRANSPOSED = "dob_transposed"  # yyyy-dd-mm: catches day/month swapped on entry
DOB_YEAR = "dob_year"
POSTCODE = "postcode"
POSTCODE_DISTRICT = "postcode_district"
CITY = "city"
STREET = "street"

LINKAGE_COLUMNS: list[str] = [
    UID,
    "source_system",
    FIRST,
    LAST,
    FULL,
    FIRST_FORMS,
    FIRST_INITIAL,
    EMAIL,
    EMAIL_LOCAL,
    EMAIL_LOCAL_DISTINCT,
    PHONE,
    PHONE_NATIONAL,
    DOB,
    DOB_TRANSPOSED,
    DOB_YEAR,
    POSTCODE,
    POSTCODE_DISTRICT,
    CITY,
    STREET,
]


def _exact_with_tf(column: str) -> cll.ExactMatchLevel:
    """An exact-match level with term-frequency adjustment based on its own u probability.

    Splink otherwise searches the comparison for "the" exact-match level on the column by
    parsing and simplifying every level's SQL with sqlglot, on every EM iteration and every
    prediction: seconds of pure Python per run. The level it would find is this one.
    """
    return cll.ExactMatchLevel(column, term_frequency_adjustments=True).configure(
        disable_tf_exact_match_detection=True
    )


# Fuzzy levels use Damerau-Levenshtein distance, not Jaro-Winkler: edit distance is an exact
# integer that DuckDB and Spark compute identically, whereas their Jaro-Winkler implementations
# disagree at the margins, which would make the engines cluster differently.

# A first name that is a prefix of the other (``dom``/``dominique``, ``tim``/``timtohy``): short
# forms the nickname lists miss, and short forms whose long form carries a typo. Three letters
# at least, so ``jo`` does not match every ``joseph``, ``joanna`` and ``john`` of a household.
_PREFIX_SQL = (
    "(length({a}_l) >= 3 AND length({a}_r) > length({a}_l) "
    "AND substr({a}_r, 1, length({a}_l)) = {a}_l) OR "
    "(length({a}_r) >= 3 AND length({a}_l) > length({a}_r) "
    "AND substr({a}_l, 1, length({a}_r)) = {a}_r)"
)


def _first_prefix() -> cll.CustomLevel:
    return cll.CustomLevel(_PREFIX_SQL.format(a=FIRST), base_dialect_str="duckdb")


def _first_compatible(edits: int = 1) -> cll.Or:
    """First names that can belong to one person: close spelling, nickname or short form."""
    return cll.Or(
        cll.DamerauLevenshteinLevel(FIRST, edits),
        cll.ArrayIntersectLevel(FIRST_FORMS, 1),
        _first_prefix(),
    )


def _names_swapped_somewhere() -> cll.CustomLevel:
    return cll.CustomLevel(
        f"{FIRST}_l = {LAST}_r OR {LAST}_l = {FIRST}_r", base_dialect_str="duckdb"
    )


def _first_names_differ() -> cll.And:
    """Both first names known and clearly different people's (not a typo, nickname or swap).

    This is what a household member or a stranger sharing an inbox looks like.
    """
    return cll.And(
        cll.Not(cll.NullLevel(FIRST)),
        cll.Not(_first_compatible(edits=2)),
        cll.Not(_names_swapped_somewhere()),
    )


# The name comparison is one joint comparison rather than two: first and last names are not
# independent evidence (a household shares the surname). There is deliberately no level for
# "same surname, different first name": that is exactly what a household member looks like,
# and the address and landline a household shares would otherwise be counted as if they were
# independent evidence of one person. Such pairs fall into the "names differ" else level. (With
# that level, EM learned +4.3 bits for it from households on generated data, and nearly all
# false merges were family members.)
NAME = cl.CustomComparison(
    output_column_name="name",
    comparison_description="first and last name, jointly",
    comparison_levels=[
        cll.And(cll.NullLevel(FIRST), cll.NullLevel(LAST)),
        _exact_with_tf(FULL).configure(label_for_charts="first and last exact"),
        cll.ColumnsReversedLevel(FIRST, LAST, symmetrical=True).configure(
            label_for_charts="first and last swapped"
        ),
        cll.And(cll.ExactMatchLevel(LAST), _first_compatible()).configure(
            label_for_charts="last exact, first fuzzy, nickname or short form"
        ),
        cll.And(
            cll.DamerauLevenshteinLevel(LAST, 1),
            cll.Or(cll.ExactMatchLevel(FIRST), cll.ArrayIntersectLevel(FIRST_FORMS, 1)),
        ).configure(label_for_charts="first matches, last fuzzy"),
        # The cheap surname test first: engines skip the rest for pairs it already rejects.
        cll.And(cll.DamerauLevenshteinLevel(LAST, 2), _first_compatible(edits=2)).configure(
            label_for_charts="both fuzzy"
        ),
        cll.CustomLevel(
            f"damerau_levenshtein({FIRST}_l, {LAST}_r) <= 1 "
            f"AND damerau_levenshtein({LAST}_l, {FIRST}_r) <= 1",
            label_for_charts="swapped with a typo",
            base_dialect_str="duckdb",
        ),
        cll.And(
            cll.ExactMatchLevel(LAST),
            cll.ExactMatchLevel(FIRST_INITIAL),
            cll.CustomLevel(
                f"length({FIRST}_l) = 1 OR length({FIRST}_r) = 1", base_dialect_str="duckdb"
            ),
        ).configure(label_for_charts="last exact, first given as an initial"),
        cll.Or(cll.ExactMatchLevel(FIRST), cll.ArrayIntersectLevel(FIRST_FORMS, 1)).configure(
            label_for_charts="first matches, last differs"
        ),
        cll.ElseLevel().configure(label_for_charts="names differ"),
    ],
)

# Evidence a household shares says nothing about which member a record is. When the first
# names clearly differ, an identical inbox or landline is a family's, so its level is fixed at
# a Bayes factor of 1 (m = u) rather than trained: EM would otherwise learn from households
# that a shared inbox is a strong match signal.
_NEUTRAL = {"m_probability": 0.01, "u_probability": 0.01}


def _shared_by_another(column: str) -> cll.And:
    return cll.And(cll.ExactMatchLevel(column), _first_names_differ()).configure(
        label_for_charts=f"same {column}, first names differ (shared)",
        fix_m_probability=True,
        fix_u_probability=True,
        **_NEUTRAL,
    )


# Email is the strongest identifier we have; term-frequency adjustment also weakens an address
# that several records carry.
EMAIL_COMPARISON = cl.CustomComparison(
    output_column_name="email",
    comparison_levels=[
        cll.NullLevel(EMAIL),
        _shared_by_another(EMAIL),
        _exact_with_tf(EMAIL),
        cll.ExactMatchLevel(EMAIL_LOCAL_DISTINCT).configure(label_for_charts="same local part"),
        cll.DamerauLevenshteinLevel(EMAIL_LOCAL_DISTINCT, 1).configure(
            label_for_charts="local part one edit"
        ),
        # A local part that is only the name (jean.martin@ at two providers) repeats the name
        # comparison; namesakes share it, so it counts for nothing either way.
        cll.DamerauLevenshteinLevel(EMAIL_LOCAL, 1).configure(
            label_for_charts="name-shaped local part (neutral)",
            fix_m_probability=True,
            fix_u_probability=True,
            **_NEUTRAL,
        ),
        # Different addresses where one is only its owner's name: what one person's
        # personal and work addresses look like, so it is trained apart from a plain mismatch.
        cll.And(
            cll.NullLevel(EMAIL_LOCAL_DISTINCT).configure(is_null_level=False),
            cll.Not(cll.NullLevel(EMAIL_LOCAL)),
        ).configure(label_for_charts="different addresses, one only a name"),
        cll.ElseLevel(),
    ],
)

# A household landline is shared in the same way.
PHONE_COMPARISON = cl.CustomComparison(
    output_column_name="phone",
    comparison_levels=[
        cll.NullLevel(PHONE),
        _shared_by_another(PHONE),
        _exact_with_tf(PHONE),
        cll.ExactMatchLevel(PHONE_NATIONAL).configure(label_for_charts="same national number"),
        cll.DamerauLevenshteinLevel(PHONE_NATIONAL, 1).configure(label_for_charts="one digit off"),
        cll.ElseLevel(),
    ],
)

DOB_COMPARISON = cl.CustomComparison(
    output_column_name="date_of_birth",
    comparison_levels=[
        cll.NullLevel(DOB),
        cll.ExactMatchLevel(DOB),
        cll.ColumnsReversedLevel(DOB, DOB_TRANSPOSED).configure(
            label_for_charts="day and month transposed"
        ),
        cll.DamerauLevenshteinLevel(DOB, 1).configure(label_for_charts="one character off"),
        cll.ExactMatchLevel(DOB_YEAR).configure(label_for_charts="same year"),
        cll.ElseLevel(),
    ],
)

# Street, postcode and city are one comparison: they move together when a customer moves, so
# counting them separately would triple-count one fact (and over-merge households).
ADDRESS_COMPARISON = cl.CustomComparison(
    output_column_name="address",
    comparison_levels=[
        cll.And(cll.NullLevel(POSTCODE), cll.NullLevel(STREET), cll.NullLevel(CITY)),
        cll.And(cll.ExactMatchLevel(STREET), cll.ExactMatchLevel(POSTCODE)).configure(
            label_for_charts="street and postcode exact"
        ),
        cll.And(cll.DamerauLevenshteinLevel(STREET, 2), cll.ExactMatchLevel(POSTCODE)).configure(
            label_for_charts="street fuzzy, postcode exact"
        ),
        _exact_with_tf(POSTCODE).configure(label_for_charts="postcode exact"),
        cll.And(cll.ExactMatchLevel(STREET), cll.ExactMatchLevel(CITY)).configure(
            label_for_charts="street and city exact"
        ),
        cll.ExactMatchLevel(POSTCODE_DISTRICT).configure(label_for_charts="same district"),
        cll.ExactMatchLevel(CITY).configure(label_for_charts="same city"),
        cll.ElseLevel(),
    ],
)

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


def deterministic_rules(names: Any) -> list[Any]:
    """The deterministic rules of the catalog with these names (SQL)."""
    return _by_name(DETERMINISTIC_CATALOG + DETERMINISTIC_FALLBACKS, names)


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
        additional_columns_to_retain=["source_system"],
        em_convergence=0.001,
        max_iterations=20,
    )
