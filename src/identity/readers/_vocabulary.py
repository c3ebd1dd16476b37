"""Every column name a vendor export is known to have: what an error message may show.

A file that lost its header row has a customer's name and email where the header should be, so
messages name only header cells found here (see ``describe_header``), whichever source's folder
the file was dropped in.
"""

from __future__ import annotations

from identity.readers import crm, ecommerce, pos, social
from identity.readers._columns import header_key

KNOWN_COLUMNS: frozenset[str] = frozenset(
    header_key(name)
    for names in (
        crm.COLUMNS,
        ecommerce.COLUMNS,
        ecommerce.ORDERS_COLUMNS,
        pos.COLUMNS,
        pos.ITEMS_COLUMNS,
        social.COLUMNS,
    )
    for name in names
)
