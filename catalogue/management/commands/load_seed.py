from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
# Order matters: authorities before the documents that point at them.
SEED_FIXTURES = ["authorities.json", "documents.json"]


class Command(BaseCommand):
    help = "Load the seed collection (fixtures/) into the database; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-facsimiles",
            action="store_true",
            help="do not add the generated facsimile page images (make_facsimiles)",
        )

    def handle(self, *args, **options):
        paths = [str(FIXTURES_DIR / name) for name in SEED_FIXTURES]
        call_command("loaddata", *paths, verbosity=options["verbosity"])
        # loaddata bypasses the signals that keep the search index fresh.
        call_command("rebuild_search_index", verbosity=options["verbosity"])
        if not options["without_facsimiles"]:
            # Page images typeset from a few transcriptions, captioned as generated.
            call_command("make_facsimiles", verbosity=options["verbosity"])
