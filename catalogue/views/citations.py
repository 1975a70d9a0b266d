"""Citation downloads: one document, or the whole current list (streamed)."""

import datetime

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from catalogue import cmif
from catalogue.citations import streaming
from catalogue.citations.csl import csl_item, for_citation
from catalogue.citations.formats import FORMATS
from catalogue.filters import DocumentFilter
from catalogue.models import Collection, Document


def get_format(extension: str):
    try:
        return FORMATS[extension]
    except KeyError:
        raise Http404("No such citation format.") from None


def attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


class DocumentCitationView(View):
    """/documents/<identifier>/cite.<bib|ris|json|csv>: a published document's citation file."""

    def get(self, request, identifier, extension):
        export_format = get_format(extension)
        queryset = for_citation(Document.objects.published())
        document = get_object_or_404(queryset, identifier=identifier)
        item = csl_item(document, url=request.build_absolute_uri(document.get_absolute_url()))
        response = HttpResponse(
            export_format.render_all([item]), content_type=export_format.content_type
        )
        response["Content-Disposition"] = attachment(f"{document.identifier}.{extension}")
        return response


class ListExportView(View):
    """/documents/export.<bib|ris|json|csv>?<the list's query string>: the filtered list, streamed.

    At most streaming.export_max() documents (settings.CITATION_EXPORT_MAX); a larger list is
    refused with 400 and a message asking to narrow the filters, never cut short silently.
    """

    def get(self, request, extension):
        export_format = get_format(extension)
        filterset = DocumentFilter(
            request.GET, queryset=Document.objects.published(), request=request
        )
        queryset = filterset.qs
        limit = streaming.export_max()
        count = queryset.count()
        if count > limit:
            return HttpResponse(
                f"This list holds {count:,} documents; an export holds at most {limit:,}. "
                "Narrow the list (by date, type, person or theme) and export each part.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        response = StreamingHttpResponse(
            streaming.stream(
                export_format,
                queryset,
                url_for=lambda doc: request.build_absolute_uri(doc.get_absolute_url()),
            ),
            content_type=export_format.content_type,
        )
        today = datetime.date.today().isoformat()
        response["Content-Disposition"] = attachment(f"documents-{today}.{extension}")
        response["X-Export-Count"] = str(count)
        return response


def cmif_response(request, documents, title: str, filename: str):
    """A streamed CMIF file of `documents` (published ones only: callers pass such a set)."""
    site_url = request.build_absolute_uri("/")
    response = StreamingHttpResponse(
        cmif.stream(
            documents,
            title=title,
            file_url=request.build_absolute_uri(),
            site_url=site_url,
            url_for=lambda doc: request.build_absolute_uri(doc.get_absolute_url()),
        ),
        content_type=cmif.CONTENT_TYPE,
    )
    response["Content-Disposition"] = attachment(filename)
    return response


class ListCmifView(View):
    """/documents/export.cmif.xml?<the list's query string>: CMIF of the filtered list, with
    the same limit as the other list exports."""

    def get(self, request):
        filterset = DocumentFilter(
            request.GET, queryset=Document.objects.published(), request=request
        )
        queryset = filterset.qs
        limit = streaming.export_max()
        count = queryset.count()
        if count > limit:
            return HttpResponse(
                f"This list holds {count:,} documents; an export holds at most {limit:,}. "
                "Narrow the list, or download a whole collection's CMIF file from its page.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        title = f"Correspondence in {settings.SITE_NAME}: a selection"
        today = datetime.date.today().isoformat()
        response = cmif_response(request, queryset, title, f"documents-{today}.cmif.xml")
        response["X-Export-Count"] = str(count)
        return response


class CollectionCmifView(View):
    """/collections/<slug>/cmif.xml: every published document of a collection (no limit;
    streamed), the file correspSearch harvests."""

    def get(self, request, slug):
        collection = get_object_or_404(Collection, slug=slug)
        documents = Document.objects.published().filter(collection=collection).in_date_order()
        return cmif_response(
            request, documents, f"Correspondence in {collection.title}", f"{slug}.cmif.xml"
        )
