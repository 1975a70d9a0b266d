"""IIIF Presentation API 3.0 manifests for published documents with page images.

One canvas per page, sized like the upright original; its painting annotation shows the display
image (JPEG, with its own width and height). Originals that their rights allow are offered as a
`rendering` of the canvas, through the download view that checks those rights again; when
every page may be downloaded, the manifest itself offers the whole document as one PDF (viewers
such as Mirador show only manifest-level renderings). Image URLs are the permission-checked views
of catalogue.views.scans, served with CORS.
"""

from django.conf import settings
from django.urls import reverse

from catalogue.models import Rights

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
MANIFEST_CONTENT_TYPE = f'application/ld+json;profile="{CONTEXT}"'

RIGHTS_URIS = {
    Rights.IN_COPYRIGHT: "http://rightsstatements.org/vocab/InC/1.0/",
    Rights.NO_KNOWN_COPYRIGHT: "http://rightsstatements.org/vocab/NKC/1.0/",
    Rights.PUBLIC_DOMAIN: "http://creativecommons.org/publicdomain/mark/1.0/",
    Rights.CC_BY: "http://creativecommons.org/licenses/by/4.0/",
    Rights.GENERATED: "http://creativecommons.org/publicdomain/zero/1.0/",
}
GENERATED_STATEMENT = (
    "Generated facsimile: typeset by the catalogue from the transcription. It is not a "
    "photograph of the original document."
)


def text(value, language="en"):
    """A IIIF language map."""
    return {language: [str(value)]}


def pair(label, value, language="en"):
    return {"label": text(label), "value": text(value, language)}


class ManifestBuilder:
    """Builds the manifest of one document from its ready scans, in page order.

    `absolute` turns a path or URL into an absolute URL (e.g. request.build_absolute_uri).
    """

    def __init__(self, document, scans, absolute):
        self.document = document
        self.scans = list(scans)
        self.absolute = absolute
        identifier = document.identifier
        self.id = absolute(reverse("catalogue:iiif-manifest", args=[identifier]))
        self.base = self.id.rsplit("/", 1)[0]

    def build(self) -> dict:
        document = self.document
        manifest = {
            "@context": CONTEXT,
            "id": self.id,
            "type": "Manifest",
            "label": text(document.display_title),
            "metadata": self.metadata(),
            "summary": text(document.heading),
            "requiredStatement": pair("Attribution", self.attribution()),
            "homepage": [
                {
                    "id": self.absolute(document.get_absolute_url()),
                    "type": "Text",
                    "label": text(document.display_title),
                    "format": "text/html",
                    "language": ["en"],
                }
            ],
            "provider": [self.provider()],
            "items": [self.canvas(scan) for scan in self.scans],
        }
        rights = {scan.rights for scan in self.scans}
        if len(rights) == 1:
            manifest["rights"] = RIGHTS_URIS[rights.pop()]
        if document.date_start:
            manifest["navDate"] = f"{document.date_start.isoformat()}T00:00:00Z"
        if self.scans:
            manifest["thumbnail"] = [self.thumbnail(self.scans[0])]
        if self.scans and all(scan.download_allowed for scan in self.scans):
            manifest["rendering"] = [self.whole_document()]
        return manifest

    def metadata(self):
        document = self.document
        rows = [("Title", document.display_title)]
        if document.heading != document.display_title:
            rows.append(("Heading", document.heading))
        date = document.date_written or document.date_edtf
        if date:
            rows.append(("Date", date))
        if document.archival_reference or document.archival_location:
            rows.append(("Archival reference", self.archival_reference()))
        printed = self.printed_source()
        if printed:
            rows.append(("Printed source", printed))
        rows.append(("Collection", document.collection.title))
        rows.append(("Identifier", document.identifier))
        rows.append(("Permanent URL", self.absolute(document.get_absolute_url())))
        return [pair(label, value) for label, value in rows]

    def archival_reference(self):
        document = self.document
        parts = [str(document.archive) if document.archive else ""]
        parts.append(document.archival_location or document.archival_reference)
        return ", ".join(part for part in parts if part)

    def printed_source(self):
        document = self.document
        parts = [
            document.collection.series_title_translated or document.collection.series_title,
            f"vol. {document.printed_volume}" if document.printed_volume else "",
            f"p. {document.printed_page}" if document.printed_page else "",
            f"doc. no. {document.printed_number}" if document.printed_number else "",
        ]
        if not any(parts[1:]):
            return ""
        return ", ".join(part for part in parts if part)

    def attribution(self):
        document = self.document
        holder = document.archive.name if document.archive else settings.SITE_NAME
        return f"{holder}. {document.collection.title}: {settings.SITE_NAME}."

    def provider(self):
        home = self.absolute(reverse("catalogue:home"))
        return {
            "id": home,
            "type": "Agent",
            "label": text(settings.SITE_NAME),
            "homepage": [
                {
                    "id": home,
                    "type": "Text",
                    "label": text(settings.SITE_NAME),
                    "format": "text/html",
                }
            ],
        }

    def canvas(self, scan):
        canvas_id = f"{self.base}/canvas/{scan.page}"
        width, height = scan.oriented_size
        canvas = {
            "id": canvas_id,
            "type": "Canvas",
            "label": text(f"Page {scan.page}"),
            "width": width,
            "height": height,
            "rights": RIGHTS_URIS[scan.rights],
            "thumbnail": [self.thumbnail(scan)],
            "items": [
                {
                    "id": f"{canvas_id}/page",
                    "type": "AnnotationPage",
                    "items": [
                        {
                            "id": f"{canvas_id}/annotation",
                            "type": "Annotation",
                            "motivation": "painting",
                            "body": {
                                "id": self.image_url(scan, "display"),
                                "type": "Image",
                                "format": "image/jpeg",
                                "width": scan.display_width,
                                "height": scan.display_height,
                            },
                            "target": canvas_id,
                        }
                    ],
                }
            ],
        }
        if scan.caption:
            canvas["summary"] = text(scan.caption)
        if scan.generated:
            canvas["requiredStatement"] = pair("Generated facsimile", GENERATED_STATEMENT)
        if scan.download_allowed:
            canvas["rendering"] = [self.original(scan)]
        return canvas

    def thumbnail(self, scan):
        return {
            "id": self.image_url(scan, "thumbnail"),
            "type": "Image",
            "format": "image/jpeg",
            "width": scan.thumbnail_width,
            "height": scan.thumbnail_height,
        }

    def image_url(self, scan, kind):
        return self.absolute(scan.image_url(kind, self.document.identifier))

    def original(self, scan):
        return {
            "id": self.image_url(scan, "original"),
            "type": "Image",
            "label": text(f"Original image ({scan.image_format}), page {scan.page}"),
            "format": scan.mime_type,
        }

    def whole_document(self):
        url = reverse("catalogue:scan-pdf", args=[self.document.identifier])
        pages = len(self.scans)
        return {
            "id": self.absolute(url),
            "type": "Text",
            "label": text(f"Download the whole document: {pages} page image(s) as PDF"),
            "format": "application/pdf",
        }


def build_manifest(document, scans, absolute) -> dict:
    return ManifestBuilder(document, scans, absolute).build()
