"""Import transcribed pages (plain text or saved HTML) as draft documents."""

import json
import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalogue.importers.files import page_paths, read_page_file
from catalogue.importers.persist import FileResult, ImportRun, Outcome, import_page
from catalogue.importers.text import PageError
from catalogue.models import Collection
from catalogue.search import index_refresh_deferred

# Files imported between two refreshes of the search index.
INDEX_BATCH = 200


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
        parser.add_argument(
            "--json",
            action="store_true",
            help="print every file's documents with every field read, as JSON (docs/importer.md)",
        )

    def handle(self, *args, **options):
        collection = resolve_collection(options["collection"])
        paths = page_paths(options["paths"])
        if not paths:
            raise CommandError("No page files found (looked for .txt, .htm and .html).")
        dry_run, as_json = options["dry_run"], options["json"]
        run = ImportRun()
        totals = Totals()
        if as_json:
            self.stdout.write('{"dry_run": ' + json.dumps(dry_run) + ', "files": [')
        with index_refresh_deferred() as deferred:
            self.import_all(paths, collection, options, run, totals, deferred)
        if as_json:
            self.stdout.write("]}")
        self.summarise(totals, dry_run, self.stderr if as_json else self.stdout)

    def import_all(self, paths, collection, options, run, totals, deferred):
        """Import every file; the search index is refreshed once per batch of files."""
        dry_run, as_json = options["dry_run"], options["json"]
        # The raw stream: Django's OutputWrapper would add a newline to every bar refresh.
        stream = getattr(self.stderr, "_out", sys.stderr)
        progress = tqdm(paths, unit="page", disable=options["no_progress"], file=stream)
        for number, path in enumerate(progress):
            progress.set_postfix_str(path.name, refresh=False)
            if number and number % INDEX_BATCH == 0:
                deferred.flush()
            result = self.import_path(path, collection, dry_run, run)
            totals.add(result)  # counts only: memory stays flat over any number of files
            if as_json:
                separator = "," if number else ""
                self.stdout.write(separator + json.dumps(file_json(result), ensure_ascii=False))
            if result.error:
                progress.write(f"{path}: {result.error}", file=stream)
            elif options["verbosity"] >= 2:
                self.describe(result, progress)

    def import_path(self, path, collection, dry_run, run=None) -> FileResult:
        try:
            data = read_page_file(path)
        except PageError as error:
            return FileResult(name=str(path), error=str(error))
        except OSError as error:
            return FileResult(name=str(path), error=f"The file cannot be read: {error}")
        return import_page(str(path), data, collection, dry_run=dry_run, run=run)

    def describe(self, result: FileResult, progress):
        for item in result.documents:
            label = item.document.identifier if item.document else "—"
            progress.write(f"{result.name}: {item.outcome} {label} {item.parsed.heading[:70]}")
            for warning in item.warnings if item.outcome != Outcome.SKIPPED else []:
                progress.write(f"    warning: {warning}")
            if item.error:
                progress.write(f"    error: {item.error}")

    def summarise(self, totals: "Totals", dry_run: bool, out):
        new = Outcome.WOULD_CREATE if dry_run else Outcome.CREATED
        verb = "would be created" if dry_run else "created"
        counts = totals.outcomes
        out.write(
            f"{totals.files} file(s) read, {totals.refused} refused. "
            f"Documents: {counts[new]} {verb}, {counts[Outcome.SKIPPED]} skipped (already "
            f"imported), {totals.warned} with warnings, {counts[Outcome.FAILED]} failed."
            + (" Dry run: nothing was written." if dry_run else "")
        )
        if totals.refused or counts[Outcome.FAILED]:
            raise CommandError(
                f"{totals.refused} file(s) and {counts[Outcome.FAILED]} document(s) could not "
                "be imported; see the messages above."
            )


class Totals:
    """Running counts of a run's outcomes (the results themselves are not kept)."""

    def __init__(self):
        self.files = 0
        self.refused = 0
        self.warned = 0
        self.outcomes = Counter()

    def add(self, result: FileResult):
        self.files += 1
        self.refused += bool(result.error)
        self.warned += result.warned
        self.outcomes.update(item.outcome for item in result.documents)


def document_json(item) -> dict:
    """One document as `import_transcriptions --json` prints it (fields: docs/importer.md)."""
    fields = item.parsed.as_dict()
    fields.pop("warnings")
    return {
        "outcome": item.outcome,
        "identifier": item.document.identifier if item.document else None,
        "error": item.error,
        "warnings": item.warnings,
        "fields": fields,
        "correspondents": [
            {
                "role": match.role,
                "kind": match.kind,
                "name": match.name,
                "office": match.office,
                "matched": str(match.record) if match.record else None,
                "ambiguous": match.ambiguous,
            }
            for match in item.names.correspondents
        ],
        "inferred": [
            {"role": inference.role, "person": str(inference.person), "reason": inference.reason}
            for inference in item.inferences
        ],
    }


def file_json(result: FileResult) -> dict:
    return {
        "file": result.name,
        "source_url": result.source_url,
        "error": result.error,
        "documents": [document_json(item) for item in result.documents],
    }
