"""What each step of a run hands to the next: typed values, and their summaries.

A value that carries records (``SourceRead``, ``Contacts``, ``Customers``, ``Golden``) has a
``summary()``: counts, quality verdicts and diagnostics, no personal data. The asset checks and
the report read summaries only, and ``identity.step_store`` keeps each summary beside its value.
``identity.run`` makes these values, one step at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from identity import schema as s
from identity.golden import GoldenResult
from identity.golden.volume import VolumeCheck
from identity.linkage import LinkageResult
from identity.quality.outcomes import ExpectationOutcome, SuiteResult
from identity.readers import SourceBatch
from identity.standardise.batches import Standardised, quarantine_by_reason, source_summary

Outcome = Literal["published", "blocked", "failed"]


@dataclass
class SourceSummary:
    """What one source folder yielded, without its records.

    Attributes:
        source_system: The source.
        files: Per file read: ``file``, ``rows_read``, ``rows_quarantined``.
        records: Rows the reader passed on.
        skipped: Clutter not read: ``file``, ``reason``.
        unreadable: Files quarantined whole: ``file``, ``line``, ``column``, ``message``.
        quality: The raw export suite's verdict.
    """

    source_system: str
    files: list[dict[str, Any]]
    records: int
    skipped: list[dict[str, Any]]
    unreadable: list[dict[str, Any]]
    quality: SuiteResult

    @property
    def rows_read(self) -> int:
        """Rows read from every file of the source."""
        return sum(int(f["rows_read"]) for f in self.files)


@dataclass
class SourceRead:
    """A source asset's value: what its folder yielded and the raw suite's verdict on it."""

    batch: SourceBatch
    quality: SuiteResult

    def summary(self) -> SourceSummary:
        """Counts, files and the verdict, no records."""
        batch = self.batch
        return SourceSummary(
            source_system=batch.source_system,
            files=_records(batch.files),
            records=len(batch.records),
            skipped=_records(batch.skipped),
            unreadable=_records(batch.unreadable),
            quality=self.quality,
        )


@dataclass
class TransactionsSummary:
    """The orders and store sales read, counted per source, and those dropped as erased."""

    rows: int
    by_source: dict[str, int]
    erased: int = 0


@dataclass
class Transactions:
    """Shopify orders and Square item sales, one row per order or store transaction.

    Attributes:
        frame: The transactions kept.
        erased: Transactions dropped because they name an erased person.
    """

    frame: pd.DataFrame
    erased: int = 0

    def summary(self) -> TransactionsSummary:
        """Rows per source."""
        counts = self.frame.groupby(s.SOURCE_SYSTEM).size() if len(self.frame) else {}
        return TransactionsSummary(
            rows=len(self.frame),
            by_source={str(k): int(v) for k, v in dict(counts).items()},
            erased=self.erased,
        )


@dataclass
class ContactsSummary:
    """The balance and verdicts of standardisation, without records.

    Attributes:
        sources: Per source: its files and rows read, linked, quarantined and erased.
        quarantine_by_reason: Source -> reason category -> rows.
        nulled_cells: Attribute -> reason -> cells nulled (placeholders, damaged text).
        unbalanced_files: Files whose rows do not add up (``source/file``); empty when fine.
        quality: The contacts suite's verdict.
        volume: One verdict per source on its volume against the last published run.
    """

    sources: dict[str, dict[str, Any]]
    quarantine_by_reason: dict[str, dict[str, int]]
    nulled_cells: dict[str, dict[str, int]]
    unbalanced_files: list[str]
    quality: SuiteResult
    volume: dict[str, VolumeCheck]

    @property
    def contacts(self) -> int:
        """Usable contacts: rows linked over every source."""
        return sum(int(v["rows_linked"]) for v in self.sources.values())


@dataclass
class Contacts:
    """The standardised contacts asset's value.

    Attributes:
        standardised: Contacts, quarantine and per-file counts.
        quality: The contacts suite's verdict.
        volume: Per source, whether it kept its volume since the last published run.
    """

    standardised: Standardised
    quality: SuiteResult
    volume: dict[str, VolumeCheck] = field(default_factory=dict)

    def summary(self) -> ContactsSummary:
        """Balance, quarantine reasons, nulled cells and verdicts."""
        standardised = self.standardised
        return ContactsSummary(
            sources=source_summary(standardised.files),
            quarantine_by_reason=quarantine_by_reason(standardised.quarantine),
            nulled_cells=standardised.nulled_summary(),
            unbalanced_files=standardised.unbalanced_files(),
            quality=self.quality,
            volume=self.volume,
        )


@dataclass
class LinkageSummary:
    """What linkage found and how, without records.

    Attributes:
        records: Records placed in a customer.
        customers: Customers found.
        largest_cluster: Records in the largest customer.
        oversized_split: Customers over the size limit that were split.
        diagnostics: Model parameters, histograms, cluster sizes, blocking counts, waterfalls
            (record keys and weights, no values), the data profile and the model design.
        model_path: Where the trained model was saved.
    """

    records: int
    customers: int
    largest_cluster: int
    oversized_split: int
    diagnostics: dict[str, Any]
    model_path: Path


@dataclass
class Customers:
    """The customer clusters asset's value: the partition and the model that made it."""

    linkage: LinkageResult
    model_path: Path

    def summary(self) -> LinkageSummary:
        """Counts and diagnostics."""
        linkage = self.linkage
        return LinkageSummary(
            records=linkage.records,
            customers=linkage.customers,
            largest_cluster=linkage.largest_cluster,
            oversized_split=len(linkage.oversized),
            diagnostics=linkage.diagnostics,
            model_path=self.model_path,
        )


@dataclass
class GoldenSummary:
    """The golden stage's counts and verdicts.

    Attributes:
        customers: Golden rows.
        crosswalk_rows: Source records mapped to a customer.
        touchpoints: Dated interactions.
        kept_ids: Customers that kept their id from the last run.
        changes: ``change_type`` -> customers (new, merged, split, retired, revived).
        quality: The golden table suite's verdict.
        traceable: Whether every golden row has records and every record a golden row.
        accuracy: Pairwise precision, recall and F1 against ``truth.csv``, when given.
        figures: Channel overlap, source-pair match rates, attribute completeness and
            transactions matched (``identity.golden.figures``).
    """

    customers: int
    crosswalk_rows: int
    touchpoints: int
    kept_ids: int
    changes: dict[str, int]
    quality: SuiteResult
    traceable: ExpectationOutcome
    accuracy: dict[str, Any] | None = None
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class Golden:
    """The golden records asset's value: the tables to publish and their verdicts."""

    result: GoldenResult
    quality: SuiteResult
    traceable: ExpectationOutcome
    accuracy: dict[str, Any] | None = None
    figures: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> GoldenSummary:
        """Counts, id changes and verdicts."""
        result = self.result
        changes = result.changes[s.CHANGE_TYPE].value_counts()
        return GoldenSummary(
            customers=result.customers,
            crosswalk_rows=len(result.crosswalk),
            touchpoints=len(result.touchpoints),
            kept_ids=result.kept_ids,
            changes={str(k): int(v) for k, v in sorted(changes.items())},
            quality=self.quality,
            traceable=self.traceable,
            accuracy=self.accuracy,
            figures=self.figures,
        )


@dataclass
class Publication:
    """What a run published: the Delta version of every table and where analysts look.

    Attributes:
        versions: Table name -> Delta version, as the manifest records them.
        manifest: ``<warehouse>/_published.json``.
        quarantine_csv: This run's quarantined rows for a spreadsheet.
    """

    versions: dict[str, int]
    manifest: Path
    quarantine_csv: Path


@dataclass
class RunResults:
    """What a run's steps produced, as the report shows it; a step that never ran is None."""

    sources: list[SourceSummary] = field(default_factory=list)
    transactions: TransactionsSummary | None = None
    contacts: ContactsSummary | None = None
    customers: LinkageSummary | None = None
    golden: GoldenSummary | None = None
    publication: Publication | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def quality(self) -> list[SuiteResult]:
        """Every suite result of the run, in the order the run checked them."""
        results = [source.quality for source in self.sources]
        if self.contacts is not None:
            results += [self.contacts.quality, *(v.result for v in self.contacts.volume.values())]
        if self.golden is not None:
            results.append(self.golden.quality)
        return results

    @property
    def outcome(self) -> Outcome:
        """``published``, ``blocked`` (a blocking check failed) or ``failed``."""
        if self.publication is not None:
            return "published"
        blocked = any(result.blocking_failures for result in self.quality)
        blocked = blocked or bool(self.contacts and self.contacts.unbalanced_files)
        blocked = blocked or bool(self.golden and not self.golden.traceable.success)
        return "blocked" if blocked else "failed"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A small frame (files, skipped, unreadable) as JSON-ready rows."""
    return [
        {str(k): (None if pd.isna(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]
