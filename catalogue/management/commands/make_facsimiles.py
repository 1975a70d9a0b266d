"""Generated facsimile page images for documents without page images (see catalogue.facsimiles)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from catalogue import facsimiles, imaging
from catalogue.models import Document, Rights, Scan

# A few documents of the seed collection, so that the viewer and IIIF can be seen after `make run`.
SEED_DOCUMENTS = ["D000001", "D000002", "D000006"]


class Command(BaseCommand):
    help = (
        "Typeset documents' transcriptions as page images captioned as generated facsimiles "
        "(not photographs of the originals); documents that have page images are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "identifiers",
            nargs="*",
            default=SEED_DOCUMENTS,
            help=f"documents to illustrate (default: {' '.join(SEED_DOCUMENTS)})",
        )

    def handle(self, *args, **options):
        for identifier in options["identifiers"]:
            document = Document.objects.filter(identifier=identifier).first()
            if document is None:
                self.stderr.write(f"{identifier}: no such document, skipped.")
            elif document.scans.exists():
                self.report(f"{identifier}: has page images already, left alone.", options)
            else:
                count = add_facsimiles(document)
                self.report(f"{identifier}: {count} generated facsimile page(s).", options)

    def report(self, message, options):
        if options["verbosity"] > 0:
            self.stdout.write(message)


def add_facsimiles(document) -> int:
    """Store the document's generated pages as scans; derivatives follow after the commit."""
    pages = facsimiles.facsimile_pages(document)
    with transaction.atomic():
        for number, data in enumerate(pages, 1):
            upload = SimpleUploadedFile(f"{document.identifier}-facsimile-{number}.png", data)
            [prepared] = imaging.prepare_upload(upload)
            Scan.create_from_prepared(
                document,
                number,
                prepared,
                rights=Rights.GENERATED,
                caption=facsimiles.caption(number, len(pages)),
            )
    return len(pages)
