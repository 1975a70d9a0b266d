"""Which records the repository holds, in the order harvesters page through them.

A record is a published document (datestamp: its last change) or a document that was public
and has been withdrawn (a deleted record; datestamp: the withdrawal). Drafts that were never
published are not records at all. Sets are the collections (setSpec = the collection's slug).
Lists are ordered by (datestamp, identifier) and paged by keyset: each page starts after the
last record of the one before.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, F, Min, Q, Value

from catalogue.models import Collection, Document, WithdrawnDocument

from .dublin_core import documents_for_records
from .protocol import OAIError, Request


@dataclass(frozen=True)
class Header:
    identifier: str  # the document's identifier, e.g. D000001
    datestamp: datetime.datetime
    set_spec: str | None
    deleted: bool


def repository_identifier() -> str:
    return settings.OAI_REPOSITORY_IDENTIFIER


def oai_identifier(identifier: str) -> str:
    """D000001 -> oai:<repository identifier>:D000001."""
    return f"oai:{repository_identifier()}:{identifier}"


def document_identifier(oai_id: str) -> str:
    """The document identifier an OAI identifier names; idDoesNotExist if it names none of
    ours."""
    prefix = f"oai:{repository_identifier()}:"
    local = oai_id[len(prefix) :] if oai_id.startswith(prefix) else ""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", local):
        raise OAIError(
            "idDoesNotExist", f"“{oai_id[:80]}” is not an identifier of this repository."
        )
    return local


def _published():
    return Document.objects.published()


def _withdrawn():
    # A document republished after a reload of the seed may still have a row: it is not deleted.
    return WithdrawnDocument.objects.exclude(identifier__in=_published().values("identifier"))


def _rows(queryset, stamp_field, deleted):
    return queryset.annotate(
        stamp=F(stamp_field),
        gone=Value(deleted, output_field=BooleanField()),
        set_spec=F("collection__slug"),
    )


def _selected(rows, request: Request):
    if request.set_spec:
        rows = rows.filter(set_spec=request.set_spec)
    if request.start:
        rows = rows.filter(stamp__gte=request.start)
    if request.end:
        rows = rows.filter(stamp__lt=request.end)
    return rows


def _after(rows, after):
    if not after:
        return rows
    stamp, identifier = datetime.datetime.fromisoformat(after[0]), after[1]
    return rows.filter(Q(stamp__gt=stamp) | Q(stamp=stamp, identifier__gt=identifier))


COLUMNS = ("identifier", "stamp", "gone", "set_spec")


def _sources(request: Request):
    return [
        _selected(_rows(_published(), "updated_at", False), request),
        _selected(_rows(_withdrawn(), "withdrawn_at", True), request),
    ]


def check_set(request: Request):
    if request.set_spec and not Collection.objects.exists():
        raise OAIError("noSetHierarchy", "This repository has no sets.")


def count(request: Request) -> int:
    return sum(rows.order_by().count() for rows in _sources(request))


def headers(request: Request, limit: int) -> list[Header]:
    """Up to `limit` headers of the list `request` asks for, after its token's position."""
    published, withdrawn = (
        _after(rows, request.after).order_by().values_list(*COLUMNS) for rows in _sources(request)
    )
    page = published.union(withdrawn, all=True).order_by("stamp", "identifier")[:limit]
    return [Header(identifier, stamp, spec, bool(gone)) for identifier, stamp, gone, spec in page]


def header(identifier: str) -> Header:
    """The header of one record; idDoesNotExist for drafts never published and for strangers."""
    document = _published().filter(identifier=identifier).select_related("collection").first()
    if document:
        return Header(identifier, document.updated_at, document.collection.slug, False)
    withdrawn = _withdrawn().filter(identifier=identifier).select_related("collection").first()
    if withdrawn:
        slug = withdrawn.collection.slug if withdrawn.collection else None
        return Header(identifier, withdrawn.withdrawn_at, slug, True)
    raise OAIError("idDoesNotExist", f"No record has the identifier {oai_identifier(identifier)}.")


def earliest_datestamp() -> datetime.datetime:
    stamps = [
        _published().aggregate(first=Min("updated_at"))["first"],
        _withdrawn().aggregate(first=Min("withdrawn_at"))["first"],
    ]
    stamps = [stamp for stamp in stamps if stamp]
    return min(stamps) if stamps else datetime.datetime.now(datetime.UTC)


def sets():
    """(setSpec, setName, description) of every collection, by slug."""
    return list(Collection.objects.order_by("slug").values_list("slug", "title", "description"))


def documents_by_identifier(page: list[Header]) -> dict:
    """The published documents of a page's live records, with what their metadata reads."""
    wanted = [header.identifier for header in page if not header.deleted]
    if not wanted:
        return {}
    documents = documents_for_records(_published().filter(identifier__in=wanted))
    return {document.identifier: document for document in documents}
