"""Public scan views: the IIIF manifest and downloads of originals that their rights allow."""

from django.db.models import Prefetch
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View

from catalogue.iiif import MANIFEST_CONTENT_TYPE, build_manifest
from catalogue.models import Document, Rights, Scan


class ManifestView(View):
    """IIIF Presentation 3.0 manifest of a published document's ready page images."""

    def get(self, request, identifier):
        ready_scans = Scan.objects.ready().order_by("page")
        document = get_object_or_404(
            Document.objects.published()
            .select_related("collection", "archive")
            .prefetch_related(Prefetch("scans", queryset=ready_scans, to_attr="ready_scans")),
            identifier=identifier,
        )
        if not document.ready_scans:
            raise Http404("This document has no page images.")
        manifest = build_manifest(document, document.ready_scans, request.build_absolute_uri)
        response = JsonResponse(
            manifest,
            content_type=MANIFEST_CONTENT_TYPE,
            json_dumps_params={"ensure_ascii": False, "indent": 1},
        )
        response["Access-Control-Allow-Origin"] = "*"  # viewers on other sites load it
        return response


class ScanDownloadView(View):
    """The original file of a page, when the document is published and its rights allow."""

    def get(self, request, identifier, page):
        published = Document.objects.published().filter(identifier=identifier)
        scan = get_object_or_404(
            Scan.objects.filter(document__in=published, rights__in=Rights.downloadable()),
            page=page,
        )
        try:
            original = scan.image.open("rb")
        except (FileNotFoundError, OSError) as error:
            raise Http404("The original file is missing.") from error
        return FileResponse(
            original,
            as_attachment=True,
            filename=scan.download_filename,
            content_type=scan.mime_type,
        )
