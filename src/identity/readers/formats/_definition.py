"""What a vendor export format definition holds (see ``identity.readers.formats``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from identity import schema as s

CUSTOMERS = "customers"
ORDERS = "orders"
ITEM_SALES = "item sales"
LEADS = "leads"

# Spreadsheet tools and Shopify keep numbers as text with a leading apostrophe ('02118).
APOSTROPHE = "'"


# Compared by identity: each format is defined once.
@dataclass(frozen=True, eq=False)
class ExportFormat:
    """One export as the vendor's tool writes it.

    Attributes:
        name: Human name, e.g. ``"Shopify customers export"``.
        system: The source system whose landing folder holds it (``schema.SOURCE_SYSTEMS``).
        kind: ``CUSTOMERS``, ``ORDERS``, ``ITEM_SALES`` or ``LEADS``.
        header: Column names in the vendor's order, without custom columns.
        id_column: The column holding the vendor's id of the record (or order).
        fields: Schema column -> the native columns holding it, in the order the reader uses
            them (the first is the main one; later ones are fallbacks or a street's second line).
        optional: Further columns an export of this format may have that ``fields`` names
            (Meta's standard questions: each form asks some of them).
        custom_before: Where custom columns go (Meta's form questions before ``lead_status``);
            None: after the header.
        renamed: Column -> the name some exports use instead (Square's ``Surname``).
        prefixes: Column -> the text the export puts before every non-empty value (Shopify's
            apostrophe, Meta's ``l:``, ``p:``...); removing it is the reader's job.
        file_pattern: The vendor's file name, as a lower-case glob, when it has a fixed one.
        encoding: ``utf-8`` or ``utf-16-le``.
        bom: The file starts with a byte-order mark.
        delimiter: Field separator.
        quote_all: Every field is quoted (Salesforce), not only those that need it.
        lineterminator: Record separator.
    """

    name: str
    system: str
    kind: str
    header: tuple[str, ...]
    id_column: str
    fields: Mapping[str, tuple[str, ...]]
    optional: tuple[str, ...] = ()
    custom_before: str | None = None
    renamed: Mapping[str, str] = field(default_factory=dict)
    prefixes: Mapping[str, str] = field(default_factory=dict)
    file_pattern: str | None = None
    encoding: str = "utf-8"
    bom: bool = False
    delimiter: str = ","
    quote_all: bool = False
    lineterminator: str = "\n"

    def __post_init__(self) -> None:
        # A definition naming a column its header lacks would have the reader look for a
        # column no writer writes: refuse it when the module is imported.
        known = {*self.header, *self.optional}
        named = {self.id_column, *self.renamed, *self.prefixes}
        named.update(column for columns in self.fields.values() for column in columns)
        if named - known:
            raise ValueError(f"{self.name}: {sorted(named - known)} not in its header")
        schema = s.TRANSACTION_COLUMNS if self.kind in (ORDERS, ITEM_SALES) else s.RAW_COLUMNS
        if set(self.fields) - set(schema):
            raise ValueError(f"{self.name}: {sorted(set(self.fields) - set(schema))} not schema")
        if self.custom_before is not None and self.custom_before not in self.header:
            raise ValueError(f"{self.name}: custom_before {self.custom_before!r} not in header")
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))
        object.__setattr__(self, "renamed", MappingProxyType(dict(self.renamed)))
        object.__setattr__(self, "prefixes", MappingProxyType(dict(self.prefixes)))

    def header_with(self, custom: Sequence[str] = (), *, renamed: bool = False) -> list[str]:
        """Return the header with custom columns where the vendor puts them.

        Args:
            custom: Custom columns (Salesforce ``*__c`` fields, Square custom fields, Meta form
                questions), in their order.
            renamed: Use the names some exports use instead (``renamed``).

        Returns:
            The column names as the file's first line lists them.
        """
        before, after = self.around_custom()
        header = [*before, *custom, *after]
        return [self.renamed.get(c, c) for c in header] if renamed else header

    def around_custom(self) -> tuple[list[str], list[str]]:
        """Return the header's columns before and after the place of custom columns."""
        header = list(self.header)
        at = len(header) if self.custom_before is None else header.index(self.custom_before)
        return header[:at], header[at:]

    def columns_of(self, schema_column: str) -> tuple[str, ...]:
        """Return the native columns of a schema column, then the names exports use instead.

        Args:
            schema_column: A key of ``fields``.

        Returns:
            The columns, for ``Columns.values`` (a missing one is skipped).
        """
        columns = self.fields[schema_column]
        return (*columns, *(self.renamed[c] for c in columns if c in self.renamed))

    def prefix(self, column: str) -> str:
        """Return the text the export puts before the column's values ("" for none)."""
        return self.prefixes.get(column, "")

    def written(self, column: str, value: str) -> str:
        """Return a value as the export writes it in ``column``: prefixed, unless empty."""
        return f"{self.prefix(column)}{value}" if value else ""

    def with_prefixes(self, values: Mapping[str, str]) -> dict[str, str]:
        """Return a row's values by column as the export writes them (see ``written``)."""
        return {c: self.written(c, v) if c in self.prefixes else v for c, v in values.items()}
