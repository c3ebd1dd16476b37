"""``identity erase`` and ``identity export-subject``: personal data rights from the command line.

Both name the person by one key (``--record``, ``--email``, ``--phone`` or ``--customer``) and
work on the published warehouse; the library does the work (``identity.rights``). Neither
prints personal data: the export goes to its file, and the console gets ids and counts.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from identity.rights.keys import SubjectKey

# Option, key kind (``identity.rights.keys.KINDS``, spelled here so that `identity --help`
# imports no library module), metavar, help.
KEY_OPTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("--record", "record", "KEY", "a source record, system:record_id as in the crosswalk "
     "(e.g. crm:0038d0001qcbuxNAAQ)"),
    ("--email", "email", "E", "an email address (compared lower-cased, as standardised)"),
    ("--phone", "phone", "P", "a phone number, with its country code or in "
     "$IDENTITY_DEFAULT_REGION (default US)"),
    ("--customer", "customer", "ID", "a customer id (cus_..., as in golden_customers)"),
)  # fmt: skip

ERASE_DESCRIPTION = (
    "Erase a person (GDPR article 17): every customer the key names, with all its source "
    "records, leaves the golden table, crosswalk, touchpoints and quarantine; identity_changes "
    "gets an 'erased' row (the id is never reused); every older Delta version and every run "
    "file that held them is removed, so time travel to before the erasure ends for all tables. "
    "The request is kept in <warehouse>/_erasure_register.json as keyed hashes (HMAC-SHA256 "
    "with $IDENTITY_ERASURE_KEY, required, at least 16 characters; every run needs the same "
    "key), and every later run drops matching records as it reads them. Quarantine retention "
    "($IDENTITY_QUARANTINE_RETENTION_DAYS, default 30) is applied too. Exits 2 on a mistake."
)
EXPORT_DESCRIPTION = (
    "Export everything the warehouse holds about a person (GDPR article 15) as one JSON file: "
    "per customer the key names, its golden row with lineage, every source record of the "
    "crosswalk, touchpoints and identity_changes rows, and the quarantined rows and match "
    "decisions naming it. Exits 2 on a mistake."
)


def add_commands(sub: argparse._SubParsersAction, warehouse_default: str) -> None:
    """Add ``erase`` and ``export-subject`` to the ``identity`` parser's subcommands."""
    erase = sub.add_parser(
        "erase", help="erase a person from the warehouse and its history",
        description=ERASE_DESCRIPTION,
    )  # fmt: skip
    export = sub.add_parser(
        "export-subject", help="export what the warehouse holds about a person, as JSON",
        description=EXPORT_DESCRIPTION,
    )  # fmt: skip
    for parser in (erase, export):
        keys = parser.add_mutually_exclusive_group(required=True)
        for option, kind, metavar, text in KEY_OPTIONS:
            keys.add_argument(
                option, dest=kind, metavar=metavar,
                help=f"{text} (default: none; give exactly one of --record, --email, --phone, "
                "--customer)",
            )  # fmt: skip
        parser.add_argument(
            "--warehouse", default=warehouse_default, metavar="DIR",
            help="the warehouse folder; a busy one is waited for $IDENTITY_LOCK_WAIT_SECONDS "
            "(default 0: refused) (default: $IDENTITY_WAREHOUSE_DIR, else ./warehouse; now "
            "%(default)s)",
        )  # fmt: skip
        parser.add_argument("--debug", action="store_true", help="show stack traces")
    export.add_argument(
        "--out", type=Path, metavar="FILE",
        help="where to write the JSON, outside the warehouse (default: "
        "./subject-<UTC time>.json)",
    )  # fmt: skip


def _key(args: argparse.Namespace) -> SubjectKey:
    from dagster_project.environment import default_region
    from identity.rights.keys import subject_key

    kind = next(kind for _, kind, _, _ in KEY_OPTIONS if getattr(args, kind) is not None)
    return subject_key(kind, getattr(args, kind), default_region())


def _existing_warehouse(text: str) -> Path:
    from identity.preflight import UserInputError

    warehouse = Path(text).resolve()
    if not warehouse.is_dir():
        raise UserInputError(
            f"warehouse {warehouse} does not exist: pass --warehouse DIR (or set "
            "IDENTITY_WAREHOUSE_DIR) to the folder `identity run` publishes to"
        )
    return warehouse


def erase_command(args: argparse.Namespace) -> int:
    """``identity erase``: register the request, carry it out, print one line."""
    from dagster_project.environment import (
        default_region,
        erasure_secret,
        lock_wait_seconds,
        retention_days,
    )
    from identity.lock import WarehouseLockError, warehouse_lock
    from identity.preflight import UserInputError
    from identity.rights.erase import check_known, erase
    from identity.rights.register import Register

    try:
        key = _key(args)
        warehouse = _existing_warehouse(args.warehouse)
        secret = erasure_secret()
        Register.open(warehouse, secret, create=True)  # the key is checked before the lock
        check_known(warehouse, key)
        days = retention_days()
        wait = lock_wait_seconds()
    except (UserInputError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        with warehouse_lock(warehouse, wait_seconds=wait):
            outcome = erase(warehouse, key, secret, default_region(), days)
    except (UserInputError, WarehouseLockError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not outcome.customers:
        print(
            f"no customer of {warehouse} matches; request {outcome.request_id} registered: "
            "every run drops matching records from now on"
        )
        return 0
    removed = ", ".join(f"{table} {rows:,}" for table, rows in outcome.tables.items())
    records = sum(outcome.customers.values())
    print(
        f"erased {len(outcome.customers)} customer(s) ({', '.join(outcome.customers)}; "
        f"{records:,} source records) from {warehouse} (rows: {removed or 'none left'}); "
        f"history before the erasure removed from every table; request {outcome.request_id}"
    )
    return 0


def export_command(args: argparse.Namespace) -> int:
    """``identity export-subject``: write the person's export, print where and how much."""
    from dagster_project.environment import default_region
    from identity import publish as pub
    from identity.preflight import UserInputError
    from identity.rights.subject import export_subject, write_export

    now = datetime.now(UTC)
    try:
        key = _key(args)
        warehouse = _existing_warehouse(args.warehouse)
        if not pub.published(warehouse)["tables"]:
            raise UserInputError(f"warehouse {warehouse} holds no published run yet")
        out = Path(args.out or f"subject-{now:%Y%m%dT%H%M%SZ}.json").resolve()
        _check_out(out, warehouse)
        document = export_subject(warehouse, key, default_region(), now)
    except (UserInputError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write_export(document, out)
    customers = document["customers"]
    records = sum(len(c["source_records"]) for c in customers)
    print(
        f"wrote {out}: {len(customers)} customer(s), {records:,} source records, "
        f"{len(document['quarantine']):,} quarantined rows"
    )
    return 0


def _check_out(out: Path, warehouse: Path) -> None:
    from identity.preflight import UserInputError

    if out.is_dir():
        raise UserInputError(f"--out {out} is a folder: name the JSON file to write")
    if out == warehouse or warehouse in out.parents:
        raise UserInputError(
            f"--out {out} is inside the warehouse: write the export elsewhere (an erasure "
            "removes what the warehouse holds, and the export is personal data)"
        )
    if not os.access(out.parent if out.parent.exists() else Path.cwd(), os.W_OK):
        raise UserInputError(f"--out {out}: cannot write to {out.parent}")
