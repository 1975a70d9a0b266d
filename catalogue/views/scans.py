"""Public scan views: the IIIF manifest, page images and the downloads their rights allow.

Every image goes through a view that checks, on each request, who may see it: the public sees
the images of published documents (`Scan.objects.public()`), staff who may view scans see all.
The file itself is then streamed or handed to the web server (catalogue.serving).
"""

import hashlib

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View

from catalogue.iiif import MANIFEST_CONTENT_TYPE, build_manifest
from catalogue.models import Document, Scan
from catalogue.models.scans import may_view_all_scans
from catalogue.scan_pdf import document_pdf, pdf_filename
from catalogue.serving import file_response


def published_document_with_ready_scans(identifier):
    ready_scans = Scan.objects.public().ready().order_by("page")
    document = get_object_or_404(
        Document.objects.published()
        .select_related("collection", "archive")
        .prefetch_related(Prefetch("scans", queryset=ready_scans, to_attr="ready_scans")),
        identifier=identifier,
    )
    if not document.ready_scans:
        raise Http404("This document has no page images.")
    return document


class ManifestView(View):
    """IIIF Presentation 3.0 manifest of a published document's ready page images."""

    def get(self, request, identifier):
        document = published_document_with_ready_scans(identifier)
        manifest = build_manifest(document, document.ready_scans, request.build_absolute_uri)
        response = JsonResponse(
            manifest,
            content_type=MANIFEST_CONTENT_TYPE,
            json_dumps_params={"ensure_ascii": False, "indent": 1},
        )
        response["Access-Control-Allow-Origin"] = "*"  # viewers on other sites load it
        return response


def visible_scan(request, identifier, page):
    """The scan of this page if the user may see it, and whether the public may see it too."""
    public = Scan.objects.public().filter(pk=OuterRef("pk"))
    scans = (
        Scan.objects.visible_to(request.user)
        .filter(document__identifier=identifier, page=page)
        .annotate(is_public=Exists(public))
    )
    return get_object_or_404(scans)


def etag_for(field_file):
    """Stored names change whenever the content does (they carry the original's checksum)."""
    return f'"{hashlib.sha256(field_file.name.encode()).hexdigest()[:32]}"'


class PageImageView(View):
    """A page's display image or thumbnail (JPEG), for whoever may see the page."""

    kind = "display"

    def get(self, request, identifier, page):
        scan = visible_scan(request, identifier, page)
        field_file = getattr(scan, self.kind)
        if not field_file:
            raise Http404("This image is still being made.")
        return file_response(
            request,
            field_file,
            content_type="image/jpeg",
            etag=etag_for(field_file),
            public=scan.is_public,
        )


class ScanDownloadView(View):
    """The original file of a page: for the public when the document is published and its
    rights allow a download; for staff who may view scans, always."""

    def get(self, request, identifier, page):
        scan = visible_scan(request, identifier, page)
        if not (scan.download_allowed or may_view_all_scans(request.user)):
            raise Http404("The rights of this page do not allow a download.")
        return file_response(
            request,
            scan.image,
            content_type=scan.mime_type,
            etag=etag_for(scan.image),
            public=scan.is_public and scan.download_allowed,
            filename=scan.download_filename,
            attachment=True,
        )


class DocumentPdfView(View):
    """All page images of a published document in one PDF, when every page may be downloaded.

    Offered at the manifest level of the IIIF manifest (viewers show only those renderings).
    """

    def get(self, request, identifier):
        document = published_document_with_ready_scans(identifier)
        if not all(scan.download_allowed for scan in document.ready_scans):
            raise Http404("The rights of some pages do not allow a download.")
        response = HttpResponse(document_pdf(document, document.ready_scans), "application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf_filename(document)}"'
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = "public, no-cache"
        return response
