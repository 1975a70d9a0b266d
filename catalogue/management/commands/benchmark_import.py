"""Benchmark of the transcription importer: pages per second for a dry run and a real run,
CPU per page, and the process memory over the run (issue 13, item 7; docs/importer.md)."""

import os
import re
import resource
import shutil
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from catalogue.importers.files import page_paths, read_page_file
from catalogue.importers.persist import ImportRun, Outcome, import_page
from catalogue.management.arguments import positive_int
from catalogue.management.commands.import_transcriptions import INDEX_BATCH, resolve_collection
from catalogue.models import Document
from catalogue.search import index_refresh_deferred

DEVELOPMENT_PAGES = Path(__file__).resolve().parents[3] / "tests" / "data" / "pages"
_YEAR = re.compile(rb"\b(19[0-4]\d)\b")  # years in the pages, moved on per round of copies


class QueryCounter:
    """Counts the SQL statements run (a connection.execute_wrapper)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Rollback(Exception):
    """Raised to undo the real run's writes once it is measured."""


def rss_megabytes() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def shift_years(data: bytes, rounds: int) -> bytes:
    """Every year 1900-1949 in the page moved on by `rounds` (within 1900-1949)."""
    if not rounds:
        return data
    return _YEAR.sub(lambda m: str(1900 + (int(m.group(1)) - 1900 + rounds) % 50).encode(), data)


def make_pages(source: Path, count: int, folder: Path) -> list[Path]:
    """`count` page files made from the development pages, each different so that none is
    skipped as already imported: the n-th copy has its own URL and " Copy n." after every
    paragraph of 200 characters or more (so every document on the page differs). Each round
    of copies after the first has its years moved on by one more (1921 -> 1922 ...), so that
    a copy is a new document, not another transcription of an earlier copy (same date and
    heading), for up to 50 rounds."""
    sources = [path for path in page_paths([source]) if path.suffix == ".txt"]
    if not sources:
        raise CommandError(f"No .txt pages in {source}.")
    made = []
    for number in range(count):
        data = sources[number % len(sources)].read_bytes()
        lines = shift_years(data, number // len(sources)).split(b"\n")
        if lines[0].startswith(b"URL:"):
            lines[0] = lines[0].rstrip() + f"?copy={number}".encode()
        copy = f" Copy {number}.".encode()
        lines = [line.rstrip() + copy if len(line) >= 200 else line for line in lines]
        path = folder / f"{number:06d}.txt"
        path.write_bytes(b"\n".join(lines))
        made.append(path)
    return made


def load_average() -> str:
    """The machine's 1-minute load average (shared machine: the wall-clock figures depend on
    it, the CPU per page much less)."""
    return f"{os.getloadavg()[0]:.1f}"


class Command(BaseCommand):
    help = (
        "Time import_transcriptions' work on generated pages (copies of the development pages): "
        "a dry run, then a real run whose writes are rolled back. Prints pages/s, CPU per page "
        "and peak memory at each tenth of the run. Run it on the catalogue to measure against "
        "(e.g. after generate_catalogue 100000); see docs/importer.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--files", type=positive_int, default=1000, help="Pages (1000).")
        parser.add_argument("--source", default=str(DEVELOPMENT_PAGES), help="Page folder.")
        parser.add_argument("--collection", metavar="SLUG")
        parser.add_argument("--keep", action="store_true", help="Keep the real run's drafts.")

    def handle(self, *args, **options):
        collection = resolve_collection(options["collection"])
        folder = Path(tempfile.mkdtemp(prefix="benchmark-import-"))
        try:
            paths = make_pages(Path(options["source"]), options["files"], folder)
            documents = Document.objects.count()
            self.stdout.write(f"{len(paths)} pages, catalogue of {documents} documents")
            self.measure("dry run", paths, collection, dry_run=True)
            if options["keep"]:
                self.measure("real run", paths, collection, dry_run=False)
            else:
                try:
                    with transaction.atomic():
                        self.measure("real run", paths, collection, dry_run=False)
                        raise Rollback
                except Rollback:
                    self.stdout.write("(the real run's drafts were rolled back)")
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def measure(self, label: str, paths: list[Path], collection, dry_run: bool):
        run = ImportRun()  # one per run: names, offices and archives read once
        outcomes: dict[str, int] = {}
        memory = []
        tenth = max(1, len(paths) // 10)
        wall, cpu = time.perf_counter(), time.process_time()
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            self.import_all(paths, collection, dry_run, run, outcomes, memory, tenth)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        failed = outcomes.get(Outcome.FAILED, 0)
        self.stdout.write(
            f"{label}: {len(paths) / wall:.1f} pages/s ({wall:.1f} s, "
            f"{1000 * cpu / len(paths):.1f} ms CPU per page, "
            f"{queries.count / len(paths):.1f} queries per page); documents {outcomes}; "
            f"{failed} failed; load average {load_average()}"
        )
        self.stdout.write(
            "  peak memory (MB) at each tenth: " + " ".join(f"{value:.0f}" for value in memory)
        )

    @staticmethod
    def import_all(paths, collection, dry_run, run, outcomes, memory, tenth):
        """As import_transcriptions does: the search index refreshed once per batch."""
        with index_refresh_deferred() as deferred:
            for number, path in enumerate(paths, start=1):
                if number % INDEX_BATCH == 0:
                    deferred.flush()
                Command.import_one(path, collection, dry_run, run, outcomes)
                if number % tenth == 0:
                    memory.append(rss_megabytes())

    @staticmethod
    def import_one(path, collection, dry_run, run, outcomes):
        result = import_page(str(path), read_page_file(path), collection, None, dry_run, run)
        for item in result.documents:
            outcomes[item.outcome] = outcomes.get(item.outcome, 0) + 1
