"""Import transcribed pages (plain text or saved HTML) as draft documents."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalogue.importers.files import page_paths, read_page_file
from catalogue.importers.persist import FileResult, Outcome, import_page
from catalogue.importers.text import PageError
from catalogue.models import Collection


def resolve_collection(slug: str | None) -> Collection:
    if slug:
        try:
            return Collection.objects.get(slug=slug)
        except Collection.DoesNotExist:
            raise CommandError(f"There is no collection with the slug “{slug}”.") from None
    collections = list(Collection.objects.order_by("slug")[:11])
    if len(collections) == 1:
        return collections[0]
    if not collections:
        raise CommandError(
            "There is no collection yet: create one in the admin (or run load_seed) first."
        )
    slugs = ", ".join(collection.slug for collection in collections[:10])
    raise CommandError(f"There are several collections; choose one with --collection ({slugs}).")


class Command(BaseCommand):
    help = (
        "Import transcribed pages (files, or folders of .txt/.html pages) as draft documents. "
        "Pages imported before are recognised by content checksum or source URL and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="page files or folders")
        parser.add_argument("--collection", metavar="SLUG", help="collection to import into")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and report; write nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        collection = resolve_collection(options["collection"])
        paths = page_paths(options["paths"])
        if not paths:
            raise CommandError("No page files found (looked for .txt, .htm and .html).")
        dry_run = options["dry_run"]
        results = []
        # The raw stream: Django's OutputWrapper would add a newline to every bar refresh.
        stream = getattr(self.stderr, "_out", sys.stderr)
        progress = tqdm(paths, unit="page", disable=options["no_progress"], file=stream)
        for path in progress:
            progress.set_postfix_str(path.name, refresh=False)
            result = self.import_path(path, collection, dry_run)
            results.append(result)
            if result.error:
                progress.write(f"{path}: {result.error}", file=stream)
            elif options["verbosity"] >= 2:
                self.describe(result, progress)
        self.summarise(results, dry_run)

    def import_path(self, path, collection, dry_run) -> FileResult:
        try:
            data = read_page_file(path)
        except PageError as error:
            return FileResult(name=str(path), error=str(error))
        except OSError as error:
            return FileResult(name=str(path), error=f"The file cannot be read: {error}")
        return import_page(str(path), data, collection, dry_run=dry_run)

    def describe(self, result: FileResult, progress):
        for item in result.documents:
            label = item.document.identifier if item.document else "—"
            progress.write(f"{result.name}: {item.outcome} {label} {item.parsed.heading[:70]}")
            for warning in item.warnings if item.outcome != Outcome.SKIPPED else []:
                progress.write(f"    warning: {warning}")
            if item.error:
                progress.write(f"    error: {item.error}")

    def summarise(self, results: list[FileResult], dry_run: bool):
        failed_files = [result for result in results if result.error]
        new = Outcome.WOULD_CREATE if dry_run else Outcome.CREATED
        created = sum(r.count(new) for r in results)
        skipped = sum(r.count(Outcome.SKIPPED) for r in results)
        failed = sum(r.count(Outcome.FAILED) for r in results)
        warned = sum(r.warned for r in results)
        verb = "would be created" if dry_run else "created"
        self.stdout.write(
            f"{len(results)} file(s) read, {len(failed_files)} refused. "
            f"Documents: {created} {verb}, {skipped} skipped (already imported), "
            f"{warned} with warnings, {failed} failed."
            + (" Dry run: nothing was written." if dry_run else "")
        )
        if failed_files or failed:
            raise CommandError(
                f"{len(failed_files)} file(s) and {failed} document(s) could not be imported; "
                "see the messages above."
            )
