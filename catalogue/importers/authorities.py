"""Names in a parsed document -> existing persons, places and organisations, or suggestions.

Matching is by name and name variant, insensitive to case and typography (catalogue.text
name_key, AuthorityQuerySet.matching_name). Kept honest and simple, precision before recall:

- correspondents: the name closing the heading's sender or recipient part, the addressee
  line, and a signature that names someone; an unmatched name becomes a suggestion;
- bodies whose heading part names no person ("the NKID of the USSR") are looked up as
  organisations, never suggested;
- mentions: known names and variants found word for word in the body and footnote texts
  (longest first, so "Yusuf Kemal" is not also "Kemal"); unknown names in running text are
  not guessed at;
- place of origin ("from Ankara"): matched, or suggested.
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache

from catalogue.models import (
    Organisation,
    OrganisationName,
    Person,
    PersonName,
    Place,
    PlaceName,
    SuggestionKind,
    SuggestionRole,
)
from catalogue.text import name_key

from .parser import ParsedDocument

MODELS = {
    SuggestionKind.PERSON: (Person, PersonName, "person"),
    SuggestionKind.ORGANISATION: (Organisation, OrganisationName, "organisation"),
    SuggestionKind.PLACE: (Place, PlaceName, "place"),
}
LONGEST_NAME_WORDS = 4
# Short keys ("us", "rf") match too many ordinary words to be trusted in running text.
SHORTEST_MENTION_KEY = 4
LOOKUP_CHUNK = 500


@dataclass
class NameMatch:
    kind: str
    role: str
    name: str
    office: str = ""
    record: object = None  # the matched record, None when unmatched
    ambiguous: bool = False  # several records answer to the name

    @property
    def matched(self) -> bool:
        return self.record is not None


@dataclass
class DocumentNames:
    correspondents: list[NameMatch] = field(default_factory=list)
    mentions: list[NameMatch] = field(default_factory=list)
    footnote_mentions: dict = field(default_factory=dict)  # footnote index -> [NameMatch]
    place_of_origin: NameMatch | None = None

    @property
    def unmatched(self) -> list[NameMatch]:
        names = [*self.correspondents, *self.mentions]
        if self.place_of_origin:
            names.append(self.place_of_origin)
        return [name for name in names if not name.matched]

    @property
    def matched(self) -> list[NameMatch]:
        names = [*self.correspondents, *self.mentions]
        if self.place_of_origin:
            names.append(self.place_of_origin)
        return [name for name in names if name.matched]


class NameIndex:
    """Every authority name and variant key -> record ids, per kind, read in one query per
    table for a whole import run (issue 13, item 7: bulk lookups instead of queries per
    document). Records are fetched by id when first needed and kept for the run. Made per run
    and dropped with it: a record added while a run goes on is seen by the next run."""

    def __init__(self):
        self.keys: dict[str, dict[str, set[int]]] = {}
        self.records: dict[str, dict[int, object]] = {kind: {} for kind in MODELS}
        self._geonames: dict[str, list[int]] | None = None
        for kind, (model, variant_model, relation) in MODELS.items():
            index = self.keys[kind] = {}
            for key, pk in model.objects.values_list("name_key", "pk").iterator():
                index.setdefault(key, set()).add(pk)
            for key, pk in variant_model.objects.values_list("key", relation).iterator():
                index.setdefault(key, set()).add(pk)

    def by_key(self, kind: str, keys) -> dict[str, set[int]]:
        index = self.keys[kind]
        return {key: index[key] for key in keys if key in index}

    def fetch(self, kind: str, pks) -> dict[int, object]:
        known = self.records[kind]
        missing = [pk for pk in pks if pk not in known]
        if missing:
            known.update(MODELS[kind][0].objects.in_bulk(missing))
        return {pk: known[pk] for pk in pks if pk in known}

    def places_by_geonames(self, ids) -> dict[str, list]:
        """GeoNames id -> the places carrying it, read in one query on first use."""
        if self._geonames is None:
            self._geonames = {}
            for gid, pk in Place.objects.exclude(geonames_id="").values_list("geonames_id", "pk"):
                self._geonames.setdefault(gid, []).append(pk)
        wanted = {gid: self._geonames[gid] for gid in ids if gid in self._geonames}
        places = self.fetch(SuggestionKind.PLACE, {pk for pks in wanted.values() for pk in pks})
        return {gid: [places[pk] for pk in pks if pk in places] for gid, pks in wanted.items()}


_NAME_INDEX: ContextVar[NameIndex | None] = ContextVar("name_index", default=None)


@contextmanager
def using_name_index(index: NameIndex | None):
    """Within the block, look names up in `index` instead of querying per name."""
    token = _NAME_INDEX.set(index)
    try:
        yield index
    finally:
        _NAME_INDEX.reset(token)


def find_record(kind: str, name: str) -> tuple[object, bool]:
    """(the one record answering to the name or None, whether several do)."""
    if (index := _NAME_INDEX.get()) is not None:
        pks = index.by_key(kind, [name_key(name)]).get(name_key(name), set())
        if len(pks) == 1:
            return index.fetch(kind, list(pks)).get(next(iter(pks))), False
        return None, len(pks) > 1
    model = MODELS[kind][0]
    records = list(model.objects.matching_name(name)[:2])
    if len(records) == 1:
        return records[0], False
    return None, len(records) > 1


def _name_match(kind, role, name, office="") -> NameMatch:
    record, ambiguous = find_record(kind, name)
    return NameMatch(kind, role, name, office, record, ambiguous)


def correspondents(parsed: ParsedDocument) -> list[NameMatch]:
    found = []
    person = SuggestionKind.PERSON
    if parsed.sender_name:
        found.append(_name_match(person, SuggestionRole.AUTHOR, parsed.sender_name,
                                 parsed.sender_office))  # fmt: skip
    elif organisation := _organisation(parsed.sender_office):
        found.append(NameMatch(SuggestionKind.ORGANISATION, SuggestionRole.AUTHOR,
                               parsed.sender_office, "", organisation))  # fmt: skip
    if parsed.recipient_name:
        found.append(_name_match(person, SuggestionRole.RECIPIENT, parsed.recipient_name,
                                 parsed.recipient_office))  # fmt: skip
    elif organisation := _organisation(parsed.recipient_office):
        found.append(NameMatch(SuggestionKind.ORGANISATION, SuggestionRole.RECIPIENT,
                               parsed.recipient_office, "", organisation))  # fmt: skip
    if name := parsed.signature_name:
        signatory = _name_match(person, SuggestionRole.SIGNATORY, name, parsed.signatory_office)
        if not signatory.matched and _is_surname_of(name, parsed.sender_name):
            # "Aralov" signing what the heading sends from "S. I. Aralov": the same person.
            signatory = _name_match(person, SuggestionRole.SIGNATORY, parsed.sender_name,
                                    parsed.signatory_office or parsed.sender_office)  # fmt: skip
        found.append(signatory)
        if not parsed.sender_name:
            # The heading gives only an office ("Letter from the people's commissar ..."):
            # whoever signed is the author.
            found.append(
                NameMatch(
                    person,
                    SuggestionRole.AUTHOR,
                    name,
                    parsed.sender_office,
                    signatory.record,
                    signatory.ambiguous,
                )  # fmt: skip
            )
    return found


def _is_surname_of(name: str, full_name: str) -> bool:
    return bool(full_name) and name_key(name) == name_key(full_name.split()[-1])


def _organisation(office: str):
    """A body named by a heading part: "NKID of the USSR", "people's commissariat of ..."."""
    if not office:
        return None
    for candidate in (office, re.split(r"\s+of\s+the\s+", office, maxsplit=1)[0]):
        record, _ = find_record(SuggestionKind.ORGANISATION, candidate)
        if record:
            return record
    return None


# --- Mentions in running text ------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['\u02b9\u2019][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=50_000)
def _part_key(text: str) -> str:
    """name_key of a word or of the characters between two words (memoised: the same words
    recur on every page). name_key works character by character (typography, NFKD, accents,
    case, punctuation and spaces dropped), so the key of a run of words is the keys of its
    words and separators put together."""
    return name_key(text)


def _ngrams(text: str) -> tuple[list, list[tuple[int, int, str]]]:
    """The text's words, and (start word, word count, key) for every run of 1..4 words,
    longest runs first; the key is name_key of the run as printed, made from the words'
    keys, not folded again for every run."""
    words = list(_WORD.finditer(text))
    joined, begins, ends = [], [], []  # the keys, and where each word's key begins and ends
    length = 0
    for index, word in enumerate(words):
        if index:
            separator = _part_key(text[words[index - 1].end() : word.start()])
            joined.append(separator)
            length += len(separator)
        key = _part_key(word.group())
        begins.append(length)
        joined.append(key)
        length += len(key)
        ends.append(length)
    keys = "".join(joined)
    grams = []
    for size in range(LONGEST_NAME_WORDS, 0, -1):
        for start in range(len(words) - size + 1):
            key = keys[begins[start] : ends[start + size - 1]]
            if len(key) >= SHORTEST_MENTION_KEY:
                grams.append((start, size, key))
    return words, grams


def records_by_pk(kind: str, pks) -> dict[int, object]:
    """The records of one kind by id, from the run's name index when there is one."""
    if (index := _NAME_INDEX.get()) is not None:
        return index.fetch(kind, pks)
    return MODELS[kind][0].objects.in_bulk(set(pks))


def places_by_geonames(ids: set[str]) -> dict[str, list]:
    """GeoNames id -> the places carrying it."""
    if (index := _NAME_INDEX.get()) is not None:
        return index.places_by_geonames(ids)
    found: dict[str, list] = {}
    for place in Place.objects.filter(geonames_id__in=ids):
        found.setdefault(place.geonames_id, []).append(place)
    return found


def _records_by_key(kind: str, keys: set[str]) -> dict[str, set[int]]:
    if (index := _NAME_INDEX.get()) is not None:
        return index.by_key(kind, keys)
    model, variant_model, relation = MODELS[kind]
    found: dict[str, set[int]] = {}
    keys = sorted(keys)
    for index in range(0, len(keys), LOOKUP_CHUNK):
        chunk = keys[index : index + LOOKUP_CHUNK]
        for key, pk in model.objects.filter(name_key__in=chunk).values_list("name_key", "pk"):
            found.setdefault(key, set()).add(pk)
        variants = variant_model.objects.filter(key__in=chunk).values_list("key", relation)
        for key, pk in variants:
            found.setdefault(key, set()).add(pk)
    return found


def mentions_in(text: str) -> list[NameMatch]:
    """Known persons, places and organisations named word for word in the text."""
    if not text:
        return []
    words, grams = _ngrams(text)
    keys = {key for _, _, key in grams}
    by_kind = {kind: _records_by_key(kind, keys) for kind in MODELS}
    hits_by_key: dict[str, list] = {}  # key -> [(kind, record ids)], kinds in MODELS order
    for kind, index in by_kind.items():
        for key, pks in index.items():
            if pks:
                hits_by_key.setdefault(key, []).append((kind, pks))
    taken: set[int] = set()
    found: dict[tuple[str, int], str] = {}
    for start, size, key in grams:  # longest runs first
        hits = hits_by_key.get(key)
        if hits is None or len(hits) != 1 or len(hits[0][1]) != 1:
            continue  # unknown, or ambiguous between records: leave it to the archivist
        positions = set(range(start, start + size))
        if positions & taken:
            continue
        kind, pks = hits[0]
        taken |= positions
        printed = text[words[start].start() : words[start + size - 1].end()]
        found.setdefault((kind, next(iter(pks))), printed)
    return _with_records(found)


def _with_records(found: dict) -> list[NameMatch]:
    matches = []
    for kind in MODELS:
        pks = [pk for (k, pk) in found if k == kind]
        index = _NAME_INDEX.get()
        records = index.fetch(kind, pks) if index else MODELS[kind][0].objects.in_bulk(pks)
        for pk in pks:
            matches.append(NameMatch(kind, SuggestionRole.MENTION, found[(kind, pk)], "",
                                     records[pk]))  # fmt: skip
    return matches


def document_names(parsed: ParsedDocument) -> DocumentNames:
    names = DocumentNames(correspondents=correspondents(parsed), mentions=mentions_in(parsed.body))
    for index, note in enumerate(parsed.footnotes):
        if matches := mentions_in(note.text):
            names.footnote_mentions[index] = matches
    if parsed.place_of_origin:
        names.place_of_origin = _name_match(
            SuggestionKind.PLACE, SuggestionRole.PLACE_OF_ORIGIN, parsed.place_of_origin
        )
    return names
