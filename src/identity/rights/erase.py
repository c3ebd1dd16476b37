"""``identity erase``: take a person out of the warehouse, its history and its run files.

An erasure is first registered (``register``: keyed hashes only), so that from then on every
run drops the person's rows as it reads them, then carried out (``apply``):

1. tables killed runs left ahead of the manifest are rolled back (``identity.publish.recover``);
2. the customers the register names are found (``tables.find``), and their ids, source
   records, golden emails and phones are registered too, so that none of their records comes
   back in a later run and no row naming them stays (a household sharing that inbox or line
   loses those rows as well: the register cannot tell them apart);
3. every table is rewritten without them, ``identity_changes`` gets an ``erased`` row per
   customer, and the manifest names the new versions (``tables.rewrite``);
4. every table's history before those versions is removed (``tables.cut_history``): time
   travel to a version from before the erasure is no longer possible, for anybody;
5. run files and reports are scrubbed (``files.scrub``), and quarantine retention applied;
6. the request is marked carried out.

Every step can be repeated: an erasure that was interrupted stays pending in the register and
is carried out again by the next ``identity erase`` or by the next run after it publishes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from identity import publish as pub
from identity import schema as s
from identity.rights import files, retention, tables
from identity.rights.keys import CUSTOMER, EMAIL, PHONE, RECORD, RightsInputError, SubjectKey
from identity.rights.register import Register

logger = logging.getLogger(__name__)


@dataclass
class ErasureOutcome:
    """What an erasure did (ids and counts only).

    Attributes:
        request_id: The request registered (None when a run carried out pending ones).
        customers: Erased customer id -> its source records.
        tables: Table -> rows removed (added, for ``identity_changes``).
        history_files: Log entries and data files of older versions deleted.
        files: What ``files.scrub`` changed.
    """

    request_id: str | None = None
    customers: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    history_files: int = 0
    files: dict[str, int] = field(default_factory=dict)


def erase(
    warehouse: Path,
    key: SubjectKey,
    secret: str,
    region: str = "US",
    retention_days: int = retention.DEFAULT_RETENTION_DAYS,
    now: datetime | None = None,
) -> ErasureOutcome:
    """Register an erasure request and carry it out (the caller holds the warehouse lock).

    Args:
        warehouse: The warehouse folder.
        key: Who to erase.
        secret: ``IDENTITY_ERASURE_KEY``.
        region: Phone region for numbers in quarantined rows written without a country code.
        retention_days: Quarantine retention, applied as well.
        now: The request's time (defaults to now).

    Returns:
        What was erased.

    Raises:
        identity.rights.register.ErasureKeyError: The secret is missing or wrong.
        identity.rights.keys.RightsInputError: ``--customer`` names an id never issued here.
    """
    now = now or datetime.now(UTC)
    register = Register.open(warehouse, secret, create=True)
    assert register is not None  # create=True always opens one
    check_known(warehouse, key)
    request_id = register.request(key, now)
    register.save()  # before anything else: from now on no run lets the person back in
    outcome = apply(warehouse, register, region, retention_days, now)
    outcome.request_id = request_id
    return outcome


def apply(
    warehouse: Path,
    register: Register,
    region: str,
    retention_days: int,
    now: datetime,
    records: set[str] | None = None,
) -> ErasureOutcome:
    """Make the warehouse hold nothing the register names (idempotent).

    Args:
        warehouse: The warehouse folder (locked by the caller).
        register: The erasure register, opened with its secret.
        region: Phone region for numbers in quarantined rows.
        retention_days: Quarantine retention, applied as well.
        now: The erasure's time.
        records: Record keys a run dropped that the last publication still held (a record
            named by its email that belonged to a customer nothing else named): registered
            too, and their older versions removed with the rest.

    Returns:
        What was erased.
    """
    pub.recover(warehouse)
    if records:
        register.add(RECORD, sorted(records))
    erased = _close(warehouse, register)
    register.save()
    label = (register.pending or [f"erasure-{now:%Y%m%dT%H%M%SZ}"])[-1]
    outcome = ErasureOutcome(customers=erased.customers)
    outcome.tables = tables.rewrite(warehouse, register, erased, region, label, now)
    outcome.history_files = tables.cut_history(warehouse)
    outcome.files = files.scrub(warehouse, register, region)
    retention.expire(warehouse, retention_days, now)
    register.mark_applied(now)
    register.save()
    logger.info(
        "erasure %s: %d customers, tables %s, %d history files removed",
        label,
        len(erased.customers),
        outcome.tables,
        outcome.history_files,
    )
    return outcome


def _close(warehouse: Path, register: Register) -> tables.Erased:
    """Find the named customers and register their ids, records, golden emails and phones.

    Registering a customer's email and phone erases the rows that name them elsewhere too (a
    quarantined row, a record a later export brings); should that name one more customer (the
    same person, linked apart), it is found in the next round, until nothing new turns up.
    """
    while True:
        erased = tables.find(warehouse, register)
        added = register.add(CUSTOMER, erased.customers)
        added += register.add(RECORD, sorted(erased.records))
        added += register.add(EMAIL, sorted(erased.emails))
        added += register.add(PHONE, sorted(erased.phones))
        if not added:
            return erased


def held_by_publication(warehouse: Path, record_keys: set[str]) -> set[str]:
    """Which of ``record_keys`` the last publication holds (live or retired)."""
    if not record_keys:
        return set()
    known = pub.previous_crosswalk(warehouse)
    return set(record_keys) & set(known[s.RECORD_KEY].astype(str)) if len(known) else set()


def check_known(warehouse: Path, key: SubjectKey) -> None:
    """Refuse a ``--customer`` id that no run of ``warehouse`` ever issued.

    Raises:
        RightsInputError: The id is unknown there (a typo, or the wrong warehouse).
    """
    if key.kind != CUSTOMER or key.value in pub.issued_ids(warehouse):
        return
    known = pub.previous_crosswalk(warehouse)
    if key.value not in set(known[s.CUSTOMER_ID]):
        raise RightsInputError(
            f"no customer {key.value} in {warehouse}: no run there ever issued that id "
            "(check customer_id in golden_customers, or the --warehouse)"
        )
