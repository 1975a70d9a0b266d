from django.core.management.base import BaseCommand

from catalogue.models import Document
from catalogue.search import BATCH_SIZE, refresh_search_index


class Command(BaseCommand):
    help = (
        "Recompute every document's stored search text (SQLite) or vector (PostgreSQL). "
        "Needed after loaddata or bulk inserts, which bypass the signals that keep it fresh."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="Documents per UPDATE."
        )
        parser.add_argument("--missing", action="store_true", help="Only documents never indexed.")

    def handle(self, *args, batch_size, missing, **options):
        documents = Document.objects.all()
        if missing:
            documents = documents.filter(search_vector__isnull=True, search_text="")
        count = refresh_search_index(documents, batch_size=max(1, batch_size))
        if options["verbosity"]:
            self.stdout.write(f"Search index refreshed for {count} documents.")
