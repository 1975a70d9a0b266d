import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from catalogue import catalogue_index


class Command(BaseCommand):
    help = (
        "Build the facet index (catalogue/catalogue_index.py) from the database in one pass and "
        "write it to CATALOGUE_INDEX_DIR, from where app servers load it at start and catch up "
        "with the changes made since. Without it, each server builds it on first use."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--no-save", action="store_true", help="Only build and report (nothing written)."
        )

    def handle(self, *args, **options):
        using = options["database"]
        index = catalogue_index.build(using)
        self.stdout.write(
            f"Built the catalogue index of {index.size:,} documents at version {index.version} "
            f"in {index.built_seconds:.1f} s ("
            + ", ".join(f"{name} {len(pairs[0]):,}" for name, pairs in index.links.items())
            + " links)."
        )
        if options["no_save"]:
            return
        path = catalogue_index.index_path(using)
        if path is None:
            raise CommandError("CATALOGUE_INDEX_DIR is empty: nowhere to write the index.")
        started = time.monotonic()
        index.save(path)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {path} in {time.monotonic() - started:.1f} s.")
        )
