"""Great Expectations verdicts as Dagster asset checks; blocking where bad data must stop the run.

The suites run inside the steps that make the data (``identity.run``), so the verdicts travel
with it to the report; each check here only reads the summary of its asset and reports.
"""

import dagster as dg

from dagster_project.assets.golden import golden_records
from dagster_project.assets.sources import SOURCE_ASSETS
from dagster_project.assets.standardise import standardised_contacts
from identity import schema as s
from identity.quality.outcomes import SuiteResult
from identity.results import ContactsSummary, GoldenSummary, SourceSummary


def _result(outcome: SuiteResult, rows: int) -> dg.AssetCheckResult:
    failed = [o for o in outcome.outcomes if not o.success]
    blocking = outcome.blocking_failures
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        description=(
            outcome.summary()
            if failed
            else f"{outcome.suite}: all expectations met on {outcome.subject}"
        ),
        metadata={
            "expectations": len(outcome.outcomes),
            "failed": len(failed),
            "blocking_failed": len(blocking),
            "rows": rows,
            # One list item per failed expectation: the UI runs plain description lines together.
            "failures": dg.MetadataValue.md(
                "\n".join(f"- {line}" for line in outcome.summary().splitlines())
                if failed
                else "none"
            ),
        },
    )


def _source_check(asset: dg.AssetsDefinition, subject: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=asset, name=f"{subject}_raw_suite", blocking=True)
    def _check(summary: SourceSummary) -> dg.AssetCheckResult:
        """The raw export suite: required columns, unique ids, validity rates, no placeholders."""
        return _result(summary.quality, summary.records)

    return _check


SOURCE_CHECKS = [
    _source_check(asset, system)
    for asset, system in zip(SOURCE_ASSETS, s.SOURCE_SYSTEMS, strict=True)
]


def _volume_check(system: str) -> dg.AssetChecksDefinition:
    # Declared blocking like every check here, yet it only ever warns (a WARN result never
    # blocks): a short delivery is reported, and must not stop the night.
    @dg.asset_check(asset=standardised_contacts, name=f"{system}_volume", blocking=True)
    def _check(standardised_contacts: ContactsSummary) -> dg.AssetCheckResult:
        """Warns when this source is empty or shrank past IDENTITY_SHRINK_WARN_SHARE."""
        verdict = standardised_contacts.volume[system]
        outcome = verdict.result.outcomes[0]
        return dg.AssetCheckResult(
            passed=verdict.ok,
            severity=dg.AssetCheckSeverity.WARN,
            description=verdict.description,
            metadata={
                "rows_read": standardised_contacts.sources[system]["rows_read"],
                "previous_rows_read": outcome.kwargs["previous_rows"],
                "previous_run": outcome.kwargs["previous_run"] or "",
                "shrink_warn_share": outcome.kwargs["share"],
            },
        )

    return _check


VOLUME_CHECKS = [_volume_check(system) for system in s.SOURCE_SYSTEMS]


@dg.asset_check(asset=standardised_contacts, blocking=True)
def contacts_suite(standardised_contacts: ContactsSummary) -> dg.AssetCheckResult:
    """The standardised contact suite: unique keys, valid values, no placeholders."""
    return _result(standardised_contacts.quality, standardised_contacts.contacts)


@dg.asset_check(asset=standardised_contacts, blocking=True)
def rows_balance(standardised_contacts: ContactsSummary) -> dg.AssetCheckResult:
    """For every file: rows read = rows linked + rows quarantined + rows erased."""
    sources = standardised_contacts.sources.values()
    bad = standardised_contacts.unbalanced_files
    return dg.AssetCheckResult(
        passed=not bad,
        severity=dg.AssetCheckSeverity.ERROR,
        description=f"unbalanced files: {', '.join(bad)}" if bad else "every row accounted for",
        metadata={
            "files": sum(len(v["files"]) for v in sources),
            "rows_read": sum(int(v["rows_read"]) for v in sources),
            "rows_linked": sum(int(v["rows_linked"]) for v in sources),
            "rows_quarantined": sum(int(v["rows_quarantined"]) for v in sources),
            "rows_erased": sum(int(v.get("rows_erased", 0)) for v in sources),
        },
    )


@dg.asset_check(asset=golden_records, blocking=True)
def golden_suite(golden_records: GoldenSummary) -> dg.AssetCheckResult:
    """The golden table suite: unique customer ids, valid values, every row traceable."""
    return _result(golden_records.quality, golden_records.customers)


@dg.asset_check(asset=golden_records, blocking=True)
def golden_traceable(golden_records: GoldenSummary) -> dg.AssetCheckResult:
    """Every golden customer has source records in the crosswalk, and every crosswalk id exists."""
    outcome = golden_records.traceable
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.why if outcome.success else f"{outcome.unexpected_count} untraceable",
        metadata={"unexpected": outcome.unexpected_count},
    )


ALL_CHECKS = [
    *SOURCE_CHECKS,
    *VOLUME_CHECKS,
    contacts_suite,
    rows_balance,
    golden_suite,
    golden_traceable,
]
