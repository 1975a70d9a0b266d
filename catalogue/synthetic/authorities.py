"""Synthetic persons, places and organisations with their name variants.

Everything is drawn from one seeded random stream, so the same seed and sizes give the same
authorities. Primary keys are assigned here (1, 2, ...): the loader writes them as they are.
"""

import datetime
import itertools
import random
import unicodedata
from dataclasses import dataclass, field

from django.utils.text import slugify

from catalogue.text import name_key

from . import words


@dataclass
class Authority:
    """A person, place or organisation as the generator knows it."""

    pk: int
    name: str
    variants: list[str] = field(default_factory=list)
    abbreviation: str = ""
    slug: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def spellings(self) -> list[str]:
        """The preferred name and the variants: how a document may print the name."""
        return [self.name, *self.variants]

    @property
    def short_name(self) -> str:
        """The last word of the name (a surname, or a place name without its article)."""
        return self.name.split()[-1]


# Authorities' last change: fixed, so that a seed always gives the same catalogue.
UPDATED_AT = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def zipf_cumulative(count: int, exponent: float) -> list[float]:
    """Cumulative weights for random.choices: rank k is drawn with weight 1 / k**exponent."""
    return list(itertools.accumulate(1 / rank**exponent for rank in range(1, count + 1)))


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("İ", "I"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _french(surname: str) -> str:
    """Chicherin -> Tchitcherine, Litvinov -> Litvinoff: the French transliteration."""
    spelled = surname.replace("ch", "tch").replace("Ch", "Tch")
    if spelled.endswith("in"):
        return spelled + "e"
    if spelled.endswith(("ov", "ev")):
        return spelled[:-1] + "ff"
    return spelled.replace("y", "i")


class Slugs:
    """Unique slugs: the slugified name, with a number added on collision."""

    def __init__(self):
        self.used = set()

    def __call__(self, name: str) -> str:
        base = slugify(_ascii(name))[:200] or "authority"
        slug, n = base, 1
        while slug in self.used:
            n += 1
            slug = f"{base}-{n}"
        self.used.add(slug)
        return slug


def _unique_variants(name: str, candidates: list[str], rng: random.Random, most: int) -> list[str]:
    """Up to `most` distinct variants, different from the name; sorted as the database sorts."""
    seen, found = {name}, []
    for candidate in candidates:
        candidate = candidate.strip()
        if candidate and candidate not in seen:
            seen.add(candidate)
            found.append(candidate)
    rng.shuffle(found)
    return sorted(found[: rng.randint(1, most)] if found else [])


# --- Persons ---------------------------------------------------------------------------------


def _russian_person(rng):
    surname = rng.choice(words.RUSSIAN_ROOTS) + rng.choice(words.RUSSIAN_ENDINGS)
    first, middle = rng.choice(words.INITIALS), rng.choice(words.INITIALS)
    name = f"{first}. {middle}. {surname}"
    variants = [surname, f"{first}.{middle}. {surname}", _french(surname), surname.lower()]
    return name, f"{surname}, {first}. {middle}.", variants


def _turkish_person(rng):
    given = rng.choice(words.TURKISH_GIVEN)
    if rng.random() < 0.5:
        given = f"{given} {rng.choice(words.TURKISH_GIVEN)}"
    surname = rng.choice(words.TURKISH_SURNAMES)
    name = f"{given} {surname}"
    title = rng.choice(["pasha", "bey", "efendi"])
    variants = [_ascii(name), f"{given.split()[0]} {title}", surname, _ascii(surname).lower()]
    return name, f"{surname}, {given}", variants


def _persian_person(rng):
    given = f"{rng.choice(words.PERSIAN_GIVEN)} {rng.choice(words.PERSIAN_GIVEN)}"
    surname = rng.choice(words.PERSIAN_SURNAMES)
    name = f"{given} {surname}"
    variants = [surname, f"Mirza {surname}", surname.replace("ou", "u"), f"{given} khan"]
    return name, f"{surname}, {given}", variants


def _balkan_person(rng):
    given = rng.choice(words.BALKAN_GIVEN)
    surname = rng.choice(words.BALKAN_SURNAMES)
    name = f"{given} {rng.choice(words.INITIALS)}. {surname}"
    variants = [surname, _ascii(surname), f"{given} {surname}", _ascii(surname).lower()]
    return name, f"{surname}, {given}", variants


def _western_person(rng):
    given = rng.choice(words.WESTERN_GIVEN)
    surname = rng.choice(words.WESTERN_SURNAMES)
    name = f"{given} {rng.choice(words.INITIALS)}. {surname}"
    fused = surname.replace("-", "").lower()
    return name, f"{surname}, {given}", [surname, fused, _ascii(surname), f"Mr. {surname}"]


PERSON_KINDS = [
    (_russian_person, 55),
    (_turkish_person, 15),
    (_persian_person, 10),
    (_balkan_person, 10),
    (_western_person, 10),
]


def make_persons(count: int, rng: random.Random) -> list[Authority]:
    makers, weights = zip(*PERSON_KINDS, strict=True)
    slugs, seen, persons = Slugs(), set(), []
    while len(persons) < count:
        name, sort_name, candidates = rng.choices(makers, weights)[0](rng)
        if name in seen:
            continue
        seen.add(name)
        pk = len(persons) + 1
        born = rng.randint(1860, 1905)
        persons.append(
            Authority(
                pk=pk,
                name=name,
                variants=_unique_variants(name, candidates, rng, 3),
                slug=slugs(name),
                extra={
                    "sort_name": sort_name,
                    "birth": str(born),
                    "death": str(born + rng.randint(35, 80)) if rng.random() < 0.7 else "",
                },
            )
        )
    return persons


# --- Places ----------------------------------------------------------------------------------


def _synthetic_place(rng):
    root = rng.choice(words.PLACE_ROOTS)
    if rng.random() < 0.6:
        root += rng.choice(words.PLACE_ROOTS).lower()
    suffix = rng.choice(words.PLACE_SUFFIXES)
    name = root + suffix
    variants = [name.lower()]
    if suffix in words.SUFFIX_VARIANTS:
        variants.append(root + words.SUFFIX_VARIANTS[suffix])
    if rng.random() < 0.3:
        variants.append(f"{rng.choice(['Novo', 'Staro', 'Yeni', 'Eski'])}-{name.lower()}")
    return name, rng.choice(words.COUNTRIES), variants


def make_places(count: int, rng: random.Random) -> list[Authority]:
    slugs, seen, places = Slugs(), set(), []
    real = iter(words.REAL_PLACES)
    while len(places) < count:
        known = next(real, None)
        name, country, candidates = known or _synthetic_place(rng)
        if name in seen:
            continue
        seen.add(name)
        has_coordinates = rng.random() < 0.8
        places.append(
            Authority(
                pk=len(places) + 1,
                name=name,
                variants=_unique_variants(name, candidates, rng, 3),
                slug=slugs(name),
                extra={
                    "country": country,
                    "kind": "country" if name == country else "city",
                    "latitude": round(rng.uniform(28, 46), 5) if has_coordinates else None,
                    "longitude": round(rng.uniform(20, 72), 5) if has_coordinates else None,
                },
            )
        )
    return places


# --- Organisations ---------------------------------------------------------------------------


def make_organisations(count: int, rng: random.Random, places: list[Authority]):
    slugs, seen, organisations = Slugs(), set(), []
    candidates = iter(words.REAL_ORGANISATIONS)
    while len(organisations) < count:
        known = next(candidates, None)
        if known:
            name, abbreviation, variants = known
        else:
            place = rng.choice(places[:200])
            name = f"{rng.choice(words.MISSION_KINDS)} {place.name}"
            spelling = place.variants[0] if place.variants else place.name
            abbreviation, variants = "", [f"our mission in {spelling}"]
        if name in seen:
            continue
        seen.add(name)
        organisations.append(
            Authority(
                pk=len(organisations) + 1,
                name=name,
                variants=_unique_variants(name, variants, rng, 2),
                abbreviation=abbreviation,
                slug=slugs(abbreviation or name),
            )
        )
    return organisations


@dataclass
class Authorities:
    persons: list[Authority]
    places: list[Authority]
    organisations: list[Authority]
    # Cumulative Zipf weights: a few authorities are named everywhere, most rarely.
    person_weights: list[float] = field(default_factory=list)
    place_weights: list[float] = field(default_factory=list)
    organisation_weights: list[float] = field(default_factory=list)

    @classmethod
    def build(cls, seed: int, persons: int, places: int, organisations: int) -> "Authorities":
        rng = random.Random(f"authorities:{seed}")
        place_list = make_places(places, rng)
        made = cls(
            persons=make_persons(persons, rng),
            places=place_list,
            organisations=make_organisations(organisations, rng, place_list),
        )
        made.person_weights = zipf_cumulative(len(made.persons), 0.85)
        made.place_weights = zipf_cumulative(len(made.places), 0.9)
        made.organisation_weights = zipf_cumulative(len(made.organisations), 0.9)
        return made

    def person_rows(self):
        for person in self.persons:
            yield {
                "id": person.pk,
                "preferred_name": person.name,
                "sort_name": person.extra["sort_name"],
                "slug": person.slug,
                "name_key": name_key(person.name),
                "birth": person.extra["birth"],
                "death": person.extra["death"],
                "updated_at": UPDATED_AT,
            }

    def place_rows(self):
        for place in self.places:
            yield {
                "id": place.pk,
                "name": place.name,
                "slug": place.slug,
                "name_key": name_key(place.name),
                "kind": place.extra["kind"],
                "country": place.extra["country"],
                "latitude": place.extra["latitude"],
                "longitude": place.extra["longitude"],
                "updated_at": UPDATED_AT,
            }

    def organisation_rows(self):
        for organisation in self.organisations:
            yield {
                "id": organisation.pk,
                "name": organisation.name,
                "abbreviation": organisation.abbreviation,
                "slug": organisation.slug,
                "name_key": name_key(organisation.name),
                "updated_at": UPDATED_AT,
            }

    @staticmethod
    def variant_rows(authorities: list[Authority], owner: str):
        pk = itertools.count(1)
        for authority in authorities:
            for variant in authority.variants:
                yield {
                    "id": next(pk),
                    f"{owner}_id": authority.pk,
                    "name": variant,
                    "key": name_key(variant),
                }
