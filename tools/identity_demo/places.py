"""Real towns per country, with postcodes and phone area codes that belong together.

Faker's towns are invented ("CharpentierVille") and its postcodes are drawn independently of
them; record linkage blocks and compares on town and postcode, so the demo uses real towns whose
postcodes and landline prefixes agree. Several names start with Saint / St so that the
"St vs Saint" spelling noise has something to work on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """A town and what goes with it.

    Attributes:
        city: Town name as locals write it.
        state: US state code or UK county; empty for France.
        postcodes: Postcodes (FR, US) or outward codes (GB) used in the town.
        area_codes: Landline prefixes after the trunk 0 (FR, GB) or US area codes.
        weight: Relative share of the country's population living there.
    """

    city: str
    state: str
    postcodes: tuple[str, ...]
    area_codes: tuple[str, ...]
    weight: int = 1


def _span(first: int, last: int, width: int = 5) -> tuple[str, ...]:
    """Postcodes ``first..last`` inclusive, zero-padded (Boston and Nice start with 0)."""
    return tuple(str(code).zfill(width) for code in range(first, last + 1))


def _outward(area: str, districts: range) -> tuple[str, ...]:
    return tuple(f"{area}{district}" for district in districts)


PLACES: dict[str, tuple[Place, ...]] = {
    "FR": (
        Place("Paris", "", _span(75001, 75020), ("1",), 12),
        Place("Marseille", "", _span(13001, 13016), ("4",), 5),
        Place("Lyon", "", _span(69001, 69009), ("4",), 4),
        Place("Toulouse", "", ("31000", "31100", "31200", "31300", "31400", "31500"), ("5",), 3),
        Place("Nice", "", ("06000", "06100", "06200", "06300"), ("4",), 2),
        Place("Nantes", "", ("44000", "44100", "44200", "44300"), ("2",), 2),
        Place("Strasbourg", "", ("67000", "67100", "67200"), ("3",), 2),
        Place("Montpellier", "", ("34000", "34070", "34080", "34090"), ("4",), 2),
        Place("Bordeaux", "", ("33000", "33100", "33200", "33300", "33800"), ("5",), 2),
        Place("Lille", "", ("59000", "59160", "59260", "59800"), ("3",), 2),
        Place("Rennes", "", ("35000", "35200", "35700"), ("2",)),
        Place("Reims", "", ("51100",), ("3",)),
        Place("Saint-Étienne", "", ("42000", "42100"), ("4",), 2),
        Place("Saint-Denis", "", ("93200", "93210"), ("1",)),
        Place("Saint-Malo", "", ("35400",), ("2",)),
        Place("Saint-Quentin", "", ("02100",), ("3",)),
        Place("Saint-Germain-en-Laye", "", ("78100",), ("1",)),
        Place("Saint-Maur-des-Fossés", "", ("94100", "94210"), ("1",)),
        Place("Grenoble", "", ("38000", "38100"), ("4",)),
        Place("Dijon", "", ("21000",), ("3",)),
        Place("Angers", "", ("49000", "49100"), ("2",)),
        Place("Nîmes", "", ("30000", "30900"), ("4",)),
        Place("Aix-en-Provence", "", ("13090", "13100"), ("4",)),
        Place("Clermont-Ferrand", "", ("63000", "63100"), ("4",)),
        Place("Le Havre", "", ("76600", "76610", "76620"), ("2",)),
        Place("Orléans", "", ("45000", "45100"), ("2",)),
        Place("Besançon", "", ("25000",), ("3",)),
        Place("Bourg-en-Bresse", "", ("01000",), ("4",)),
        Place("Annecy", "", ("74000",), ("4",)),
        Place("Béziers", "", ("34500",), ("4",)),
    ),
    "GB": (
        Place(
            "London",
            "Greater London",
            ("SW1", "SW4", "SW11", "SE1", "SE15", "N1", "N7", "E1", "E8", "W2", "NW1", "NW3"),
            ("20",),
            14,
        ),
        Place("Manchester", "Greater Manchester", _outward("M", range(1, 21)), ("161",), 3),
        Place("Birmingham", "West Midlands", _outward("B", range(1, 31)), ("121",), 3),
        Place("Leeds", "West Yorkshire", _outward("LS", range(1, 18)), ("113",), 2),
        Place("Glasgow", "Lanarkshire", _outward("G", range(1, 43)), ("141",), 2),
        Place("Liverpool", "Merseyside", _outward("L", range(1, 26)), ("151",), 2),
        Place("Bristol", "Bristol", _outward("BS", range(1, 17)), ("117",), 2),
        Place("Sheffield", "South Yorkshire", _outward("S", range(1, 12)), ("114",), 2),
        Place("Edinburgh", "Midlothian", _outward("EH", range(1, 17)), ("131",), 2),
        Place("Cardiff", "South Glamorgan", _outward("CF", range(10, 25)), ("29",), 1),
        Place("Leicester", "Leicestershire", _outward("LE", range(1, 6)), ("116",)),
        Place("Nottingham", "Nottinghamshire", _outward("NG", range(1, 10)), ("115",)),
        Place("Newcastle upon Tyne", "Tyne and Wear", _outward("NE", range(1, 7)), ("191",)),
        Place("Brighton", "East Sussex", _outward("BN", range(1, 4)), ("1273",)),
        Place("Oxford", "Oxfordshire", _outward("OX", range(1, 5)), ("1865",)),
        Place("Cambridge", "Cambridgeshire", _outward("CB", range(1, 6)), ("1223",)),
        Place(
            "York", "North Yorkshire", ("YO1", "YO10", "YO23", "YO24", "YO30", "YO31"), ("1904",)
        ),
        Place("Bath", "Somerset", ("BA1", "BA2"), ("1225",)),
        Place("St Albans", "Hertfordshire", _outward("AL", range(1, 5)), ("1727",)),
        Place("St Helens", "Merseyside", ("WA9", "WA10", "WA11"), ("1744",)),
        Place("St Andrews", "Fife", ("KY16",), ("1334",)),
        Place("Stoke-on-Trent", "Staffordshire", _outward("ST", range(1, 5)), ("1782",)),
        Place("Southampton", "Hampshire", _outward("SO", range(14, 20)), ("23",)),
        Place("Norwich", "Norfolk", _outward("NR", range(1, 8)), ("1603",)),
        Place("Exeter", "Devon", _outward("EX", range(1, 5)), ("1392",)),
        Place("Reading", "Berkshire", _outward("RG", range(1, 7)), ("118",)),
        Place("Coventry", "West Midlands", _outward("CV", range(1, 7)), ("24",)),
        Place("Belfast", "County Antrim", _outward("BT", range(1, 16)), ("28",)),
    ),
    "US": (
        Place("New York", "NY", _span(10001, 10040), ("212", "646", "917"), 8),
        Place("Brooklyn", "NY", _span(11201, 11238), ("718", "347"), 4),
        Place("Los Angeles", "CA", _span(90001, 90068), ("213", "323", "310"), 6),
        Place("Chicago", "IL", _span(60601, 60661), ("312", "773"), 5),
        Place("Houston", "TX", _span(77002, 77099), ("713", "832", "281"), 4),
        Place("Phoenix", "AZ", _span(85003, 85054), ("602", "480"), 3),
        Place("Philadelphia", "PA", _span(19102, 19154), ("215", "267"), 3),
        Place("San Diego", "CA", _span(92101, 92130), ("619", "858"), 2),
        Place("Dallas", "TX", _span(75201, 75254), ("214", "469", "972"), 2),
        Place("Austin", "TX", _span(78701, 78759), ("512", "737"), 2),
        Place("San Francisco", "CA", _span(94102, 94134), ("415", "628"), 2),
        Place("Seattle", "WA", _span(98101, 98126), ("206",), 2),
        Place("Denver", "CO", _span(80202, 80239), ("303", "720"), 2),
        Place("Boston", "MA", _span(2108, 2135), ("617", "857"), 2),
        Place("Cambridge", "MA", _span(2138, 2142), ("617",)),
        Place("Providence", "RI", _span(2903, 2909), ("401",)),
        Place("Hartford", "CT", _span(6101, 6120), ("860",)),
        Place("Newark", "NJ", _span(7102, 7114), ("973", "862")),
        Place("Atlanta", "GA", _span(30303, 30350), ("404", "678", "470"), 2),
        Place("Miami", "FL", _span(33125, 33199), ("305", "786"), 2),
        Place("St. Petersburg", "FL", _span(33701, 33716), ("727",)),
        Place("Saint Paul", "MN", _span(55101, 55130), ("651",)),
        Place("Minneapolis", "MN", _span(55401, 55419), ("612",)),
        Place("St. Louis", "MO", _span(63101, 63147), ("314",)),
        Place("Portland", "OR", _span(97201, 97239), ("503", "971")),
        Place("Detroit", "MI", _span(48201, 48235), ("313",)),
        Place("Nashville", "TN", _span(37201, 37221), ("615", "629")),
        Place("Charlotte", "NC", _span(28202, 28227), ("704", "980")),
        Place("Salt Lake City", "UT", _span(84101, 84121), ("801", "385")),
        Place("Baltimore", "MD", _span(21201, 21231), ("410", "443")),
        Place("Washington", "DC", _span(20001, 20020), ("202",)),
    ),
}

COUNTRY_NAMES: dict[str, str] = {
    "FR": "France",
    "GB": "United Kingdom",
    "US": "United States",
}

# Inward codes (the part after the space) never use these letters: Royal Mail rule.
GB_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
