"""Speed of the golden stage alone, on synthetic standardised contacts and clusters.

``python -m identity_bench.golden [--contacts 1000000]`` builds that many standardised contacts
(about two per customer, every source, realistic gaps) with their clusters and one order or store
sale per record, then times ``identity.golden.build_golden`` (survivorship with lineage, ids
against a previous run holding 90% of the records, rollups, touchpoints) and prints the figures.
Generating and standardising real exports at this size would take far longer than the stage
itself, which is what this measures.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from identity import schema as s
from identity.golden import PreviousRun, build_golden


def _letters(number: int) -> str:
    """A pronounceable-enough name for a number: names hold letters only."""
    text = ""
    for _ in range(4):
        number, digit = divmod(number, 26)
        text += "aeioubcdfghjklmnpqrstvwxyz"[digit]
    return text.capitalize()


FIRST = np.array([_letters(i) for i in range(400)], dtype=object)
LAST = np.array([_letters(i * 7 + 3) + "son" for i in range(2000)], dtype=object)
CITIES = np.array(["Springfield", "Shelbyville", "Paris", "London", "Lyon", "Leeds"], dtype=object)
COUNTRIES = np.array(["US", "US", "FR", "GB", "FR", "GB"], dtype=object)
START = pd.Timestamp("2018-01-01", tz="UTC")


def _gaps(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    out = values.astype(object)
    out[rng.random(len(out)) < share] = None
    return out


def _masked(
    missing: np.ndarray, values: np.ndarray, dtype: str
) -> pd.api.extensions.ExtensionArray:
    """``values`` as a nullable ``dtype`` array, missing where ``missing`` is true."""
    out = pd.array(values, dtype=dtype)
    out[missing] = pd.NA
    return out


def synthetic_contacts(records: int, seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Standardised contacts and their clusters: about two records per customer.

    Args:
        records: Number of contacts.
        seed: Seed of every draw.

    Returns:
        ``contacts`` (``schema.CONTACT_COLUMNS``) and ``clusters`` (record key -> cluster id).
    """
    rng = np.random.default_rng(seed)
    person = np.sort(rng.integers(0, max(records // 2, 1), records))
    systems = np.array(s.SOURCE_SYSTEMS, dtype=object)[rng.integers(0, 4, records)]
    ids = np.char.add("r", np.arange(records).astype(str)).astype(object)
    keys = systems + ":" + ids
    first = FIRST[person % len(FIRST)]
    last = LAST[(person // 7) % len(LAST)]
    place = person % len(CITIES)
    created = START + pd.to_timedelta(rng.integers(0, 3000 * 86400, records), unit="s")
    updated = created + pd.to_timedelta(rng.integers(0, 300 * 86400, records), unit="s")
    email = np.char.add(np.char.add("p", person.astype(str)), "@mail.test").astype(object)
    phone = np.char.add("+1555", (1_000_000 + person).astype(str)).astype(object)
    contacts = pd.DataFrame(
        {
            s.RECORD_KEY: keys,
            s.SOURCE_SYSTEM: systems,
            s.SOURCE_RECORD_ID: ids,
            s.SOURCE_FILE: "synthetic.csv",
            s.SOURCE_LINE: np.arange(records) + 2,
            s.FIRST_NAME: _gaps(rng, first, 0.02),
            s.LAST_NAME: _gaps(rng, last, 0.02),
            s.EMAIL: _gaps(rng, email, 0.15),
            s.PHONE: _gaps(rng, phone, 0.3),
            s.STREET: _gaps(rng, np.char.add((person % 900 + 1).astype(str), " Main St"), 0.3),
            s.CITY: _gaps(rng, CITIES[place], 0.2),
            s.POSTAL_CODE: _gaps(rng, (10000 + person % 80000).astype(str), 0.25),
            s.COUNTRY: _gaps(rng, COUNTRIES[place], 0.1),
            s.DATE_OF_BIRTH: _gaps(rng, np.full(records, "1980-02-03", dtype=object), 0.6),
            # Arguments are drawn in order: which are missing, then the values.
            s.EMAIL_CONSENT: _masked(
                rng.random(records) < 0.3, rng.random(records) < 0.6, "boolean"
            ),
            s.SMS_CONSENT: _masked(rng.random(records) < 0.5, rng.random(records) < 0.3, "boolean"),
            s.TOTAL_SPENT: np.where(systems == "ecommerce", rng.random(records) * 500, np.nan),
            s.ORDER_COUNT: _masked(systems != "ecommerce", rng.integers(0, 9, records), "Int64"),
            s.CREATED_AT: created,
            s.UPDATED_AT: updated.where(rng.random(records) < 0.7),
        }
    )
    for column in s.CONTACT_COLUMNS:
        if column not in contacts:
            contacts[column] = None
    clusters = pd.DataFrame(
        {s.RECORD_KEY: keys, s.CLUSTER_ID: np.char.add("c", person.astype(str)).astype(object)}
    )
    return contacts[s.CONTACT_COLUMNS], clusters


def synthetic_transactions(contacts: pd.DataFrame, seed: int = 42) -> pd.DataFrame:
    """One Shopify order per shop record and one Square sale per store record, as read."""
    rng = np.random.default_rng(seed + 1)
    shop = contacts[(contacts[s.SOURCE_SYSTEM] == "ecommerce") & contacts[s.EMAIL].notna()]
    store = contacts[contacts[s.SOURCE_SYSTEM] == "pos"]
    when = START + pd.to_timedelta(rng.integers(0, 3000 * 86400, len(shop) + len(store)), "s")
    orders = pd.DataFrame(
        {
            s.SOURCE_SYSTEM: "ecommerce",
            "order_id": "#" + pd.Series(np.arange(len(shop)).astype(str)),
            "occurred_at": when[: len(shop)].strftime("%Y-%m-%d %H:%M:%S -0700"),
            "amount": np.char.mod("%.2f", rng.random(len(shop)) * 200),
            "customer_email": shop[s.EMAIL].to_numpy(),
            "customer_ref": None,
        }
    )
    sales = pd.DataFrame(
        {
            s.SOURCE_SYSTEM: "pos",
            "order_id": "T" + pd.Series(np.arange(len(store)).astype(str)),
            "occurred_at": when[len(shop) :].strftime("%Y-%m-%d %H:%M:%S")
            + " Eastern Time (US & Canada)",
            "amount": np.char.mod("%.2f", rng.random(len(store)) * 50),
            "customer_email": None,
            "customer_ref": store[s.SOURCE_RECORD_ID].to_numpy(),
        }
    )
    return pd.concat([orders, sales], ignore_index=True)


def previous_run(clusters: pd.DataFrame, share: float = 0.9) -> PreviousRun:
    """A previous run that saw ``share`` of the records, one customer per cluster."""
    seen = clusters.iloc[: int(len(clusters) * share)]
    crosswalk = pd.DataFrame(
        {s.RECORD_KEY: seen[s.RECORD_KEY], s.CUSTOMER_ID: "cus_old_" + seen[s.CLUSTER_ID]}
    )
    return PreviousRun(
        crosswalk=crosswalk,
        issued=set(crosswalk[s.CUSTOMER_ID]),
        first_seen=pd.Series(dtype="datetime64[ns, UTC]"),
    )


def main(argv: list[str] | None = None) -> None:
    """Time ``build_golden`` on synthetic data and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m identity_bench.golden")
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    contacts, clusters = synthetic_contacts(args.contacts, args.seed)
    transactions = synthetic_transactions(contacts, args.seed)
    previous = previous_run(clusters)
    made = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    result = build_golden(contacts, clusters, previous, "bench", transactions)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"golden stage: {len(contacts):,} contacts, {len(transactions):,} transactions -> "
        f"{result.customers:,} customers, {len(result.touchpoints):,} touchpoints in {took:.1f} s "
        f"wall, {cpu:.1f} s CPU ({len(contacts) / took:,.0f} contacts/s; synthetic data built "
        f"in {made:.1f} s; load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
