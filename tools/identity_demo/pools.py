"""Per-locale pools of names, streets and employers, drawn from Faker once.

Faker costs tens of microseconds per call; a 250,000-person demo would spend minutes in it. We
draw a few thousand values per locale up front and then sample from these pools with the seeded
``random.Random``, which is both fast and deterministic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from faker import Faker

LOCALES: dict[str, str] = {"fr_FR": "FR", "en_GB": "GB", "en_US": "US"}
LOCALE_SHARES: dict[str, float] = {"fr_FR": 0.35, "en_GB": 0.30, "en_US": 0.35}

# Free mail providers people actually use in each country, most common first.
FREE_MAIL: dict[str, tuple[str, ...]] = {
    "FR": ("gmail.com", "orange.fr", "yahoo.fr", "hotmail.fr", "free.fr", "laposte.net", "sfr.fr"),
    "GB": ("gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "btinternet.com"),
    "US": ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com"),
}
FREE_MAIL_WEIGHTS: dict[str, tuple[int, ...]] = {
    "FR": (35, 20, 12, 12, 10, 6, 5),
    "GB": (40, 20, 15, 15, 10),
    "US": (45, 15, 12, 12, 10, 6),
}

# Nicknames people really go by. Keys are the formal names as Faker spells them (with accents
# for French); matching in the linkage stage relies on the same pairs.
NICKNAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "fr_male": {
        "Frédéric": ("Fred",),
        "Nicolas": ("Nico",),
        "Christophe": ("Chris",),
        "Alexandre": ("Alex",),
        "Sébastien": ("Seb",),
        "Stéphane": ("Steph",),
        "Emmanuel": ("Manu",),
        "Maxime": ("Max",),
        "Jean-Baptiste": ("JB",),
        "Jean-Pierre": ("JP",),
        "Benjamin": ("Ben",),
        "Mathieu": ("Mat",),
        "Vincent": ("Vince",),
        "Patrick": ("Pat",),
    },
    "fr_female": {
        "Stéphanie": ("Steph",),
        "Catherine": ("Cathy",),
        "Isabelle": ("Isa",),
        "Emmanuelle": ("Manu",),
        "Alexandra": ("Alex",),
        "Valérie": ("Val",),
        "Dominique": ("Domi",),
        "Florence": ("Flo",),
        "Sandrine": ("Sandy",),
    },
    "en_male": {
        "Robert": ("Bob", "Rob", "Bobby"),
        "William": ("Bill", "Will", "Billy"),
        "Jonathan": ("Jon", "Jonny"),
        "Michael": ("Mike", "Mick"),
        "James": ("Jim", "Jimmy", "Jamie"),
        "Richard": ("Rick", "Rich"),
        "Thomas": ("Tom", "Tommy"),
        "Christopher": ("Chris",),
        "Daniel": ("Dan", "Danny"),
        "Matthew": ("Matt",),
        "Joseph": ("Joe",),
        "Anthony": ("Tony",),
        "Edward": ("Ed", "Ted"),
        "Benjamin": ("Ben",),
        "Nicholas": ("Nick",),
        "Alexander": ("Alex",),
        "Andrew": ("Andy", "Drew"),
        "Steven": ("Steve",),
        "David": ("Dave",),
        "Charles": ("Charlie",),
        "Timothy": ("Tim",),
        "Samuel": ("Sam",),
        "Gregory": ("Greg",),
    },
    "en_female": {
        "Elizabeth": ("Liz", "Beth", "Lizzie"),
        "Katherine": ("Kate", "Kathy", "Katie"),
        "Catherine": ("Cathy", "Kate"),
        "Margaret": ("Maggie", "Peggy", "Meg"),
        "Jennifer": ("Jen", "Jenny"),
        "Rebecca": ("Becky",),
        "Samantha": ("Sam",),
        "Patricia": ("Pat", "Trish"),
        "Susan": ("Sue",),
        "Victoria": ("Vicky",),
        "Deborah": ("Debbie",),
        "Jessica": ("Jess",),
        "Abigail": ("Abby",),
        "Kimberly": ("Kim",),
    },
}


def nickname_table(locale: str, female: bool) -> dict[str, tuple[str, ...]]:
    """The nickname table for a locale and sex."""
    language = "fr" if locale == "fr_FR" else "en"
    return NICKNAMES[f"{language}_{'female' if female else 'male'}"]


@dataclass(frozen=True)
class LocalePools:
    """Values to sample from for one locale.

    Attributes:
        locale: Faker locale, e.g. ``fr_FR``.
        country: ISO 3166 alpha-2 country of the locale.
        male_first: Male first names.
        female_first: Female first names.
        last: Last names.
        streets: Street names without house number (``rue Alphonse Michel``).
        companies: Employer names.
        jobs: Job titles.
        work_domains: Employer mail domains.
    """

    locale: str
    country: str
    male_first: tuple[str, ...]
    female_first: tuple[str, ...]
    last: tuple[str, ...]
    streets: tuple[str, ...]
    companies: tuple[str, ...]
    jobs: tuple[str, ...]
    work_domains: tuple[str, ...]


def _unique(values: list[str]) -> tuple[str, ...]:
    """Distinct values in first-seen order (dict keeps insertion order; a set would not)."""
    return tuple(dict.fromkeys(value for value in values if value))


@lru_cache(maxsize=4)
def build_pools(seed: int, size: int = 2000) -> dict[str, LocalePools]:
    """Draw the pools for every locale (cached: they are immutable and Faker is slow).

    Args:
        seed: Seed for each locale's Faker instance.
        size: Faker draws per pool (duplicates are removed, so pools can be smaller).

    Returns:
        Pools keyed by locale.
    """
    pools: dict[str, LocalePools] = {}
    for locale, country in LOCALES.items():
        fake = Faker(locale)
        fake.seed_instance(seed)
        small = max(size // 10, 50)
        pools[locale] = LocalePools(
            locale=locale,
            country=country,
            male_first=_unique([fake.first_name_male() for _ in range(size)]),
            female_first=_unique([fake.first_name_female() for _ in range(size)]),
            last=_unique([fake.last_name() for _ in range(size)]),
            streets=_unique([fake.street_name() for _ in range(size)]),
            companies=_unique([fake.company() for _ in range(small)]),
            jobs=_unique([fake.job() for _ in range(small)]),
            work_domains=_unique([fake.domain_name() for _ in range(small)]),
        )
    return pools


@lru_cache(maxsize=8)
def _formal_names(locale: str, female: bool) -> tuple[str, ...]:
    return tuple(sorted(nickname_table(locale, female)))


def pick_first_name(rng: random.Random, pools: LocalePools, female: bool) -> str:
    """Draw a first name, with formal names that have nicknames over-represented.

    Faker's lists contain few of them, and the nickname noise needs about a fifth of people
    to carry one (Robert, Elizabeth, Frédéric...) to show up at a realistic rate.
    """
    if rng.random() < 0.2:
        return rng.choice(_formal_names(pools.locale, female))
    return rng.choice(pools.female_first if female else pools.male_first)
