"""Records as the API gives them: plain dicts in the shapes of catalogue.api.schemas."""

from django.db.models import Prefetch
from django.http import QueryDict
from django.urls import reverse

from catalogue.citations.csl import PREFETCH_RELATED, csl_item
from catalogue.citations.formats import FORMATS
from catalogue.models import (
    Correspondent,
    Mention,
    Scan,
    public_relation_prefetches,
    public_relations,
)
from catalogue.sourcenotes import gloss
from catalogue.views.documents import AUTHOR_ROLES


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def api_path(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def with_query(path: str, **params) -> str:
    query = QueryDict(mutable=True)
    query.update(params)
    return f"{path}?{query.urlencode()}"


def link(request, kind: str, record) -> dict:
    name = getattr(record, "preferred_name", None) or getattr(record, "name", None)
    return {
        "kind": kind,
        "slug": record.slug,
        "name": name or record.title,
        "url": absolute(request, record.get_absolute_url()),
        "api_url": absolute(request, api_path(f"{kind}-detail", slug=record.slug)),
    }


def party(request, correspondent) -> dict:
    kind = "person" if correspondent.person_id else "organisation"
    return {
        **link(request, kind, correspondent.agent),
        "role": correspondent.role,
        "office_as_stated": correspondent.office_as_stated,
        "name_as_printed": correspondent.name_as_printed,
    }


def _iso(day):
    return day.isoformat() if day else None


def document_summary(request, document) -> dict:
    correspondents = list(document.correspondents.all())
    return {
        "identifier": document.identifier,
        "url": absolute(request, document.get_absolute_url()),
        "api_url": absolute(request, api_path("document-detail", identifier=document.identifier)),
        "title": document.display_title,
        "heading": document.heading,
        "type": document.doc_type,
        "type_label": document.get_doc_type_display(),
        "is_extract": document.is_extract,
        "date": {
            "as_written": document.date_written,
            "edtf": document.date_edtf,
            "start": _iso(document.date_start),
            "end": _iso(document.date_end),
        },
        "authors": [party(request, c) for c in correspondents if c.role in AUTHOR_ROLES],
        "recipients": [party(request, c) for c in correspondents if c.role not in AUTHOR_ROLES],
        "collection": document.collection.slug,
    }


def detail_queryset(documents):
    """What document_detail reads, joined or prefetched (a constant number of queries)."""
    return documents.select_related(
        "collection", "collection__archive", "archive", "place_of_origin"
    ).prefetch_related(
        Prefetch(
            "correspondents",
            queryset=Correspondent.objects.select_related("person", "organisation"),
        ),
        Prefetch(
            "mentions", queryset=Mention.objects.select_related("person", "organisation", "place")
        ),
        Prefetch("scans", queryset=Scan.objects.approved().order_by("page")),
        "themes",
        "footnotes",
        *PREFETCH_RELATED,
        *public_relation_prefetches(),
    )


def _source_note(document):
    if not document.source_note:
        return None
    found = gloss(document.source_note)
    return {"as_printed": document.source_note, "gloss": found.text if found else None}


def _archival_reference(document) -> dict:
    archive = document.archive or document.collection.archive
    return {
        "as_printed": document.archival_reference,
        "archive": archive.abbreviation if archive else "",
        "archive_name": archive.name if archive else "",
        "fond": document.fond,
        "opis": document.opis,
        "papka": document.papka,
        "delo": document.delo,
        "folios": document.folios,
        "cited_as": document.archival_location,
    }


def _printed_source(document):
    if not any((document.printed_volume, document.printed_page, document.printed_number)):
        return None
    return {
        "series": document.collection.series_title,
        "volume": document.printed_volume,
        "page": document.printed_page,
        "number": document.printed_number,
        "year": document.printed_year,
    }


def _mentioned(request, mentions, kind):
    found = [getattr(m, kind) for m in mentions if getattr(m, f"{kind}_id")]
    return [link(request, kind, target) for target in sorted(found, key=str)]


def _related(request, row) -> dict:
    other = row.document
    return {
        "relation": row.key,
        "label": row.label,
        "identifier": other.identifier,
        "title": other.display_title,
        "url": absolute(request, other.get_absolute_url()),
        "api_url": absolute(request, api_path("document-detail", identifier=other.identifier)),
        "note": row.note,
    }


def document_detail(request, document) -> dict:
    mentions = list(document.mentions.all())
    url = absolute(request, document.get_absolute_url())
    return {
        **document_summary(request, document),
        "place_of_origin": (
            link(request, "place", document.place_of_origin) if document.place_of_origin else None
        ),
        "place_of_origin_as_written": document.place_of_origin_as_written,
        "addressee_line": document.addressee_line,
        "reference_number": document.reference_number,
        "classification": document.classification,
        "priority": document.priority,
        "markings_as_printed": document.marking_as_printed,
        "distribution": document.distribution,
        "body": document.body,
        "signature": document.signature,
        "signature_supplied": document.signature_supplied,
        "source_note": _source_note(document),
        "archival_reference": _archival_reference(document),
        "printed_source": _printed_source(document),
        "original_language": document.original_language,
        "translation_language": document.translation_language,
        "translator": document.translator,
        "themes": [theme.slug for theme in document.themes.all()],
        "footnotes": [{"marker": n.marker, "text": n.text} for n in document.footnotes.all()],
        "persons_mentioned": _mentioned(request, mentions, "person"),
        "organisations_mentioned": _mentioned(request, mentions, "organisation"),
        "places_mentioned": _mentioned(request, mentions, "place"),
        "related": [_related(request, row) for row in public_relations(document)],
        "csl": csl_item(document, url=url),
        "citation_downloads": {
            key: absolute(
                request,
                reverse(
                    "catalogue:document-cite",
                    kwargs={"identifier": document.identifier, "extension": key},
                ),
            )
            for key in FORMATS
        },
    }


def authority_summary(request, kind, record) -> dict:
    found = link(request, kind, record)
    return {key: found[key] for key in ("slug", "name", "url", "api_url")}


def documents_links(request, **filters) -> dict[str, str]:
    """The API's document list filtered by each relation, e.g. {"written": …?author=…}."""
    path = api_path("document-list")
    return {
        key: absolute(request, with_query(path, **{name: value}))
        for key, (name, value) in filters.items()
    }


def offices(records) -> list[dict]:
    return [
        {
            "title": office.title,
            "organisation": office.organisation.name if office.organisation else "",
            "person": office.person.preferred_name,
            "start": office.start,
            "end": office.end,
        }
        for office in records
    ]
