"""Synthetic documents: dates, correspondents, mentions, footnotes, bodies and search text.

Documents are made in blocks of BLOCK_SIZE, each from its own random stream seeded by the seed
and the block number, so a document depends only on the seed and its number: not on the batch
size, nor on how many processes generate. Document i (from 0) has primary key i + 1 and
identifier D{pk:06d}, as Document.save() would give it; the rows that belong to it have
primary keys derived from the document's (pk * 8 + k), so blocks never collide.
"""

import calendar
import datetime
import random
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.text import slugify

from catalogue.models import Classification, DocumentType, Priority, Status
from catalogue.models.documents import CorrespondentRole
from catalogue.models.footnotes import FootnoteKind
from catalogue.search import PRINTED_FIELDS

from . import searchtext, words
from .searchtext import EMPTY, Piece, cached_piece, combined, merge, piece

BLOCK_SIZE = 1000
SUB_ROWS = 8  # at most this many mentions (or correspondents, footnotes, themes) per document
FIRST_YEAR, LAST_YEAR = 1919, 1941
MIN_WORDS, MAX_WORDS = 200, 2000
# Sentences naming the mentioned, a salutation and a closing come on top of the drawn ones.
MAX_DRAWN_WORDS = MAX_WORDS - 200
SENTENCE_POOL = 20_000
TIMESTAMP_BASE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)

STATUSES = [(Status.PUBLISHED, 96.0), (Status.DRAFT, 2.5), (Status.REVIEW, 1.5)]
DOC_TYPES = [
    (DocumentType.LETTER, 33),
    (DocumentType.TELEGRAM, 27),
    (DocumentType.RECORD_OF_CONVERSATION, 10),
    (DocumentType.NOTE, 8),
    (DocumentType.DIARY_ENTRY, 5),
    (DocumentType.MEMORANDUM, 5),
    (DocumentType.REPORT, 5),
    (DocumentType.MINUTES, 3),
    (DocumentType.TREATY, 1),
    (DocumentType.SPEECH, 1),
    (DocumentType.OTHER, 2),
]
CLASSIFICATIONS = [
    (Classification.NONE, 60),
    (Classification.SECRET, 30),
    (Classification.TOP_SECRET, 10),
]
LANGUAGES = [("ru", 88), ("tr", 4), ("fr", 3), ("de", 3), ("fa", 2)]
THEME_WEIGHTS = {
    "turkey": 30,
    "iran": 14,
    "balkans": 14,
    "afghanistan": 8,
    "caucasus": 8,
    "black-sea-and-the-straits": 6,
    "germany": 5,
    "india": 4,
    "central-asia": 4,
    "great-britain": 4,
    "france": 3,
    "italy": 2,
}
# The years of crises weigh more, as in the printed series.
YEAR_WEIGHTS = dict.fromkeys(range(FIRST_YEAR, LAST_YEAR + 1), 1.0)
YEAR_WEIGHTS.update({1920: 2.0, 1921: 2.5, 1922: 1.8, 1938: 1.6, 1939: 2.2, 1940: 1.8})
# How precisely documents are dated, in percent.
DATE_KINDS = [
    ("day", 67.5),
    ("day_uncertain", 3),
    ("month", 12),
    ("year", 5),
    ("year_approximate", 2),
    ("range", 8),
    ("range_months", 2),
    ("undated", 0.5),
]
# The printed lines of a document that search indexes as its text, in the order it joins them.
PRINTED_LINES = PRINTED_FIELDS
MARKER_STYLES = [
    (["1", "2", "3"], 40),
    (["*", "**", "***"], 40),
    (["[1]", "[2]", "[3]"], 20),
]


def _split(weighted):
    values, weights = zip(*weighted, strict=True)
    return list(values), list(weights)


@dataclass
class DateFields:
    written: str = ""
    edtf: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    precision: str = ""
    uncertain: bool = False
    approximate: bool = False

    def as_row(self) -> dict:
        return {
            "date_written": self.written,
            "date_edtf": self.edtf,
            "date_start": self.start,
            "date_end": self.end,
            "date_precision": self.precision,
            "date_uncertain": self.uncertain,
            "date_approximate": self.approximate,
        }


def _written_day(day: datetime.date, rng) -> str:
    month = calendar.month_name[day.month]
    if rng.random() < 0.7:
        return f"{month} {day.day}, {day.year}"
    return f"{day.day} {month} {day.year}"


def make_date(rng, kind: str, day: datetime.date) -> DateFields:
    """A date of the given kind around `day`; the derived fields follow catalogue.dates."""
    year, month = day.year, calendar.month_name[day.month]
    last = calendar.monthrange(day.year, day.month)[1]
    if kind == "undated":
        return DateFields()
    if kind in ("day", "day_uncertain"):
        uncertain = kind == "day_uncertain"
        written = _written_day(day, rng) + (" [?]" if uncertain else "")
        edtf = day.isoformat() + ("?" if uncertain else "")
        return DateFields(written, edtf, day, day, "day", uncertain=uncertain)
    if kind == "month":
        start, end = day.replace(day=1), day.replace(day=last)
        return DateFields(f"{month} {year}", f"{year}-{day.month:02d}", start, end, "month")
    if kind in ("year", "year_approximate"):
        approximate = kind == "year_approximate"
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        written = f"about {year}" if approximate else str(year)
        edtf = f"{year}~" if approximate else str(year)
        return DateFields(written, edtf, start, end, "year", approximate=approximate)
    if kind == "range":  # within one month, never the whole month
        start = day.replace(day=min(day.day, last - 6))
        end = start + datetime.timedelta(days=rng.randint(1, 6))
        written = f"{month} {start.day}\u2010{end.day}, {year}"
    else:  # across the end of a month
        start = day.replace(day=last - rng.randint(0, 3))
        end = start + datetime.timedelta(days=rng.randint(4, 9))
        end_month = calendar.month_name[end.month]
        written = f"{month} {start.day} \u2013 {end_month} {end.day}, {end.year}"
    return DateFields(written, f"{start.isoformat()}/{end.isoformat()}", start, end, "range")


@dataclass
class Block:
    """The rows of one block of documents, by table."""

    documents: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    correspondents: list = field(default_factory=list)
    mentions: list = field(default_factory=list)
    footnotes: list = field(default_factory=list)
    footnote_persons: list = field(default_factory=list)
    # pk -> the four weighted parts of the search index (A heading and correspondents, B other
    # names, C text, D notes)
    search: dict = field(default_factory=dict)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=4)
def build_sentence_pool(seed: int, size: int = SENTENCE_POOL) -> tuple[tuple[Piece, int], ...]:
    """Sentences bodies are made of, each with its folded form and word count."""
    rng = random.Random(f"sentences:{seed}")
    pool = []
    for _ in range(size):
        shape = rng.random()
        subject, verb = rng.choice(words.SUBJECTS), rng.choice(words.VERBS)
        obj, adverbial = rng.choice(words.OBJECTS), rng.choice(words.ADVERBIALS)
        if shape < 0.1:
            text = rng.choice(words.REMARKS)
        elif shape < 0.45:
            text = f"{_capitalised(subject)} {verb} {obj}."
        elif shape < 0.75:
            connective = rng.choice(words.CONNECTIVES)
            text = f"{connective} {subject} {verb} {obj} {adverbial}.".strip()
            text = _capitalised(text) if rng.random() < 0.8 else text
        else:
            other = rng.choice(words.OBJECTS)
            text = f"{_capitalised(subject)} {verb} {obj} and {other}, {adverbial}."
        pool.append((piece(text), len(text.split())))
    return tuple(pool)


class DocumentMaker:
    """Makes the rows of synthetic documents, block by block."""

    def __init__(self, seed, authorities, theme_ids, collection_id, archive_id):
        self.seed = seed
        self.authorities = authorities
        self.collection_id = collection_id
        self.archive_id = archive_id
        self.pool = build_sentence_pool(seed)
        known = [(pk, THEME_WEIGHTS.get(slug, 1)) for slug, pk in sorted(theme_ids.items())]
        self.themes, self.theme_weights = _split(known) if known else ([], [])
        self.statuses, self.status_weights = _split(STATUSES)
        self.doc_types, self.doc_type_weights = _split(DOC_TYPES)
        self.classifications, self.classification_weights = _split(CLASSIFICATIONS)
        self.languages, self.language_weights = _split(LANGUAGES)
        self.date_kinds, self.date_kind_weights = _split(DATE_KINDS)
        self.marker_styles, self.marker_style_weights = _split(MARKER_STYLES)
        self.years, self.year_weights = _split(sorted(YEAR_WEIGHTS.items()))
        self.name_templates = [self._name_template(t) for t in words.NAME_SENTENCES]
        self.place_templates = [self._name_template(t) for t in words.PLACE_SENTENCES]

    @staticmethod
    def _name_template(template: str) -> tuple[Piece, Piece]:
        before, after = template.split("{name}")
        return piece(before), piece(after)

    def block(self, number: int, total: int, size: int = BLOCK_SIZE) -> Block:
        """Rows of documents number * size ... (at most `total` documents in all)."""
        rng = random.Random(f"documents:{self.seed}:{size}:{number}")
        block = Block()
        first = number * size
        for index in range(first, min(first + size, total)):
            self._document(rng, index + 1, block)
        return block

    # --- One document ----------------------------------------------------------------------

    def _document(self, rng, pk: int, block: Block) -> None:
        doc_type = rng.choices(self.doc_types, self.doc_type_weights)[0]
        date = self._date(rng)
        correspondents = self._correspondents(rng, pk, date)
        mentions = self._mentions(rng, pk)
        origin = self._origin(rng)
        footnotes, footnote_persons, markers = self._footnotes(rng, pk, mentions, date)
        body = self._body(rng, mentions, markers)
        pieces = {"body": body}
        row = {
            "id": pk,
            "identifier": f"D{pk:06d}",
            "collection_id": self.collection_id,
            "doc_type": doc_type,
            "is_extract": rng.random() < 0.08,
            "status": rng.choices(self.statuses, self.status_weights)[0],
            "original_language": rng.choices(self.languages, self.language_weights)[0],
            "translation_language": "en",
            "translator": rng.choice(words.TRANSLATORS),
            "body": body.raw,
            "place_of_origin_id": origin[0].pk if origin else None,
            "place_of_origin_as_written": origin[1] if origin else "",
            **date.as_row(),
            **self._heading(rng, doc_type, correspondents, pieces),
            **self._markings(rng),
            **self._printed_lines(rng, correspondents, pieces),
            **self._source(rng, date, pieces),
            **self._timestamps(pk),
        }
        row["published_at"] = row["created_at"] if row["status"] == Status.PUBLISHED else None
        row["slug"] = slugify(row["title"] or row["heading"])[:120].strip("-") or "document"
        block.documents.append(row)
        block.correspondents += [link for link, _ in correspondents]
        block.mentions += [link for link, _ in mentions]
        block.footnotes += footnotes
        block.footnote_persons += footnote_persons
        block.themes += self._themes(rng, pk)
        if searchtext.searchable:
            parts = self._search_parts(row, pieces, origin, correspondents, mentions, footnotes)
            block.search[pk] = parts

    def _date(self, rng) -> DateFields:
        year = rng.choices(self.years, self.year_weights)[0]
        day = datetime.date(year, 1, 1) + datetime.timedelta(
            days=rng.randrange(366 if calendar.isleap(year) else 365)
        )
        return make_date(rng, rng.choices(self.date_kinds, self.date_kind_weights)[0], day)

    def _person(self, rng):
        return rng.choices(self.authorities.persons, cum_weights=self.authorities.person_weights)[0]

    def _place(self, rng):
        places = self.authorities.places
        return rng.choices(places, cum_weights=self.authorities.place_weights)[0]

    def _organisation(self, rng):
        organisations = self.authorities.organisations
        return rng.choices(organisations, cum_weights=self.authorities.organisation_weights)[0]

    @staticmethod
    def _as_printed(rng, authority) -> str:
        """How the document prints the name: a variant, the preferred name, or lower case."""
        chance = rng.random()
        if chance < 0.45 and authority.variants:
            return rng.choice(authority.variants)
        if chance < 0.55:
            return authority.name.lower()
        return authority.name if chance < 0.9 else ""

    def _office(self, rng) -> str:
        place = self._place(rng)
        return rng.choice(words.OFFICES).format(country=place.extra["country"], place=place.name)

    def _correspondents(self, rng, pk: int, date: DateFields) -> list:
        count = rng.choices([1, 2, 3], [25, 55, 20])[0]
        roles = [
            CorrespondentRole.SIGNATORY if rng.random() < 0.1 else CorrespondentRole.AUTHOR,
            CorrespondentRole.RECIPIENT,
            CorrespondentRole.COPY_RECIPIENT,
        ]
        links, used = [], set()
        while len(links) < count:  # distinct agents: draw again on a repeat
            is_person = rng.random() < 0.85
            agent = self._person(rng) if is_person else self._organisation(rng)
            if (is_person, agent.pk) in used:
                continue
            used.add((is_person, agent.pk))
            order = len(links)
            link = {
                "id": pk * SUB_ROWS + order,
                "document_id": pk,
                "role": roles[order],
                "person_id": agent.pk if is_person else None,
                "organisation_id": None if is_person else agent.pk,
                "office_as_stated": self._office(rng) if is_person and rng.random() < 0.7 else "",
                "name_as_printed": self._as_printed(rng, agent),
                "order": order + 1,
            }
            links.append((link, agent))
        return links

    def _mentions(self, rng, pk: int) -> list:
        links, used, count = [], set(), rng.randint(3, 8)
        while len(links) < count:  # distinct targets: draw again on a repeat
            chance = rng.random()
            if chance < 0.55:
                kind, target = "person", self._person(rng)
            elif chance < 0.9:
                kind, target = "place", self._place(rng)
            else:
                kind, target = "organisation", self._organisation(rng)
            if (kind, target.pk) in used:
                continue
            used.add((kind, target.pk))
            link = {
                "id": pk * SUB_ROWS + len(links),
                "document_id": pk,
                "person_id": target.pk if kind == "person" else None,
                "organisation_id": target.pk if kind == "organisation" else None,
                "place_id": target.pk if kind == "place" else None,
                "name_as_printed": self._as_printed(rng, target),
            }
            links.append((link, target))
        return links

    def _origin(self, rng):
        if rng.random() >= 0.7:
            return None
        place = self._place(rng)
        spelling = rng.choice(place.spellings)
        return place, f"from {spelling}"

    def _themes(self, rng, pk: int) -> list:
        if not self.themes:
            return []
        chosen = sorted(set(rng.choices(self.themes, self.theme_weights, k=rng.randint(1, 3))))
        return [
            {"id": pk * SUB_ROWS + k, "document_id": pk, "theme_id": theme}
            for k, theme in enumerate(chosen)
        ]

    def _footnotes(self, rng, pk: int, mentions: list, date: DateFields):
        if rng.random() >= 1 / 3:
            return [], [], []
        markers = rng.choices(self.marker_styles, self.marker_style_weights)[0]
        markers = markers[: rng.choices([1, 2, 3], [60, 30, 10])[0]]
        persons = [target for link, target in mentions if link["person_id"]]
        notes, note_persons = [], []
        for order, marker in enumerate(markers):
            note_id = pk * SUB_ROWS + order
            kind = rng.choice(list(words.FOOTNOTE_TEMPLATES))
            if kind == "biographical" and not persons:
                kind = "editorial"
            person = rng.choice(persons) if kind == "biographical" else None
            text = words.FOOTNOTE_TEMPLATES[kind].format(
                name=person.name if person else "",
                office=self._office(rng),
                number=rng.randint(1, 400),
                object=rng.choice(words.OBJECTS),
                date=date.written or "that day",
            )
            notes.append(
                {
                    "id": note_id,
                    "document_id": pk,
                    "marker": marker,
                    "order": order + 1,
                    "text": text,
                    "kind": FootnoteKind(kind).value,
                }
            )
            if person:
                note_persons.append({"id": note_id, "footnote_id": note_id, "person_id": person.pk})
        return notes, note_persons, markers

    def _body(self, rng, mentions: list, markers: list) -> Piece:
        """Paragraphs of pool sentences, naming some of the mentioned, with footnote markers."""
        target = MIN_WORDS + int((MAX_DRAWN_WORDS - MIN_WORDS) * rng.random() ** 2)
        sentences, count = [], 0
        while count < target:  # draw in runs: one call to choices() is cheaper than many
            for sentence, length in rng.choices(self.pool, k=(target - count) // 40 + 1):
                sentences.append(sentence)
                count += length
        for link, _ in mentions:
            if rng.random() < 0.6 and link["name_as_printed"]:
                templates = self.place_templates if link["place_id"] else self.name_templates
                before, after = rng.choice(templates)
                named = merge([before, cached_piece(link["name_as_printed"]), after], "")
                sentences.insert(rng.randrange(len(sentences) + 1), named)
        positions = sorted(rng.sample(range(len(sentences)), min(len(markers), len(sentences))))
        for position, marker in zip(positions, markers, strict=False):
            sentences[position] = _with_marker(sentences[position], marker)
        raw_paragraphs, start = [], 0
        while start < len(sentences):
            size = rng.randint(3, 8)
            raw_paragraphs.append(" ".join([p.raw for p in sentences[start : start + size]]))
            start += size
        if rng.random() < 0.5:
            sentences.insert(0, cached_piece(rng.choice(words.SALUTATIONS)))
            raw_paragraphs.insert(0, sentences[0].raw)
        if rng.random() < 0.3:
            sentences.append(cached_piece(rng.choice(words.CLOSINGS)))
            raw_paragraphs.append(sentences[-1].raw)
        flat = merge(sentences)
        return Piece("\n\n".join(raw_paragraphs), flat.folded, flat.compounds)

    def _heading(self, rng, doc_type: str, correspondents: list, pieces: dict) -> dict:
        """Heading and title, and their search piece, built from cached pieces."""
        kind = words.TYPE_WORDS[doc_type]
        people = [self._described(link, agent) for link, agent in correspondents]
        extract = rng.random() < 0.1
        heading = [cached_piece(f"From {kind.lower()}" if extract else kind)]
        for word, person in zip([" from ", " to "], people[:2], strict=False):
            heading += [cached_piece(word), cached_piece(person)]
        names = [agent.name for _, agent in correspondents]
        title = []
        if rng.random() < 0.8 and names:
            title = [cached_piece(kind)]
            for word, name in zip([" from ", " to "], names[:2], strict=False):
                title += [cached_piece(word), cached_piece(name)]
        heading, title = merge(heading, ""), merge(title, "")
        pieces["heading"] = merge([heading, title])
        return {"heading": heading.raw, "title": title.raw}

    @staticmethod
    def _described(link: dict, agent) -> str:
        if link["office_as_stated"]:
            return f"the {link['office_as_stated']}"
        return link["name_as_printed"] or agent.name

    def _markings(self, rng) -> dict:
        classification = rng.choices(self.classifications, self.classification_weights)[0]
        urgent = rng.random() < 0.05
        printed = {"secret": "secret", "top_secret": "top secret"}.get(classification, "")
        if urgent:
            printed = f"Out of line {printed}".strip()
        return {
            "classification": classification,
            "priority": Priority.URGENT if urgent else Priority.NONE,
            "marking_as_printed": printed,
        }

    def _printed_lines(self, rng, correspondents: list, pieces: dict) -> dict:
        recipient = correspondents[1] if len(correspondents) > 1 else None
        author = correspondents[0][1] if correspondents else None
        supplied = rng.random() < 0.3
        signature = author.short_name if author and rng.random() < 0.85 else ""
        if signature and supplied:
            signature = f"[{signature}]"
        reference = ""
        if rng.random() < 0.3:
            numbers = [f"no. {rng.randint(1, 99)}", f"/{rng.randint(100, 9999)}"]
            pieces["reference_number"] = merge([cached_piece(n) for n in numbers], "")
            reference = pieces["reference_number"].raw
        return {
            "addressee_line": (
                f"{recipient[0]['name_as_printed'] or recipient[1].name}."
                if recipient and rng.random() < 0.6
                else ""
            ),
            "reference_number": reference,
            "distribution": rng.choice(words.DISTRIBUTIONS) if rng.random() < 0.1 else "",
            "signature": signature,
            "signature_supplied": bool(signature) and supplied,
        }

    def _source(self, rng, date: DateFields, pieces: dict) -> dict:
        year = date.start.year if date.start else 1930
        volume, page, number = year - 1917, rng.randint(1, 800), rng.randint(1, 450)
        fields = {
            "source_note": rng.choice(words.SOURCE_NOTES).format(
                number=rng.randint(1, 300), year=year, volume=volume, page=page
            ),
            "archival_reference": "",
            "archive_id": None,
        }
        if rng.random() < 0.6:
            parts = {
                "fond": f"{rng.randint(4, 150):03d}",
                "opis": str(rng.randint(1, 30)),
                "papka": str(rng.randint(1, 400)),
                "delo": str(rng.randint(1, 5000)),
                "folios": f"{page}\u2013{page + rng.randint(1, 4)}",
            }
            fields.update(parts)
            printed = [
                f"avp rf, f.{parts['fond']}",
                f", op.{parts['opis']}",
                f", p.{parts['papka']}",
                f", d.{parts['delo']}",
                ", l.",
                parts["folios"].replace("\u2013", "\u2010"),
            ]
            pieces["archival_reference"] = merge([cached_piece(p) for p in printed], "")
            fields["archival_reference"] = pieces["archival_reference"].raw
            fields["archive_id"] = self.archive_id
        if rng.random() < 0.4:
            fields.update(
                printed_volume=str(volume), printed_page=str(page), printed_number=str(number)
            )
        return fields

    @staticmethod
    def _timestamps(pk: int) -> dict:
        moment = TIMESTAMP_BASE + datetime.timedelta(seconds=pk)
        return {"created_at": moment, "updated_at": moment}

    # --- Search ----------------------------------------------------------------------------

    def _search_parts(self, row, pieces, origin, correspondents, mentions, footnotes) -> tuple:
        """The four weighted texts catalogue.search.index_parts would compute."""
        names = [searchtext.authority_names(origin[0])] if origin else []
        correspondent_names = []
        for link, agent in correspondents:
            correspondent_names.append(cached_piece(link["name_as_printed"]))
            correspondent_names.append(searchtext.authority_names(agent))
            names.append(cached_piece(link["office_as_stated"]))
        for link, target in mentions:
            names += [cached_piece(link["name_as_printed"]), searchtext.authority_names(target)]
        text = [pieces.get(line) or cached_piece(row[line]) for line in PRINTED_LINES]
        notes = "\n".join(note["text"] for note in footnotes)
        return (
            combined([pieces["heading"], *correspondent_names]),
            combined(names),
            combined(text),
            combined([piece(notes)]) if notes else "",
        )


def _with_marker(sentence: Piece, marker: str) -> Piece:
    """The sentence with a footnote marker before its final full stop."""
    raw = sentence.raw
    if raw.endswith("."):
        raw = raw[:-1] + (f" {marker}." if marker.isdigit() else f"{marker}.")
    else:
        raw = raw + (f" {marker}" if marker.isdigit() else marker)
    return piece(raw)


__all__ = ["BLOCK_SIZE", "Block", "DocumentMaker", "EMPTY", "make_date"]
