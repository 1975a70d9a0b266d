"""Parsed pages -> draft documents, one transaction per document.

`import_page` is the one entry point for the management command and the admin: it reads and
parses a page's bytes, recognises documents imported before (by content checksum, or by source
URL with the same heading and date), and unless it is a dry run writes each new document with
its footnotes, correspondents, mentions and authority suggestions in its own transaction, so
that a failure leaves nothing half-written and the other documents and files go on.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from catalogue.importers.relations import suggest_references
from catalogue.models import (
    Archive,
    AuthoritySuggestion,
    Correspondent,
    Document,
    Footnote,
    FootnoteKind,
    Mention,
    Status,
)
from catalogue.text import fold, name_key

from .authorities import DocumentNames, NameMatch, document_names
from .parser import ParsedDocument, ParsedPage, parse_page
from .text import PageError, checksum, read_page

DOCUMENT_FIELDS = [
    "heading", "doc_type", "is_extract", "date_written", "date_edtf", "addressee_line",
    "reference_number", "classification", "priority", "marking_as_printed", "distribution",
    "body", "signature", "signature_supplied", "source_note", "archival_reference", "fond",
    "opis", "papka", "delo", "folios", "printed_volume", "printed_page", "printed_number",
]  # fmt: skip


class Outcome:
    CREATED = "created"
    WOULD_CREATE = "would be created"
    SKIPPED = "already imported"
    FAILED = "failed"


@dataclass
class DocumentResult:
    parsed: ParsedDocument
    names: DocumentNames
    outcome: str
    document: Document | None = None  # the new document, or the one found for a skipped one
    error: str = ""

    @property
    def warnings(self) -> list[str]:
        return self.document.import_warnings if self.document else self.parsed.warnings


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


def existing_document(parsed: ParsedDocument, source_url: str) -> Document | None:
    """A document imported before from the same content, or from the same page address.

    Content: the import checksum, or, for documents catalogued by hand (no checksum), the
    same heading and body once folded. Address: the same source URL, heading and date.
    """
    checksum = parsed.content_checksum()
    found = Document.objects.filter(import_checksum=checksum).first()
    if found:
        return found
    heading = fold(parsed.heading)
    candidates = Document.objects.filter(date_written=parsed.date_written, import_checksum="")
    if source_url:
        candidates = candidates | Document.objects.filter(
            source_url=source_url, date_written=parsed.date_written
        )
    for document in candidates.only("pk", "identifier", "heading", "body", "source_url"):
        if fold(document.heading) != heading:
            continue
        if document.source_url == source_url != "" or fold(document.body) == fold(parsed.body):
            return document
    return None


def parse_data(data: bytes) -> ParsedPage:
    return parse_page(read_page(data))


def import_page(name: str, data: bytes, collection, user=None, dry_run=False) -> FileResult:
    result = FileResult(name=name, checksum=checksum(data))
    try:
        page = parse_data(data)
    except PageError as error:
        result.error = str(error)
        return result
    result.source_url = page.source_url
    for parsed in page.documents:
        result.documents.append(import_document(parsed, page.source_url, collection, user, dry_run))
    return result


def import_document(parsed, source_url, collection, user=None, dry_run=False) -> DocumentResult:
    names = document_names(parsed)
    existing = existing_document(parsed, source_url)
    if existing:
        return DocumentResult(parsed, names, Outcome.SKIPPED, document=existing)
    if dry_run:
        return DocumentResult(parsed, names, Outcome.WOULD_CREATE)
    try:
        document = save_document(parsed, names, source_url, collection, user)
    except (DatabaseError, ValidationError) as error:
        return DocumentResult(parsed, names, Outcome.FAILED, error=_message(error))
    return DocumentResult(parsed, names, Outcome.CREATED, document=document)


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


def build_document(parsed: ParsedDocument, source_url: str, collection, user) -> Document:
    warnings = list(parsed.warnings)
    values = {name: _fit(name, getattr(parsed, name), warnings) for name in DOCUMENT_FIELDS}
    archive = None
    if parsed.archive:
        archive = Archive.objects.filter(abbreviation__iexact=parsed.archive).first()
        if archive is None:
            warnings.append(f"archive {parsed.archive} is not in the catalogue")
    return Document(
        collection=collection,
        status=Status.DRAFT,
        archive=archive,
        place_of_origin_as_written=_fit(
            "place_of_origin_as_written", parsed.place_of_origin, warnings
        ),  # fmt: skip
        source_url=_fit("source_url", source_url, warnings),
        import_checksum=parsed.content_checksum(),
        import_warnings=warnings,
        created_by=user,
        updated_by=user,
        **values,
    )


def save_document(parsed, names: DocumentNames, source_url, collection, user=None) -> Document:
    with transaction.atomic():
        document = build_document(parsed, source_url, collection, user)
        document.save()
        save_footnotes(document, parsed, names)
        for order, match in enumerate(names.correspondents):
            save_correspondent(document, match, order)
        for match in names.mentions:
            save_mention(document, match)
        if names.place_of_origin:
            save_place_of_origin(document, names.place_of_origin)
        suggest_references(document)  # issue 15: "refers to" suggestions
        if document.import_warnings != parsed.warnings:
            document.save(update_fields=["import_warnings"])
    return document


def _footnote_kind(text: str) -> str:
    return FootnoteKind.CROSS_REFERENCE if fold(text).startswith("see ") else FootnoteKind.EDITORIAL


def save_footnotes(document: Document, parsed: ParsedDocument, names: DocumentNames):
    by_marker: dict[str, Footnote] = {}
    for index, note in enumerate(parsed.footnotes):
        footnote = by_marker.get(note.marker)
        if footnote:  # the same marker twice (already warned about): keep both texts in one
            footnote.text += "\n\n" + note.text
            footnote.save(update_fields=["text"])
        else:
            footnote = Footnote.objects.create(
                document=document,
                marker=note.marker[:10],
                order=index,
                text=note.text,
                kind=_footnote_kind(note.text),
            )
            by_marker[note.marker] = footnote
        for match in names.footnote_mentions.get(index, []):
            if match.kind == "person":
                footnote.persons.add(match.record)
            elif match.kind == "place":
                footnote.places.add(match.record)


def suggest(document: Document, match: NameMatch):
    if match.ambiguous:
        document.import_warnings.append(
            f"“{match.name}” matches several {match.kind} records: choose one in the suggestions"
        )
    existing = AuthoritySuggestion.objects.filter(
        document=document, kind=match.kind, role=match.role, name_key=name_key(match.name)
    )
    if not existing.exists():
        AuthoritySuggestion.objects.create(
            document=document,
            kind=match.kind,
            role=match.role,
            name_as_printed=match.name[:255],
            office_as_stated=match.office[:500],
        )


def save_correspondent(document: Document, match: NameMatch, order: int):
    if not match.matched:
        suggest(document, match)
        return
    Correspondent.objects.get_or_create(
        document=document,
        role=match.role,
        **{match.kind: match.record},
        defaults={
            "name_as_printed": match.name[:255],
            "office_as_stated": match.office[:500],
            "order": order,
        },
    )


def save_mention(document: Document, match: NameMatch):
    Mention.objects.get_or_create(
        document=document,
        **{match.kind: match.record},
        defaults={"name_as_printed": match.name[:255]},
    )


def save_place_of_origin(document: Document, match: NameMatch):
    if match.matched:
        document.place_of_origin = match.record
        document.save(update_fields=["place_of_origin"])
    else:
        suggest(document, match)
