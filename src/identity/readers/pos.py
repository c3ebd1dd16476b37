"""Square customer directory exports.

Square has no country column (None) and some regions write ``Surname`` for ``Last Name``.
Money (``$1,234.56``) and visit dates (``MM-DD-YYYY``) stay as exported text.
"""

from __future__ import annotations

from identity.readers._assemble import Mapped, SourceSpec
from identity.readers._columns import Columns, Values, clean_ids, join_street, unapostrophe
from identity.readers.formats import SQUARE_CUSTOMERS, SQUARE_ITEM_SALES
from identity.schema import (
    CITY,
    CREATED_AT,
    DATE_OF_BIRTH,
    EMAIL,
    EMAIL_CONSENT,
    FIRST_NAME,
    LAST_NAME,
    ORDER_COUNT,
    PHONE,
    POSTAL_CODE,
    STATE,
    STREET,
    TOTAL_SPENT,
    UPDATED_AT,
)

# Customer directory columns (and the names some regions use), then the item sales export's
# (for messages only).
COLUMNS: tuple[str, ...] = (*SQUARE_CUSTOMERS.header, *SQUARE_CUSTOMERS.renamed.values())
ITEMS_COLUMNS: tuple[str, ...] = SQUARE_ITEM_SALES.header


def map_directory(columns: Columns) -> Mapped:
    """Map Square customer directory columns onto the raw schema.

    Args:
        columns: A customer directory export's columns.

    Returns:
        Ids from ``Square Customer ID`` (``Reference ID`` is the merchant's own, often empty).
    """

    def named(attribute: str) -> Values:
        # Every column of the attribute, under the names some regions' exports use too.
        return columns.values(*SQUARE_CUSTOMERS.columns_of(attribute))

    line1, line2 = SQUARE_CUSTOMERS.fields[STREET]
    return Mapped(
        ids=clean_ids(columns.values(SQUARE_CUSTOMERS.id_column)),
        attributes={
            FIRST_NAME: named(FIRST_NAME),
            LAST_NAME: named(LAST_NAME),
            EMAIL: named(EMAIL),
            PHONE: unapostrophe(named(PHONE)),
            STREET: join_street(columns.values(line1), columns.values(line2)),
            CITY: named(CITY),
            STATE: named(STATE),
            POSTAL_CODE: unapostrophe(named(POSTAL_CODE)),
            DATE_OF_BIRTH: named(DATE_OF_BIRTH),
            EMAIL_CONSENT: named(EMAIL_CONSENT),
            TOTAL_SPENT: unapostrophe(named(TOTAL_SPENT)),
            ORDER_COUNT: unapostrophe(named(ORDER_COUNT)),
            CREATED_AT: named(CREATED_AT),
            UPDATED_AT: named(UPDATED_AT),
        },
    )


SPEC = SourceSpec(
    system="pos",
    export_name=SQUARE_CUSTOMERS.name,
    id_column=SQUARE_CUSTOMERS.id_column,
    mapper=map_directory,
    columns=COLUMNS,
)
