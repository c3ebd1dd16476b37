"""Meta (Facebook / Instagram) Lead Ads exports: one UTF-16, tab-separated file per form."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from identity.readers.formats import META_LEADS
from identity_demo.common import (
    REFERENCE,
    SourceOutput,
    ordered,
    random_datetime,
    stream,
    write_export,
)
from identity_demo.ids import NumericIds
from identity_demo.records import SOURCE_START, Record

FILE_PATTERNS = (r"leads_fb_.*\.csv",)
# The columns before and after the form's questions.
FIXED_COLUMNS, STATUS_COLUMNS = META_LEADS.around_custom()
ORGANIC_SHARE = 0.01
# The ad account's time zone, in which Meta writes created_time.
ACCOUNT_ZONE = ZoneInfo("America/Chicago")
BUDGETS = ("under_$500", "$500_-_$1,000", "over_$1,000")


@dataclass(frozen=True)
class Form:
    """A lead form: its file, its name and the questions it asks, in column order."""

    key: str
    name: str
    questions: tuple[str, ...]
    french: bool


SPRING = Form(
    "spring_offer_2026_en",
    "Spring Offer 2026 - EN",
    (
        "first_name",
        "last_name",
        "email",
        "phone_number",
        "city",
        "zip_code",
        "date_of_birth",
        "what_is_your_budget?",
    ),  # fmt: skip
    french=False,
)
PRINTEMPS = Form(
    "offre_printemps_2026_fr",
    "Offre de printemps 2026 - FR",
    ("nom_complet", "email", "téléphone", "ville", "code_postal"),
    french=True,
)
NEWSLETTER = Form(
    "newsletter_signup_2026",
    "Newsletter Sign-up 2026",
    ("full_name", "email", "phone_number", "street_address", "city", "post_code"),
    french=False,
)
FORMS = (SPRING, PRINTEMPS, NEWSLETTER)


def form_file(form: Form) -> str:
    """File name of a form's export."""
    return f"leads_fb_{form.key}.csv"


@dataclass(frozen=True)
class _Ad:
    ad: tuple[str, str]
    adset: tuple[str, str]
    campaign: tuple[str, str]


def _ads(ids: NumericIds, form: Form) -> list[_Ad]:
    """Two campaigns of two ad sets of two ads, per form."""
    country = "FR" if form.french else "US/UK"
    ads = []
    meta = META_LEADS
    for campaign in ("Prospecting", "Retargeting"):
        campaign_ref = (
            meta.written("campaign_id", ids.next()),
            f"{country} | {form.name} | {campaign}",
        )
        for audience in ("25-44", "45-65"):
            adset = (meta.written("adset_id", ids.next()), f"{country} | {audience} | Advantage+")
            for creative in ("Carousel A", "Video B"):
                ad = (meta.written("ad_id", ids.next()), f"{creative} - {form.name}")
                ads.append(_Ad(ad, adset, campaign_ref))
    return ads


def _answer(question: str, record: Record, rng: random.Random) -> str:
    address = record.address
    full = f"{record.first_name} {record.last_name}"
    # Meta's phone prefix, whatever the question's label.
    phone = META_LEADS.written("phone_number", record.mobile.e164 if record.mobile else "")
    born = record.date_of_birth
    answers = {
        "first_name": record.first_name,
        "last_name": record.last_name,
        "full_name": full,
        "nom_complet": full,
        "email": record.email,
        "phone_number": phone,
        "téléphone": phone,
        "city": address.city,
        "ville": address.city,
        "zip_code": META_LEADS.written("zip_code", address.postcode),
        "post_code": address.postcode,
        "code_postal": address.postcode,
        "street_address": ", ".join(p for p in (address.street, address.street2) if p),
        "date_of_birth": born.strftime("%m/%d/%Y") if born else "",
    }
    if question == "what_is_your_budget?":
        return rng.choice(BUDGETS)
    return answers[question]


def _form_for(rng: random.Random, record: Record) -> Form:
    if record.person.locale == "fr_FR" and rng.random() < 0.85:
        return PRINTEMPS
    return SPRING if rng.random() < 0.55 else NEWSLETTER


def _meta_time(moment: datetime) -> str:
    return moment.astimezone(ACCOUNT_ZONE).isoformat()


def write_social(records: list[Record], folder: Path, seed: int) -> SourceOutput:
    """Write the Meta lead exports of ``records`` into ``folder``, one file per form.

    Each file is UTF-16 LE with a BOM and tab-separated, as Meta's download is. One or two test
    leads (``<test lead: dummy data for ...>``) are added; they are not customers.

    Args:
        records: Social records, any order.
        folder: The ``social`` landing folder (must exist).
        seed: Seed of the run.

    Returns:
        Files written and the lead ids (without ``l:``).
    """
    rng = stream(seed, "meta")
    ad_ids = NumericIds(rng, start=120_210_000_000_000_000, max_step=10**9)
    ads = {form.key: _ads(ad_ids, form) for form in FORMS}
    form_ids = NumericIds(rng, start=880_000_000_000_000, max_step=10**10)
    form_refs = {form.key: META_LEADS.written("form_id", form_ids.next()) for form in FORMS}
    leads: list[tuple[datetime, Form, Record | None]] = [
        (record.created, _form_for(rng, record), record)
        for record in sorted(records, key=lambda r: (r.created, r.entity_id))
    ]
    for form in (SPRING, PRINTEMPS)[: rng.randint(1, 2)]:
        moment = random_datetime(rng, SOURCE_START["social"], REFERENCE - timedelta(days=1))
        leads.append((moment, form, None))  # None marks a test lead
    leads.sort(key=lambda lead: (lead[0], lead[1].key, lead[2] is None))
    lead_ids = NumericIds(rng, start=1_400_000_000_000_000, max_step=10**9)
    rows: dict[str, list[list[str]]] = {form.key: [] for form in FORMS}
    ids: dict[str, list[tuple[str, str]]] = {form.key: [] for form in FORMS}
    for moment, form, record in leads:
        lead_id = lead_ids.next()
        ad = rng.choice(ads[form.key])
        organic = record is not None and rng.random() < ORGANIC_SHARE
        values = {
            META_LEADS.id_column: META_LEADS.written(META_LEADS.id_column, lead_id),
            "created_time": _meta_time(moment),
            "form_id": form_refs[form.key],
            "form_name": form.name,
            "is_organic": "true" if organic else "false",
            "platform": "fb" if rng.random() < 0.65 else "ig",
        }
        if record is not None and not organic:
            values.update(
                ad_id=ad.ad[0],
                ad_name=ad.ad[1],
                adset_id=ad.adset[0],
                adset_name=ad.adset[1],
                campaign_id=ad.campaign[0],
                campaign_name=ad.campaign[1],
            )
        if record is None:
            answers = [f"<test lead: dummy data for {q}>" for q in form.questions]
        else:
            answers = [_answer(q, record, rng) for q in form.questions]
            ids[form.key].append((lead_id, record.entity_id))
        status = ordered(STATUS_COLUMNS, {"lead_status": "complete"})
        row = [*ordered(FIXED_COLUMNS, values), *answers, *status]
        rows[form.key].append(row)
    files: list[Path] = []
    all_ids: list[tuple[str, str]] = []
    for form in FORMS:
        path = folder / form_file(form)
        header = META_LEADS.header_with(form.questions)
        # Meta lists the newest lead first.
        write_export(path, META_LEADS, reversed(rows[form.key]), header)
        files.append(path)
        all_ids.extend(reversed(ids[form.key]))
    return SourceOutput(files=sorted(files), ids=all_ids)
