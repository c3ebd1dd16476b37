"""The comparisons of our model, designed for multi-source customer data, and their columns.

Every level is built from Splink's library of small creators so the same model runs unchanged on
DuckDB and Spark. Columns referenced here are the linkage columns made by ``prepare.py``; the
catalog that picks among these comparisons for a batch is ``model.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import splink.comparison_level_library as cll
import splink.comparison_library as cl

from identity import schema as s

if TYPE_CHECKING:
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

# Linkage columns (made by prepare.py from the standardised contacts). They are Splink's
# input, and Splink names its comparisons after them, so they are spelled here; the unique id
# and the source system keep the names ``identity.schema`` gives them.
UID = s.UNIQUE_ID
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
    s.SOURCE_SYSTEM,
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


def _exact_with_tf(column: str) -> ComparisonLevelCreator:
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
_NEUTRAL_PROBABILITY = 0.01


def _neutral(level: ComparisonLevelCreator, label: str) -> ComparisonLevelCreator:
    """``level`` with its m and u fixed at the same probability: a Bayes factor of 1."""
    return level.configure(
        label_for_charts=label,
        fix_m_probability=True,
        fix_u_probability=True,
        m_probability=_NEUTRAL_PROBABILITY,
        u_probability=_NEUTRAL_PROBABILITY,
    )


def _shared_by_another(column: str) -> ComparisonLevelCreator:
    return _neutral(
        cll.And(cll.ExactMatchLevel(column), _first_names_differ()),
        f"same {column}, first names differ (shared)",
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
        _neutral(cll.DamerauLevenshteinLevel(EMAIL_LOCAL, 1), "name-shaped local part (neutral)"),
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
