"""The truth: who the demo people are, where they live and how to reach them.

About 15% of people live in households of 2-4 sharing a last name, an address and often a
landline; about 1% are namesakes (same first and last name, same town, different people). These
are the cases that make identity resolution hard, so the demo has them on purpose.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate

from identity_demo.common import REFERENCE, random_date, random_datetime, stream
from identity_demo.emails import family_email, new_email, work_email
from identity_demo.phones import Phone, new_phone
from identity_demo.places import GB_INWARD_LETTERS, PLACES, Place
from identity_demo.pools import LOCALE_SHARES, LocalePools, build_pools, pick_first_name

BORN_FROM = date(1940, 1, 1)
BORN_UNTIL = date(2006, 12, 31)
HOUSEHOLD_SHARE = 0.15
NAMESAKE_SHARE = 0.01

_SECOND_LINES: dict[str, tuple[str, ...]] = {
    "FR": ("Bâtiment {L}", "Appartement {n}", "Escalier {L}", "Résidence Les Tilleuls"),
    "GB": ("Flat {n}", "Flat {n}{L}", "Apartment {n}"),
    "US": ("Apt {n}", "Apt {n}{L}", "Suite {n}00", "Unit {n}"),
}


@dataclass(frozen=True)
class Address:
    """A postal address as the person would write it."""

    street: str
    street2: str
    city: str
    state: str
    postcode: str
    country: str


@dataclass(frozen=True)
class Person:
    """One real person: the clean values every source record is a noisy copy of.

    Attributes:
        entity_id: Stable id of the person in ``truth.csv``.
        locale: Faker locale of their names (fr_FR, en_GB, en_US).
        country: ISO 3166 alpha-2 country they live in.
        female: Sex, for salutations and nicknames.
        first_name: Given name, accented where French.
        last_name: Family name.
        date_of_birth: Birth date.
        email: Personal email address.
        work_email: Work address used on some business records.
        alt_email: A second personal address (used for a second shop account).
        mobile: Mobile number.
        landline: Home number, shared within a household; None for many.
        address: Current address.
        previous_address: Where they lived before ``moved_at``; older records keep it.
        moved_at: When they moved.
        household_id: Shared by members of one household; empty for people living alone.
        family_email: The household's shared inbox; empty when there is none.
        company: Employer.
        job: Job title.
    """

    entity_id: str
    locale: str
    country: str
    female: bool
    first_name: str
    last_name: str
    date_of_birth: date
    email: str
    work_email: str
    alt_email: str
    mobile: Phone
    landline: Phone | None
    address: Address
    previous_address: Address
    moved_at: datetime
    household_id: str
    family_email: str
    company: str
    job: str


class _Factory:
    """Draws people; holds the used-values registries that keep emails and phones unique."""

    def __init__(self, seed: int) -> None:
        self.rng = stream(seed, "people")
        self.pools = build_pools(seed)
        self.used_emails: set[str] = set()
        self.used_phones: set[int] = set()
        self.used_streets: set[tuple[str, str]] = set()
        self.places = {
            country: (places, list(accumulate(place.weight for place in places)))
            for country, places in PLACES.items()
        }
        self.people: list[Person] = []

    def place(self, country: str) -> Place:
        """A town of the country, weighted by population."""
        places, cumulative = self.places[country]
        return self.rng.choices(places, cum_weights=cumulative)[0]

    def _postcode(self, place: Place, country: str) -> str:
        code = self.rng.choice(place.postcodes)
        if country == "GB":
            letters = "".join(self.rng.choices(GB_INWARD_LETTERS, k=2))
            code = f"{code} {self.rng.randint(1, 9)}{letters}"
        return code

    def address(self, pools: LocalePools, place: Place) -> Address:
        """A new street address in ``place``, not already anyone's home."""
        rng = self.rng
        while True:
            number = rng.randint(1, 180)
            street = f"{number} {rng.choice(pools.streets)}"
            if (street, place.city) not in self.used_streets:
                self.used_streets.add((street, place.city))
                break
        street2 = ""
        if rng.random() < 0.08:
            template = rng.choice(_SECOND_LINES[pools.country])
            street2 = template.format(n=rng.randint(1, 40), L=rng.choice("ABCDEF"))
        return Address(
            street=street,
            street2=street2,
            city=place.city,
            state=place.state,
            postcode=self._postcode(place, pools.country),
            country=pools.country,
        )

    def person(
        self,
        pools: LocalePools,
        place: Place,
        *,
        first: str,
        last: str,
        female: bool,
        born: date,
        home: tuple[Address, Address, datetime],
        landline: Phone | None,
        household_id: str = "",
        family_inbox: str = "",
    ) -> Person:
        """Complete a person around the given name, birth date and home."""
        rng = self.rng
        country = pools.country
        company_index = rng.randrange(len(pools.companies))
        person = Person(
            entity_id=f"E{len(self.people) + 1:07d}",
            locale=pools.locale,
            country=country,
            female=female,
            first_name=first,
            last_name=last,
            date_of_birth=born,
            email=new_email(rng, first, last, country, born.year, self.used_emails),
            work_email=work_email(
                rng,
                first,
                last,
                pools.work_domains[company_index % len(pools.work_domains)],
                self.used_emails,
            ),
            alt_email=new_email(rng, first, last, country, born.year, self.used_emails),
            mobile=new_phone(rng, country, place.area_codes, self.used_phones, mobile=True),
            landline=landline,
            address=home[0],
            previous_address=home[1],
            moved_at=home[2],
            household_id=household_id,
            family_email=family_inbox,
            company=pools.companies[company_index],
            job=rng.choice(pools.jobs),
        )
        self.people.append(person)
        return person

    def home(self, pools: LocalePools, place: Place) -> tuple[Address, Address, datetime]:
        """Current address, previous address (same or another town) and moving date."""
        current = self.address(pools, place)
        before = place if self.rng.random() < 0.5 else self.place(pools.country)
        moved_at = random_datetime(
            self.rng, datetime(2019, 6, 1, tzinfo=REFERENCE.tzinfo), REFERENCE - timedelta(150)
        )
        return current, self.address(pools, before), moved_at

    def landline(self, place: Place, country: str) -> Phone:
        """A new home number in the town's area code."""
        return new_phone(self.rng, country, place.area_codes, self.used_phones, mobile=False)


def _pick_locale(rng: random.Random) -> str:
    locales = list(LOCALE_SHARES)
    return rng.choices(locales, [LOCALE_SHARES[locale] for locale in locales])[0]


def _single(factory: _Factory) -> None:
    rng = factory.rng
    pools = factory.pools[_pick_locale(rng)]
    place = factory.place(pools.country)
    female = rng.random() < 0.5
    landline = factory.landline(place, pools.country) if rng.random() < 0.3 else None
    factory.person(
        pools,
        place,
        first=pick_first_name(rng, pools, female),
        last=rng.choice(pools.last),
        female=female,
        born=random_date(rng, BORN_FROM, BORN_UNTIL),
        home=factory.home(pools, place),
        landline=landline,
    )


def _namesakes(factory: _Factory) -> None:
    """Two different people with the same first and last name in the same town."""
    rng = factory.rng
    pools = factory.pools[_pick_locale(rng)]
    place = factory.place(pools.country)
    female = rng.random() < 0.5
    first, last = pick_first_name(rng, pools, female), rng.choice(pools.last)
    for _ in range(2):
        landline = factory.landline(place, pools.country) if rng.random() < 0.3 else None
        factory.person(
            pools,
            place,
            first=first,
            last=last,
            female=female,
            born=random_date(rng, BORN_FROM, BORN_UNTIL),
            home=factory.home(pools, place),
            landline=landline,
        )


def _household(factory: _Factory, size: int, number: int) -> None:
    """A couple or a parent, with children: one name, one address, distinct birthdays."""
    rng = factory.rng
    pools = factory.pools[_pick_locale(rng)]
    place = factory.place(pools.country)
    last = rng.choice(pools.last)
    home = factory.home(pools, place)
    landline = factory.landline(place, pools.country) if rng.random() < 0.7 else None
    inbox = ""
    if rng.random() < 0.5:
        inbox = family_email(rng, last, pools.country, factory.used_emails)
    head_born = random_date(rng, BORN_FROM, date(1985, 12, 31))
    head_female = rng.random() < 0.5
    members: list[tuple[bool, date]] = [(head_female, head_born)]
    if rng.random() < 0.7:  # a partner of about the same age
        partner_born = head_born + timedelta(days=rng.randint(-6 * 365, 6 * 365))
        members.append((not head_female, min(max(partner_born, BORN_FROM), BORN_UNTIL)))
    while len(members) < size:
        child_born = head_born + timedelta(days=rng.randint(20 * 365, 38 * 365))
        members.append((rng.random() < 0.5, min(child_born, BORN_UNTIL)))
    firsts: list[str] = []
    births: list[date] = []
    for female, born in members:
        while born in births:  # siblings born the same year still differ by date
            born -= timedelta(days=rng.randint(300, 700))
        first = pick_first_name(rng, pools, female)
        while first in firsts:
            first = pick_first_name(rng, pools, female)
        firsts.append(first)
        births.append(born)
        factory.person(
            pools,
            place,
            first=first,
            last=last,
            female=female,
            born=born,
            home=home,
            landline=landline,
            household_id=f"H{number:06d}",
            family_inbox=inbox,
        )


def build_population(people: int, seed: int = 42) -> list[Person]:
    """Draw the people of a demo.

    Args:
        people: How many people.
        seed: Seed of every random choice.

    Returns:
        Exactly ``people`` persons, ids ``E0000001`` onwards, in a reproducible order.
    """
    factory = _Factory(seed)
    rng = factory.rng
    # Plan the groups first, then shuffle them so households are spread through the ids.
    groups: list[int] = []
    in_households = 0
    while in_households < round(HOUSEHOLD_SHARE * people) and people - in_households >= 2:
        size = min(rng.choice((2, 2, 2, 3, 3, 4)), people - in_households)
        groups.append(size)
        in_households += size
    pairs = min(round(NAMESAKE_SHARE * people / 2), (people - in_households) // 2)
    groups += [-2] * pairs  # -2 marks a namesake pair (two separate people)
    groups += [1] * (people - in_households - 2 * pairs)
    rng.shuffle(groups)
    households = 0
    for size in groups:
        if size == 1:
            _single(factory)
        elif size == -2:
            _namesakes(factory)
        else:
            households += 1
            _household(factory, size, households)
    return factory.people
