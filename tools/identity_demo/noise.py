"""Errors people and systems make when they copy contact details.

Every function takes the seeded generator and returns a changed copy; none is a no-op, so a
record that "got a typo" really differs from the truth.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, fields, replace
from datetime import date

from unidecode import unidecode

# Substitutes come from the row of keys around each letter: that is how typos happen.
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@dataclass(frozen=True)
class NoiseRates:
    """Probability of each error on one record at ``noise=1``.

    ``nickname`` applies only to people whose first name has a nickname (about a fifth of
    people), which gives about 6% of all records.
    """

    typo: float = 0.05
    nickname: float = 0.25
    accents: float = 0.20
    upper: float = 0.05
    swap: float = 0.01
    missing_email: float = 0.15
    work_email: float = 0.08
    missing_phone: float = 0.20
    phone_style: float = 0.25
    phone_extension: float = 0.01
    missing_dob: float = 0.30
    dob_swap: float = 0.02
    moved: float = 0.07
    postcode_typo: float = 0.02
    city_variant: float = 0.05
    missing_country: float = 0.08

    def scaled(self, noise: float) -> NoiseRates:
        """The rates multiplied by ``noise`` (0 = clean copies), capped at 1."""
        if noise < 0:
            raise ValueError(f"noise must be >= 0, got {noise}")
        return replace(
            self, **{f.name: min(1.0, getattr(self, f.name) * noise) for f in fields(self)}
        )


def _neighbour(rng: random.Random, char: str) -> str:
    lower = char.lower()
    for row in _KEYBOARD_ROWS:
        index = row.find(lower)
        if index >= 0:
            options = row[max(index - 1, 0) : index] + row[index + 1 : index + 2]
            picked = rng.choice(options)
            return picked.upper() if char.isupper() else picked
    return rng.choice(string.ascii_lowercase)


def typo(rng: random.Random, text: str) -> str:
    """One inserted, deleted, substituted or transposed letter.

    Args:
        rng: The seeded generator.
        text: A name.

    Returns:
        ``text`` with one keyboard error; never equal to ``text`` when it has a letter.
    """
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if not letters:
        return text
    kind = rng.choice(("insert", "delete", "substitute", "transpose"))
    if kind == "delete" and len(letters) <= 2:
        kind = "substitute"  # never shorten "Al" to "A"
    pos = rng.choice(letters)
    if kind == "transpose":
        pairs = [i for i in letters[:-1] if i + 1 in letters and text[i] != text[i + 1]]
        if pairs:
            i = rng.choice(pairs)
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        kind = "substitute"
    if kind == "insert":
        return text[: pos + 1] + _neighbour(rng, text[pos]).lower() + text[pos + 1 :]
    if kind == "delete":
        return text[:pos] + text[pos + 1 :]
    return text[:pos] + _neighbour(rng, text[pos]) + text[pos + 1 :]


def strip_accents(text: str) -> str:
    """``Hélène Lefèvre`` -> ``Helene Lefevre``: keyboards and old systems without accents."""
    return unidecode(text)


def city_variant(rng: random.Random, city: str) -> str:
    """Another common spelling: Saint/St, capitals, hyphens as spaces.

    Args:
        rng: The seeded generator.
        city: The town as locals write it.

    Returns:
        A different spelling of the same town.
    """
    for long, shorts in (("Saint-", ("St-", "St ")), ("Saint ", ("St ", "St. "))):
        if city.startswith(long):
            return rng.choice(shorts) + city[len(long) :]
    for short in ("St. ", "St "):
        if city.startswith(short):
            return rng.choice(("Saint ", "St " if short == "St. " else "St. ")) + city[len(short) :]
    variants = [city.upper(), city.lower()]
    if "-" in city:
        variants.append(city.replace("-", " "))
    return rng.choice(variants)


def postcode_typo(rng: random.Random, postcode: str) -> str:
    """One mistyped or transposed character, keeping digits digits and letters letters."""
    spots = [i for i, ch in enumerate(postcode) if ch.isalnum()]
    pairs = [i for i in spots[:-1] if i + 1 in spots and postcode[i] != postcode[i + 1]]
    if pairs and rng.random() < 0.4:
        i = rng.choice(pairs)
        return postcode[:i] + postcode[i + 1] + postcode[i] + postcode[i + 2 :]
    i = rng.choice(spots)
    pool = string.digits if postcode[i].isdigit() else string.ascii_uppercase
    replacement = rng.choice(pool.replace(postcode[i], ""))
    return postcode[:i] + replacement + postcode[i + 1 :]


def swap_day_month(born: date) -> date:
    """Day and month swapped (a US form read as European or vice versa); same date if invalid."""
    if born.day > 12 or born.day == born.month:
        return born
    return born.replace(month=born.day, day=born.month)
