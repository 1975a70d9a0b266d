"""Parsed pages -> draft documents, one transaction per document.

`import_page` is the one entry point for the management command and the admin: it reads and
parses a page's bytes, recognises documents imported before (by content checksum, or by source
URL with the same heading and date), and unless it is a dry run writes each new document with
its footnotes, correspondents, mentions and authority suggestions in its own transaction, so
that a failure leaves nothing half-written and the other documents and files go on.

Everything a document's warnings say is worked out before the dry-run/real-run fork
(`planned_warnings`), so that a dry run reports exactly the warnings the import would store.
A document the parser refused (bad bytes in it, a heading with no text) fails on its own;
its neighbours on the page are imported.

Senders and recipients named only by their office ("the peopleʹs commissar for foreign affairs
of the USSR") are matched against the persons' offices with their dates: the one person who
held that office on the document's date is offered as a suggestion that states its reason.
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from catalogue.dates import parse_date_range
from catalogue.importers.relations import suggest_references
from catalogue.models import (
    Archive,
    AuthoritySuggestion,
    Correspondent,
    Document,
    Footnote,
    FootnoteKind,
    Mention,
    Office,
    Status,
    SuggestionKind,
    SuggestionRole,
)
from catalogue.search import index_refresh_deferred
from catalogue.text import fold, name_key

from .authorities import (
    DocumentNames,
    NameIndex,
    NameMatch,
    _name_match,
    document_names,
    using_name_index,
)
from .dates import first_day
from .duplicates import is_same_date, offer_transcription
from .mentions import add_suggested_mentions, suggested_mention_fields
from .parser import ParsedDocument, ParsedPage, parse_page
from .text import PageError, checksum, read_page

DOCUMENT_FIELDS = [
    "heading", "doc_type", "is_extract", "date_written", "date_edtf", "addressee_line",
    "reference_number", "classification", "priority", "marking_as_printed", "distribution",
    "body", "signature", "signature_supplied", "source_note", "transmission",
    "archival_reference", "fond",
    "opis", "papka", "delo", "folios", "printed_volume", "printed_page", "printed_number",
]  # fmt: skip


class Outcome:
    CREATED = "created"
    WOULD_CREATE = "would be created"
    SKIPPED = "already imported"
    FAILED = "failed"


@dataclass
class Inference:
    """A person suggested for a sender or recipient named only by an office."""

    role: str
    person: object
    office_as_stated: str
    reason: str


@dataclass
class DocumentResult:
    parsed: ParsedDocument
    names: DocumentNames
    outcome: str
    document: Document | None = None  # the new document, or the one found for a skipped one
    error: str = ""
    planned_warnings: list[str] = field(default_factory=list)
    inferences: list[Inference] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        if self.document is not None and self.outcome == Outcome.SKIPPED:
            return self.document.import_warnings
        return self.planned_warnings or self.parsed.warnings


class ImportRun:
    """What one run reads once instead of once per document: the persons' offices and the
    archives. Made per run (never kept between runs), so nothing rests on a stale cache."""

    def __init__(self, bulk_names: bool = True):
        self._offices = None
        self._archives = None
        self._names = None
        self.bulk_names = bulk_names

    @property
    def names(self) -> NameIndex | None:
        """Every authority name key, read once (authorities.NameIndex); None when the run is
        a page or two (the admin's upload), where a query per name costs less."""
        if self._names is None and self.bulk_names:
            self._names = NameIndex()
        return self._names

    def offices(self) -> list[tuple[str, object, object, object, str, str]]:
        """(folded title, first day, last day, person, start EDTF, end EDTF) of every office,
        the dates parsed once per run (None for an open end)."""
        if self._offices is None:
            rows = Office.objects.select_related("person").only(
                "title", "start", "end", "person__preferred_name", "person__slug"
            )
            self._offices = [
                (fold(o.title), *_office_days(o.start, o.end), o.person, o.start, o.end)
                for o in rows
            ]
        return self._offices

    def archive(self, abbreviation: str):
        if self._archives is None:
            self._archives = {fold(a.abbreviation): a for a in Archive.objects.all()}
        return self._archives.get(fold(abbreviation))


@dataclass
class FileResult:
    name: str
    checksum: str = ""
    source_url: str = ""
    error: str = ""
    documents: list[DocumentResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for result in self.documents if result.outcome == outcome)

    @property
    def warned(self) -> int:
        return sum(
            1
            for result in self.documents
            if result.outcome in (Outcome.CREATED, Outcome.WOULD_CREATE) and result.warnings
        )


def _hand_catalogued_or_same_address(parsed: ParsedDocument, source_url: str) -> Q:
    """Where a document imported before checksums, or from the same address, can be: the
    same date as written, and no checksum (date_start indexed) or the same source URL."""
    condition = Q(date_written=parsed.date_written, import_checksum="")
    if day := first_day(parsed.date_edtf):
        condition &= Q(date_start=day) | Q(date_start__isnull=True)
    if source_url:
        condition |= Q(source_url=source_url, date_written=parsed.date_written)
    return condition


def _is_hand_catalogued_or_same_address(row: Document, parsed: ParsedDocument, url: str) -> bool:
    """`_hand_catalogued_or_same_address` for a row in memory."""
    if row.date_written != parsed.date_written:
        return False
    if url and row.source_url == url:
        return True
    day = first_day(parsed.date_edtf)
    return row.import_checksum == "" and (day is None or row.date_start in (day, None))


def _catalogue_order(document: Document) -> tuple:
    """Document's default ordering (date_start, identifier; PostgreSQL puts no date last)."""
    return (document.date_start is None, document.date_start or datetime.date.min,
            document.identifier)  # fmt: skip


class PageDuplicates:
    """The catalogued documents that the documents of one page may repeat, read in one query
    for the whole page (issue 13, item 7) instead of three per document: documents with one
    of their checksums, documents from before checksums or from the same address with one of
    their dates as written, and documents with one of their dates that may be another
    site's transcription (duplicates.transcription_of). Each document is then checked
    against these rows by the same rules as the queries did, in the catalogue's order;
    documents created from the page meanwhile are added (`created`), so that a document
    repeated on its own page is found as before."""

    # What the rules compare, and what a result shows (identifier, the warnings of a document
    # imported before).
    FIELDS = ("pk", "identifier", "heading", "body", "source_url", "import_checksum",
              "import_warnings", "date_written", "date_edtf", "date_start",
              "reference_number")  # fmt: skip

    def __init__(self, documents: list[ParsedDocument], source_url: str):
        self.source_url = source_url
        documents = [parsed for parsed in documents if not parsed.error]
        self.rows: list[Document] = []
        if not documents:
            return
        # Every row any rule may need, by the indexed fields (a few rows more than the rules
        # keep; `existing` and `same_date` apply them exactly).
        condition = Q(import_checksum__in={parsed.content_checksum() for parsed in documents})
        written = {parsed.date_written for parsed in documents if parsed.date_written}
        condition |= Q(date_written__in=written) | Q(
            date_edtf__in={parsed.date_edtf for parsed in documents if parsed.date_edtf}
        )
        for parsed in documents:
            if not parsed.date_written:  # only the exact rule: undated documents are many
                condition |= _hand_catalogued_or_same_address(parsed, source_url)
        self.rows = list(Document.objects.filter(condition).only(*self.FIELDS))

    def created(self, document: Document):
        self.rows = sorted([*self.rows, document], key=_catalogue_order)

    def existing(self, parsed: ParsedDocument) -> Document | None:
        """A document imported before from the same content, or from the same page address.

        Content: the import checksum, or, for documents catalogued by hand (no checksum), the
        same heading and body once folded. Address: the same source URL, heading and date.
        """
        checksum = parsed.content_checksum()
        for row in self.rows:
            if row.import_checksum == checksum:
                return row
        rows = (
            r for r in self.rows if _is_hand_catalogued_or_same_address(r, parsed, self.source_url)
        )
        return _first_repeated(parsed, self.source_url, rows)

    def same_date(self, parsed: ParsedDocument) -> list[Document]:
        """The candidates of `duplicates.transcription_of`, from the page's rows."""
        return [row for row in self.rows if is_same_date(row, parsed, self.source_url)]


@lru_cache(maxsize=20_000)
def _folded_heading(heading: str) -> str:
    return fold(heading)


def _first_repeated(parsed: ParsedDocument, source_url: str, candidates) -> Document | None:
    heading = fold(parsed.heading)
    for document in candidates:
        if _folded_heading(document.heading) != heading:
            continue
        if document.source_url == source_url != "" or fold(document.body) == fold(parsed.body):
            return document
    return None


def parse_data(data: bytes) -> ParsedPage:
    return parse_page(read_page(data))


def import_page(
    name: str, data: bytes, collection, user=None, dry_run=False, run: ImportRun | None = None
) -> FileResult:
    result = FileResult(name=name, checksum=checksum(data))
    run = run or ImportRun(bulk_names=False)
    try:
        page = parse_data(data)
    except PageError as error:
        result.error = str(error)
        return result
    result.source_url = page.source_url
    duplicates = PageDuplicates(page.documents, page.source_url)  # one query for the page
    with index_refresh_deferred():  # one search-index refresh per page (or per run)
        for parsed in page.documents:
            result.documents.append(
                import_document(parsed, page.source_url, collection, user, dry_run, run, duplicates)
            )
    return result


def import_document(
    parsed,
    source_url,
    collection,
    user=None,
    dry_run=False,
    run: ImportRun | None = None,
    duplicates: PageDuplicates | None = None,
) -> DocumentResult:
    run = run or ImportRun(bulk_names=False)
    duplicates = duplicates or PageDuplicates([parsed], source_url)
    with using_name_index(run.names):
        names = document_names(parsed)
        add_interlocutor(names, parsed)
        names = add_suggested_mentions(names, parsed)
    inferences = inferred_persons(parsed, names, run)
    warnings = planned_warnings(parsed, names, run, source_url)
    planned = {"planned_warnings": warnings, "inferences": inferences}
    if parsed.error:
        return DocumentResult(parsed, names, Outcome.FAILED, error=parsed.error, **planned)
    existing = duplicates.existing(parsed)
    if existing:
        return DocumentResult(parsed, names, Outcome.SKIPPED, document=existing, **planned)
    candidates = duplicates.same_date(parsed)
    if offered := offer_transcription(parsed, source_url, user, dry_run, candidates):  # item 5
        return DocumentResult(parsed, names, offered[0], document=offered[1], **planned)
    if dry_run:
        return DocumentResult(parsed, names, Outcome.WOULD_CREATE, **planned)
    try:
        document = save_document(
            parsed, names, source_url, collection, user, warnings, inferences, run
        )
    except (DatabaseError, ValidationError) as error:
        return DocumentResult(parsed, names, Outcome.FAILED, error=_message(error), **planned)
    duplicates.created(document)
    return DocumentResult(parsed, names, Outcome.CREATED, document=document, **planned)


def add_interlocutor(names: DocumentNames, parsed: ParsedDocument):
    """The other party of a record of conversation, as a correspondent "interlocutor"."""
    if parsed.other_party_name:
        names.correspondents.append(
            _name_match(
                SuggestionKind.PERSON,
                SuggestionRole.INTERLOCUTOR,
                parsed.other_party_name,
                parsed.other_party_office,
            )
        )


def _suggested(names: DocumentNames) -> list[NameMatch]:
    """The names that become suggestions, in the order they are saved."""
    found = [match for match in names.correspondents if not match.matched]
    if names.place_of_origin and not names.place_of_origin.matched:
        found.append(names.place_of_origin)
    return found


def ambiguity_warning(match: NameMatch) -> str:
    return f"“{match.name}” matches several {match.kind} records: choose one in the suggestions"


def planned_warnings(
    parsed: ParsedDocument, names: DocumentNames, run: ImportRun, source_url: str = ""
) -> list[str]:
    """Every warning the document will carry, the same in a dry run and a real one."""
    warnings = list(parsed.warnings)
    _fit("source_url", source_url, warnings)
    for name in DOCUMENT_FIELDS:
        _fit(name, getattr(parsed, name), warnings)
    _fit("place_of_origin_as_written", parsed.place_of_origin, warnings)
    if parsed.archive and run.archive(parsed.archive) is None:
        warnings.append(f"archive {parsed.archive} is not in the catalogue")
    seen = set()
    for match in _suggested(names):
        message = ambiguity_warning(match)
        if match.ambiguous and message not in seen:
            seen.add(message)
            warnings.append(message)
    return warnings


# --- Persons named only by their office --------------------------------------------------------

_OFFICE_REMAINDER = re.compile(
    r"^(?:(?:of|in)\s+(?:the\s+)?(?:ussr|rsfsr|soviet\s+union|soviet\s+russia|"
    r"soviet\s+government))?\s*$"
)


def _office_days(start: str, end: str) -> tuple:
    """(first day, last day) of an office's period; an unreadable date leaves that end open."""
    try:
        first = parse_date_range(start).start if start else None
    except ValidationError:
        first = None
    try:
        last = parse_date_range(end).end if end else None
    except ValidationError:
        last = None
    return first, last


def office_holder(office: str, edtf: str, run: ImportRun):
    """(person, title) of the one person whose office with that title covers the date."""
    day = first_day(edtf)
    if day is None:
        return None
    stated = re.sub(r"^the\s+", "", fold(office))
    holders = {}
    for title, first, last, person, start, end in run.offices():
        if not title or not stated.startswith(title):
            continue
        held = (first is None or first <= day) and (last is None or day <= last)
        if held and _OFFICE_REMAINDER.match(stated[len(title) :].strip()):
            holders[person.pk] = (person, title, start, end)
    return next(iter(holders.values())) if len(holders) == 1 else None


def inferred_persons(parsed: ParsedDocument, names: DocumentNames, run: ImportRun):
    """Sender and recipient named by office alone -> the office holder on the date."""
    if not parsed.date_edtf:
        return []
    named_roles = {m.role for m in names.correspondents if m.kind == SuggestionKind.PERSON}
    found = []
    for role, name, office in (
        (SuggestionRole.AUTHOR, parsed.sender_name, parsed.sender_office),
        (SuggestionRole.RECIPIENT, parsed.recipient_name, parsed.recipient_office),
    ):
        if name or not office or role in named_roles:
            continue
        holder = office_holder(office, parsed.date_edtf, run)
        if holder:
            person, _, start, end = holder
            period = "–".join(part for part in (start, end) if part) or "no dates"
            reason = (
                f"held the office “{office}” on {parsed.date_edtf} (office {period}); "
                "suggested from the office and the date"
            )
            found.append(Inference(role, person, office, reason))
    return found


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return f"The database refused the document: {error}"


# --- Writing one document ----------------------------------------------------------------------


def _fit(field_name: str, value, warnings: list[str]):
    """Cut a value to its field's length, with a warning, rather than fail the document."""
    max_length = Document._meta.get_field(field_name).max_length
    if max_length and isinstance(value, str) and len(value) > max_length:
        warnings.append(f"{field_name} was longer than {max_length} characters and was cut")
        return value[:max_length]
    return value


def build_document(
    parsed: ParsedDocument, source_url: str, collection, user, warnings=None, run=None
) -> Document:
    run = run or ImportRun()
    if warnings is None:
        warnings = planned_warnings(parsed, document_names(parsed), run, source_url)
    values = {name: _fit(name, getattr(parsed, name), []) for name in DOCUMENT_FIELDS}
    return Document(
        collection=collection,
        status=Status.DRAFT,
        archive=run.archive(parsed.archive) if parsed.archive else None,
        place_of_origin_as_written=_fit(
            "place_of_origin_as_written", parsed.place_of_origin, []
        ),  # fmt: skip
        source_url=_fit("source_url", source_url, []),
        import_checksum=parsed.content_checksum(),
        import_warnings=list(warnings),
        created_by=user,
        updated_by=user,
        **values,
    )


def save_document(
    parsed,
    names: DocumentNames,
    source_url,
    collection,
    user=None,
    warnings=None,
    inferences=(),
    run=None,
) -> Document:
    """The draft with its footnotes, correspondents, mentions and suggestions, in one
    transaction. The parts are created in bulk (one INSERT per table, with their history
    records), not one by one: a new draft is not public, so no catalogue version moves
    (versioning.is_public_change), and its search text is refreshed with the document's."""
    with transaction.atomic():
        document = build_document(parsed, source_url, collection, user, warnings, run)
        if names.place_of_origin and names.place_of_origin.matched:
            document.place_of_origin = names.place_of_origin.record  # saved with the rest
        document.save()
        save_footnotes(document, parsed, names)
        parts = NewParts(document)
        for order, match in enumerate(names.correspondents):
            parts.correspondent(match, order)
        for match in names.mentions:
            parts.mention(match)
        if names.place_of_origin and not names.place_of_origin.matched:
            parts.suggest(names.place_of_origin)
        for inference in inferences:
            parts.inference(inference)
        parts.save()
        suggest_references(document)  # issue 15: "refers to" suggestions
    return document


def _footnote_kind(text: str) -> str:
    return FootnoteKind.CROSS_REFERENCE if fold(text).startswith("see ") else FootnoteKind.EDITORIAL


# The kinds of record a footnote links to, and its field for them.
FOOTNOTE_LINKS = {"person": "persons", "place": "places"}


def save_footnotes(document: Document, parsed: ParsedDocument, names: DocumentNames):
    """The document's footnotes with the persons and places they name, in one INSERT per
    table and one for each table's history records; a marker printed twice (already warned
    about) keeps both texts in one footnote. A footnote's first history record holds its
    links (simple_history's m2m snapshot)."""
    by_marker: dict[str, Footnote] = {}
    linked: dict[str, dict[str, dict]] = {kind: {} for kind in FOOTNOTE_LINKS}
    for index, note in enumerate(parsed.footnotes):
        footnote = by_marker.get(note.marker)
        if footnote:
            footnote.text += "\n\n" + note.text
        else:
            footnote = by_marker[note.marker] = Footnote(
                document=document,
                marker=note.marker[:10],
                order=index,
                text=note.text,
                kind=_footnote_kind(note.text),
            )
        for match in names.footnote_mentions.get(index, []):
            if match.kind in FOOTNOTE_LINKS:
                records = linked[match.kind].setdefault(note.marker, {})
                records.setdefault(match.record.pk, match.record)
    if not by_marker:
        return
    footnotes = Footnote.objects.bulk_create(by_marker.values())
    links = {kind: _link_footnotes(kind, by_marker, found) for kind, found in linked.items()}
    history = dict(zip(footnotes, Footnote.history.bulk_history_create(footnotes), strict=True))
    for kind, rows in links.items():
        _footnote_links_history(FOOTNOTE_LINKS[kind], rows, history)


def _link_footnotes(kind: str, by_marker: dict[str, Footnote], found: dict) -> list:
    """The footnotes' links to persons or places (`found`: marker -> records), one INSERT."""
    if not found:
        return []
    through = getattr(Footnote, FOOTNOTE_LINKS[kind]).through
    rows = [
        through(footnote=by_marker[marker], **{kind: record})
        for marker, records in found.items()
        for record in records.values()
    ]
    return through.objects.bulk_create(rows)


def _footnote_links_history(field: str, rows: list, history: dict):
    """The links as simple_history records them for a footnote's history record."""
    if not rows:
        return
    historical = Footnote.history.model._meta
    model = historical.get_field(f"{historical.model_name}_{field}").related_model
    names = [f.name for f in rows[0]._meta.fields]
    model.objects.bulk_create(
        model(history=history[row.footnote], **{name: getattr(row, name) for name in names})
        for row in rows
    )


class NewParts:
    """The correspondents, mentions and authority suggestions of a new document, collected
    and then written with one INSERT per table (`save`). A name written twice into the
    document (the same record in the same role, the same suggestion) is written once: a new
    document has no other parts, so duplicates are told apart here, not by queries."""

    def __init__(self, document: Document):
        self.document = document
        self.correspondents: list[Correspondent] = []
        self.mentions: list[Mention] = []
        self.suggestions: dict[tuple, AuthoritySuggestion] = {}
        self.written: set = set()

    def _first_time(self, *key) -> bool:
        if key in self.written:
            return False
        self.written.add(key)
        return True

    def _suggestion(self, kind, role, name: str, **fields):
        """One suggestion per kind, role and name key (the table's unique constraint)."""
        name_as_printed = name[:255]
        key = (kind, role, name_key(name_as_printed))
        if key not in self.suggestions:
            self.suggestions[key] = AuthoritySuggestion(
                document=self.document,
                kind=kind,
                role=role,
                name_as_printed=name_as_printed,
                name_key=key[2],
                **fields,
            )

    def suggest(self, match: NameMatch):
        """An unmatched (or ambiguous) name as a suggestion; its warning is already planned."""
        self._suggestion(match.kind, match.role, match.name, office_as_stated=match.office[:500])

    def correspondent(self, match: NameMatch, order: int):
        if not match.matched:
            self.suggest(match)
        elif self._first_time("correspondent", match.role, match.kind, match.record.pk):
            self.correspondents.append(
                Correspondent(
                    document=self.document,
                    role=match.role,
                    **{match.kind: match.record},
                    name_as_printed=match.name[:255],
                    office_as_stated=match.office[:500],
                    order=order,
                )
            )

    def mention(self, match: NameMatch):
        if not match.matched:  # found by pattern or gazetteer: a suggestion, never a record
            self._suggestion(match.kind, match.role, match.name, **suggested_mention_fields(match))
        elif self._first_time("mention", match.kind, match.record.pk):
            self.mentions.append(
                Mention(
                    document=self.document,
                    **{match.kind: match.record},
                    name_as_printed=match.name[:255],
                )
            )

    def inference(self, inference: Inference):
        """A person suggested from an office and the date, with its reason."""
        self._suggestion(
            SuggestionKind.PERSON,
            inference.role,
            str(inference.person),
            office_as_stated=inference.office_as_stated[:500],
            person=inference.person,
            reason=inference.reason[:500],
        )

    def save(self):
        if self.correspondents:
            bulk_create_with_history(self.correspondents, Correspondent)
        if self.mentions:
            bulk_create_with_history(self.mentions, Mention)
        if self.suggestions:
            AuthoritySuggestion.objects.bulk_create(self.suggestions.values())
