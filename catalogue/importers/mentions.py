"""Persons and places mentioned in a parsed document, offered as authority suggestions.

Everything the document prints counts: the heading (names in headings count), the addressee
line, the body, the signature and the footnotes. Persons come from catalogue.importers.names,
places from catalogue.importers.gazetteer; a place inside a person's name ("Kars" in "Karsky")
is dropped. Names the existing exact matching (authorities.mentions_in) has already linked
are left to it.

Nothing here writes a record: each finding becomes an AuthoritySuggestion (role "mention")
with its confidence, its reason and, when an existing record answers to it (a place by its
GeoNames id, a person or place by name), that record proposed. The archivist links, creates
or rejects it in the admin.
"""

from dataclasses import dataclass

from catalogue.models import SuggestionKind, SuggestionRole
from catalogue.text import name_key

from .authorities import NameMatch, _records_by_key, places_by_geonames, records_by_pk
from .gazetteer import PlaceMention, place_key, places_in
from .names import (
    PersonMention,
    distinct_persons,
    persons_in,
    persons_in_heading,
    preferred_person_name,
    surname_key,
)

HEADING_NAME = 0.9  # a person the parser read as sender, recipient or signatory
# Findings under this confidence are not offered (the context rules alone are too weak).
THRESHOLD = 0.6


@dataclass
class SuggestedMention(NameMatch):
    """A name found by pattern or gazetteer: an unmatched NameMatch with what backs it."""

    confidence: float = 0.0
    reason: str = ""
    geonames_id: str = ""
    suggested_name: str = ""  # the preferred name: a known person's, a place's modern name
    proposed: object = None  # an existing record that answers to the name, for the archivist


@dataclass
class FoundMentions:
    persons: list[PersonMention]
    places: list[PlaceMention]

    def person_names(self) -> list[str]:
        return [mention.name for mention in self.persons]

    def place_names(self) -> list[str]:
        return sorted({mention.place.name for mention in self.places})


def document_texts(parsed) -> list[str]:
    texts = [parsed.heading, parsed.addressee_line, parsed.place_of_origin, parsed.distribution,
             parsed.body, parsed.signature]  # fmt: skip
    texts += [note.text for note in parsed.footnotes]
    return [text for text in texts if text]


def correspondent_names(parsed) -> list[str]:
    names = [parsed.sender_name, parsed.recipient_name, parsed.signature_name]
    names.append(getattr(parsed, "interlocutor_name", ""))  # records of conversation
    return [name for name in names if name]


def find_mentions(parsed, threshold: float = THRESHOLD) -> FoundMentions:
    """Persons (one per surname) and places (one per place) the document names."""
    persons: list[PersonMention] = []
    places: dict[str, PlaceMention] = {}
    for text in document_texts(parsed):
        found_persons = persons_in(text)
        if text == parsed.heading:
            found_persons += [p for p in persons_in_heading(text)
                              if not any(p.start < q.end and q.start < p.end
                                         for q in found_persons)]  # fmt: skip
        persons += found_persons
        for place in places_in(text):
            inside = any(p.start <= place.start and place.end <= p.end for p in found_persons)
            if not inside and place.place.name not in places:
                places[place.place.name] = place
    for name in correspondent_names(parsed):
        if name and not places_in(name):
            preferred = preferred_person_name(name)
            persons.append(PersonMention(name, preferred, HEADING_NAME, "named as correspondent",
                                         0, len(name)))  # fmt: skip
    persons = [p for p in distinct_persons(persons) if p.confidence >= threshold]
    place_list = [p for p in places.values() if p.confidence >= threshold]
    return FoundMentions(persons, place_list)


def suggested_mentions(parsed, names) -> list[SuggestedMention]:
    """The document's mentions not already matched word for word, as suggestions.

    Existing records that answer to the names are looked up in bulk (a few queries per
    document, whatever the number of names).
    """
    found = find_mentions(parsed)
    known = {name_key(match.name) for match in names.mentions}
    known |= {name_key(str(match.record)) for match in names.mentions if match.record}
    # Correspondents are recorded (or suggested) in their own role, not again as mentions.
    correspondents = {surname_key(match.name) for match in names.correspondents}
    correspondents |= {surname_key(preferred_person_name(m.name)) for m in names.correspondents}
    records = {match.record for match in [*names.mentions, *names.correspondents] if match.record}
    people = [p for p in found.persons if not {name_key(p.printed), name_key(p.name)} & known]
    people = [p for p in people if p.key not in correspondents]
    places = [m for m in found.places
              if not {name_key(m.printed), name_key(m.place.name)} & known]  # fmt: skip
    person_names = [n for p in people for n in (p.printed, p.name)]
    place_names = [n for m in places for n in (m.printed, m.place.name)]
    person_records = _unique_records(SuggestionKind.PERSON, person_names)
    place_records = _unique_records(SuggestionKind.PLACE, place_names)
    by_geonames = _places_by_geonames({m.place.geonames_id for m in places} - {""})
    suggestions = []
    for person in people:
        proposed = person_records.get(name_key(person.printed)) or person_records.get(
            name_key(person.name)
        )
        if proposed is not None and proposed in records:
            continue
        suggestions.append(
            SuggestedMention(
                SuggestionKind.PERSON,
                SuggestionRole.MENTION,
                person.printed,
                confidence=person.confidence,
                reason=person.reason,
                suggested_name=person.name,
                proposed=proposed,
            )  # fmt: skip
        )
    for mention in places:
        place = mention.place
        proposed = (
            by_geonames.get(place.geonames_id)
            or place_records.get(name_key(mention.printed))
            or place_records.get(name_key(place.name))
        )
        if proposed is not None and proposed in records:
            continue
        suggestions.append(
            SuggestedMention(
                SuggestionKind.PLACE,
                SuggestionRole.MENTION,
                mention.printed,
                confidence=mention.confidence,
                reason=mention.reason,
                suggested_name=place.name,
                geonames_id=place.geonames_id,
                proposed=proposed,
            )  # fmt: skip
        )
    return suggestions


def _unique_records(kind, names: list[str]) -> dict:
    """name key -> the one record answering to it (by name or variant), in two queries."""
    keys = {name_key(name) for name in names} - {""}
    if not keys:
        return {}
    pks_by_key = _records_by_key(kind, keys)
    unique = {key: next(iter(pks)) for key, pks in pks_by_key.items() if len(pks) == 1}
    records = records_by_pk(kind, set(unique.values()))
    return {key: records[pk] for key, pk in unique.items() if pk in records}


def _places_by_geonames(ids: set[str]) -> dict:
    if not ids:
        return {}
    found = places_by_geonames(ids)
    return {gid: places[0] for gid, places in found.items() if len(places) == 1}


def add_suggested_mentions(names, parsed):
    """Append the document's pattern and gazetteer mentions to its DocumentNames."""
    names.mentions.extend(suggested_mentions(parsed, names))
    return names


def suggested_mention_fields(match: SuggestedMention) -> dict:
    """What an AuthoritySuggestion for a found mention holds beyond its kind, role and name
    (persist.NewParts writes it; one open suggestion per document, kind and name; never a
    new authority record)."""
    return {
        "office_as_stated": (match.office or "")[:500],
        "confidence": round(match.confidence, 2),
        "reason": match.reason[:200],
        "suggested_name": match.suggested_name[:255],
        "geonames_id": match.geonames_id,
        **({match.kind: match.proposed} if match.proposed else {}),
    }


__all__ = ["find_mentions", "suggested_mentions", "add_suggested_mentions", "place_key"]
