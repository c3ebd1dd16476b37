"""Source records: which systems know each person, and the noisy copy each one holds."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from identity import schema as s
from identity_demo import noise as n
from identity_demo.common import REFERENCE, stream
from identity_demo.people import Address, Person
from identity_demo.phones import STYLES, Phone
from identity_demo.pools import nickname_table

SOURCE_COUNT_WEIGHTS = (40, 30, 20, 10)  # people in 1, 2, 3, 4 sources
SOURCE_WEIGHTS: dict[str, float] = {"crm": 0.32, "ecommerce": 0.30, "pos": 0.24, "social": 0.14}
DUPLICATE_SHARE = 0.03
# Share of records whose source captured a birth date at all (before noise removes some).
DOB_COVERAGE: dict[str, float] = {"crm": 0.85, "ecommerce": 0.0, "pos": 0.45, "social": 1.0}
# When each system started collecting: created dates fall between this and the reference date.
SOURCE_START: dict[str, datetime] = {
    "crm": datetime(2016, 1, 1, tzinfo=UTC),
    "ecommerce": datetime(2018, 3, 1, tzinfo=UTC),
    "pos": datetime(2018, 6, 1, tzinfo=UTC),
    "social": datetime(2025, 9, 1, tzinfo=UTC),
}


@dataclass(frozen=True)
class Record:
    """What one source system holds about one person, before vendor formatting.

    Attributes:
        source: One of ``schema.SOURCE_SYSTEMS``.
        person: The true person behind the record.
        duplicate: A second record of the same person in the same source.
        first_name: First name as captured.
        last_name: Last name as captured.
        email: Email as captured; empty when missing.
        mobile: Mobile number; None when missing.
        landline: Home number; None when missing or the person has none.
        phone_style: How the number was typed (see ``phones.STYLES``); empty = source default.
        phone_extension: Extension digits typed after the number; usually empty.
        address: Postal address as captured.
        date_of_birth: Birth date; None when not captured.
        created: When the record was created.
        modified: When it was last modified.
        email_consent: Accepted email marketing.
        sms_consent: Accepted SMS marketing.
        country_missing: The country field was left empty (CRM).
    """

    source: str
    person: Person
    duplicate: bool
    first_name: str
    last_name: str
    email: str
    mobile: Phone | None
    landline: Phone | None
    phone_style: str
    phone_extension: str
    address: Address
    date_of_birth: date | None
    created: datetime
    modified: datetime
    email_consent: bool
    sms_consent: bool
    country_missing: bool

    @property
    def entity_id(self) -> str:
        """The true person's id."""
        return self.person.entity_id


def _sources(rng: random.Random) -> list[str]:
    count = rng.choices((1, 2, 3, 4), SOURCE_COUNT_WEIGHTS)[0]
    left = dict(SOURCE_WEIGHTS)
    chosen: list[str] = []
    for _ in range(count):
        names = list(left)
        pick = rng.choices(names, [left[name] for name in names])[0]
        chosen.append(pick)
        del left[pick]
    return [source for source in s.SOURCE_SYSTEMS if source in chosen]


def _dates(
    rng: random.Random, source: str, person: Person, old_address: bool
) -> tuple[datetime, datetime]:
    """Created and modified instants; records with the old address predate the move."""
    start, end = SOURCE_START[source], REFERENCE - timedelta(hours=1)
    first, second = rng.random(), rng.random()
    if old_address:
        end = max(min(end, person.moved_at), start + timedelta(days=30))
    created = start + (end - start) * first
    floor = created
    if not old_address and person.moved_at < end:
        # Records still in use were last updated with the new address, after the move.
        floor = max(created, person.moved_at)
    modified = floor + (end - floor) * second
    return created.replace(microsecond=0), modified.replace(microsecond=0)


def _names(rng: random.Random, person: Person, rates: n.NoiseRates) -> tuple[str, str, bool]:
    first, last = person.first_name, person.last_name
    nicknames = nickname_table(person.locale, person.female).get(first)
    if nicknames and rng.random() < rates.nickname:
        first = rng.choice(nicknames)
    if rng.random() < rates.typo:
        if rng.random() < 0.5:
            first = n.typo(rng, first)
        else:
            last = n.typo(rng, last)
    plain = person.locale == "fr_FR" and rng.random() < rates.accents
    if plain:
        first, last = n.strip_accents(first), n.strip_accents(last)
    if rng.random() < rates.upper:
        last = last.upper()
        if rng.random() < 0.5:
            first = first.upper()
    if rng.random() < rates.swap:
        first, last = last, first
    return first, last, plain


def _address(
    rng: random.Random, person: Person, rates: n.NoiseRates, plain: bool
) -> tuple[Address, bool]:
    old = rng.random() < rates.moved
    address = person.previous_address if old else person.address
    if rng.random() < rates.postcode_typo:
        address = replace(address, postcode=n.postcode_typo(rng, address.postcode))
    if rng.random() < rates.city_variant:
        address = replace(address, city=n.city_variant(rng, address.city))
    if plain:
        address = replace(
            address,
            street=n.strip_accents(address.street),
            street2=n.strip_accents(address.street2),
            city=n.strip_accents(address.city),
        )
    return address, old


def make_record(
    person: Person,
    source: str,
    duplicate: bool,
    structure: random.Random,
    errors: random.Random,
    rates: n.NoiseRates,
) -> Record:
    """One noisy copy of a person as a source system holds it.

    Args:
        person: The truth.
        source: The source system.
        duplicate: Whether this is the person's second record in the source.
        structure: Stream for what the source captures (coverage, dates, consent).
        errors: Stream for the errors (typos, missing values...).
        rates: Error rates already scaled by the noise level.

    Returns:
        The record.
    """
    first, last, plain = _names(errors, person, rates)
    address, old = _address(errors, person, rates, plain)
    email = person.email
    if duplicate and source == "ecommerce":
        email = person.alt_email  # a second shop account needs another address
    elif errors.random() < rates.work_email:
        email = person.work_email
    if errors.random() < rates.missing_email:
        email = ""
    # A shop account's phone must be unique, so a second account has none.
    no_phone = errors.random() < rates.missing_phone or (duplicate and source == "ecommerce")
    style = errors.choice(STYLES) if errors.random() < rates.phone_style else ""
    extension = str(errors.randint(2, 99)) if errors.random() < rates.phone_extension else ""
    born: date | None = None
    if structure.random() < DOB_COVERAGE[source]:
        born = person.date_of_birth
    if errors.random() < rates.missing_dob:
        born = None
    if born is not None and errors.random() < rates.dob_swap:
        born = n.swap_day_month(born)
    created, modified = _dates(structure, source, person, old)
    return Record(
        source=source,
        person=person,
        duplicate=duplicate,
        first_name=first,
        last_name=last,
        email=email,
        mobile=None if no_phone else person.mobile,
        landline=None if no_phone else person.landline,
        phone_style=style,
        phone_extension=extension,
        address=address,
        date_of_birth=born,
        created=created,
        modified=modified,
        email_consent=structure.random() < 0.6,
        sms_consent=structure.random() < 0.3,
        country_missing=errors.random() < rates.missing_country,
    )


def _share_family_inboxes(records: list[Record], rng: random.Random) -> list[Record]:
    """Put each household's shared inbox on one or two of its members' records."""
    by_household: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        if record.person.family_email and not record.duplicate:
            by_household.setdefault(record.person.household_id, []).append(index)
    result = list(records)
    for indexes in by_household.values():  # insertion order: deterministic
        wanted = rng.choice((1, 1, 2))
        rng.shuffle(indexes)
        people: list[str] = []
        shop = False
        for index in indexes:
            record = result[index]
            if record.entity_id in people or (shop and record.source == "ecommerce"):
                continue  # a shop refuses the same email on two accounts
            result[index] = replace(record, email=record.person.family_email)
            people.append(record.entity_id)
            shop = shop or record.source == "ecommerce"
            if len(people) == wanted:
                break
    return result


def build_records(population: list[Person], seed: int, noise: float) -> list[Record]:
    """Every source record of every person.

    Args:
        population: The truth, from ``build_population``.
        seed: Seed of the run.
        noise: Error-rate multiplier (0 clean, 1 realistic, 2 very messy).

    Returns:
        Records grouped by person, in population order.
    """
    rates = n.NoiseRates().scaled(noise)
    membership = stream(seed, "membership")
    structure = stream(seed, "structure")
    errors = stream(seed, "errors")
    records: list[Record] = []
    for person in population:
        sources = _sources(membership)
        twice = ""
        if membership.random() < DUPLICATE_SHARE:
            preferred = [name for name in ("crm", "ecommerce") if name in sources]
            twice = membership.choice(preferred or sources)
        for source in sources:
            records.append(make_record(person, source, False, structure, errors, rates))
            if source == twice:
                records.append(make_record(person, source, True, structure, errors, rates))
    return _share_family_inboxes(records, structure)
