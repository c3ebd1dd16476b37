"""The linkage model: comparisons and blocking rules designed for multi-source customer data.

Every level is built from Splink's library of small creators so the same model runs unchanged on
DuckDB and Spark. Columns referenced here are the linkage columns made by ``prepare.py``.
"""

from __future__ import annotations

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

# Fuzzy levels use Damerau-Levenshtein distance, not Jaro-Winkler: edit distance is an exact
# integer that DuckDB and Spark compute identically, whereas their Jaro-Winkler implementations
# disagree at the margins, which would make the engines cluster differently.
#
# The name comparison is one joint comparison rather than two: first and last names are not
# independent evidence (a household shares the surname), and joint levels let EM learn that
# "same surname, different first name" is evidence *against* a match.
NAME = cl.CustomComparison(
    output_column_name="name",
    comparison_description="first and last name, jointly",
    comparison_levels=[
        cll.And(cll.NullLevel(FIRST), cll.NullLevel(LAST)),
        cll.ExactMatchLevel(FULL, term_frequency_adjustments=True).configure(
            label_for_charts="first and last exact"
        ),
        cll.ColumnsReversedLevel(FIRST, LAST, symmetrical=True).configure(
            label_for_charts="first and last swapped"
        ),
        cll.And(
            cll.ExactMatchLevel(LAST),
            cll.Or(cll.DamerauLevenshteinLevel(FIRST, 1), cll.ArrayIntersectLevel(FIRST_FORMS, 1)),
        ).configure(label_for_charts="last exact, first fuzzy or nickname"),
        cll.And(
            cll.DamerauLevenshteinLevel(LAST, 1),
            cll.Or(cll.ExactMatchLevel(FIRST), cll.ArrayIntersectLevel(FIRST_FORMS, 1)),
        ).configure(label_for_charts="first matches, last fuzzy"),
        cll.And(
            cll.DamerauLevenshteinLevel(FIRST, 1), cll.DamerauLevenshteinLevel(LAST, 1)
        ).configure(label_for_charts="both fuzzy"),
        cll.And(cll.ExactMatchLevel(LAST), cll.ExactMatchLevel(FIRST_INITIAL)).configure(
            label_for_charts="last exact, same initial"
        ),
        cll.ExactMatchLevel(LAST).configure(label_for_charts="last exact, first differs"),
        cll.Or(cll.ExactMatchLevel(FIRST), cll.ArrayIntersectLevel(FIRST_FORMS, 1)).configure(
            label_for_charts="first matches, last differs"
        ),
        cll.ElseLevel(),
    ],
)

# Email is the strongest identifier we have, but shared family inboxes exist: term-frequency
# adjustment weakens an address that several records carry.
EMAIL_COMPARISON = cl.CustomComparison(
    output_column_name="email",
    comparison_levels=[
        cll.NullLevel(EMAIL),
        cll.ExactMatchLevel(EMAIL, term_frequency_adjustments=True),
        cll.ExactMatchLevel(EMAIL_LOCAL).configure(label_for_charts="same local part"),
        cll.DamerauLevenshteinLevel(EMAIL_LOCAL, 1).configure(
            label_for_charts="local part one edit"
        ),
        cll.ElseLevel(),
    ],
)

# A household landline is shared; term frequencies weaken it the same way.
PHONE_COMPARISON = cl.CustomComparison(
    output_column_name="phone",
    comparison_levels=[
        cll.NullLevel(PHONE),
        cll.ExactMatchLevel(PHONE, term_frequency_adjustments=True),
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
        cll.ExactMatchLevel(POSTCODE, term_frequency_adjustments=True).configure(
            label_for_charts="postcode exact"
        ),
        cll.And(cll.ExactMatchLevel(STREET), cll.ExactMatchLevel(CITY)).configure(
            label_for_charts="street and city exact"
        ),
        cll.ExactMatchLevel(POSTCODE_DISTRICT).configure(label_for_charts="same district"),
        cll.ExactMatchLevel(CITY).configure(label_for_charts="same city"),
        cll.ElseLevel(),
    ],
)

COMPARISONS = [NAME, EMAIL_COMPARISON, PHONE_COMPARISON, DOB_COMPARISON, ADDRESS_COMPARISON]

# Chosen with Splink's blocking analysis on generated data (see diagnostics): each rule catches
# true pairs the others miss, and none creates more than a few comparisons per record.
BLOCKING_RULES = [
    block_on(EMAIL),
    block_on(PHONE),
    block_on(FIRST, LAST),
    block_on(LAST, DOB),
    block_on(FIRST, DOB),
    block_on(EMAIL_LOCAL),
    block_on(PHONE_NATIONAL),
    block_on(FIRST, POSTCODE),
    block_on(LAST, POSTCODE),
    "l.first_name = r.last_name and l.last_name = r.first_name",
]

# Rules that admit almost no false positives, used to estimate the prior match probability.
DETERMINISTIC_RULES = [
    "l.email = r.email and l.first_name = r.first_name",
    "l.phone = r.phone and l.last_name = r.last_name",
    "l.full_name = r.full_name and l.date_of_birth = r.date_of_birth",
]
DETERMINISTIC_RECALL = 0.8

# Each EM pass fixes the columns it blocks on; together they train every comparison twice.
EM_BLOCKING_RULES = [
    block_on(EMAIL),
    block_on(PHONE),
    block_on(FIRST, LAST),
    block_on(POSTCODE, DOB_YEAR),
]


def settings(link_type: str = "link_and_dedupe") -> SettingsCreator:
    """Return an untrained Splink settings object for our model.

    Args:
        link_type: ``link_and_dedupe`` for several source tables.

    Returns:
        Settings ready for training; intermediate columns are kept for waterfalls.
    """
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        unique_id_column_name=UID,
        comparisons=COMPARISONS,
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["source_system"],
        em_convergence=0.001,
        max_iterations=20,
    )


def comparison_names() -> list[str]:
    """Names of the comparisons, in model order (the ``gamma_``/``bf_`` column suffixes)."""
    names: list[Any] = ["name", "email", "phone", "date_of_birth", "address"]
    return [str(n) for n in names]
