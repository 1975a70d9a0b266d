import json
import logging
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import override_settings

from catalogue.benchmarking import Run, run_benchmark, table
from catalogue.management.arguments import positive_int
from catalogue.models import Document


@contextmanager
def quiet_request_errors():
    """Failed requests are reported in the table, not as tracebacks on the console."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Measure the public pages, a bulk citation export and the admin list on the current "
        "database through Django's test client: median and 95th percentile time, SQL queries, "
        "peak memory, and the SQL floor (the time the database needs for the page's queries). "
        "Meant for PostgreSQL; see docs/benchmark.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--documents",
            type=positive_int,
            help="Generate this many synthetic documents first if the catalogue is empty "
            "(generate_catalogue); otherwise only check the size.",
        )
        parser.add_argument(
            "--repeat", type=positive_int, default=20, help="Timed requests per page (20)."
        )
        parser.add_argument("--json", dest="json_path", help="Also write the report here.")
        parser.add_argument(
            "--pages",
            help="Comma-separated names of the pages to measure (default: all): list, "
            "list_1_facet, list_3_facets, list_5_facets, search, search_2_facets, document, "
            "person, export, admin_changelist.",
        )
        parser.add_argument(
            "--cold-cache",
            action="store_true",
            help="Clear Django's caches before every request (default: warm, as in service).",
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="Add the EXPLAIN ANALYZE plan of each page's slowest query to the JSON.",
        )
        parser.add_argument(
            "--statement-timeout",
            type=int,
            default=120,
            help="PostgreSQL: seconds after which a query is cancelled and its page reported as "
            "failed (120; 0 for no limit).",
        )
        parser.add_argument(
            "--read-only",
            action="store_true",
            help="Write nothing to the database (a shared catalogue): PostgreSQL connections "
            "opened read-only, no user (so no admin pages), no public change recorded (the "
            "index's catch-up work for one document is timed instead).",
        )
        parser.add_argument(
            "--answer-floor",
            action="store_true",
            help="Also time each page's SQL answer floor: the queries it runs with the facet "
            "index off and nothing cached (slow at 1,000,000 documents: minutes).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        using = options["database"]
        connection = connections[using]
        if connection.vendor != "postgresql":
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: this is {connection.vendor}, not PostgreSQL: the figures say "
                    "nothing about a deployment, and there is no server-side SQL time."
                )
            )
        self.ensure_documents(options["documents"], using)
        pages = tuple(p.strip() for p in (options["pages"] or "").split(",") if p.strip())
        run = Run(
            repeat=options["repeat"],
            pages=pages,
            statement_timeout=options["statement_timeout"],
            clear_cache=options["cold_cache"],
            explain=options["explain"],
            answer_floor=options["answer_floor"],
            using=using,
            read_only=options["read_only"],
            progress=self.stdout.write if options["verbosity"] >= 2 else (lambda m: None),
        )
        with override_settings(**self.benchmark_settings()), quiet_request_errors():
            try:
                report = run_benchmark(run)
            except ValueError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(self.summary(report))
        index = report["catalogue_index"]
        self.stdout.write(
            f"Catalogue index: {index['documents']:,} documents built in "
            f"{index['build_seconds']} s (the network's {index['network_pairs']:,} pairs, "
            f"{index['network_edges']:,} edges: {index['network_build_ms']} ms); caught up with "
            f"a public change in {index['catch_up_ms']} ms; one document applied in "
            f"{index['apply_one_document_ms']} ms"
        )
        self.stdout.write(table(report))
        if options["json_path"]:
            path = Path(options["json_path"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(report, indent=2, default=str) + "\n")
            self.stdout.write(f"Wrote {path}")

    @staticmethod
    def benchmark_settings():
        """The test client's host; DEBUG off (no query log); static URLs without the manifest
        of collectstatic, which a benchmark should not need."""
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        return {"ALLOWED_HOSTS": hosts, "DEBUG": False, "STORAGES": storages}

    def ensure_documents(self, wanted, using):
        present = Document.objects.using(using).count()
        if wanted and not present:
            call_command("generate_catalogue", wanted, database=using, verbosity=1)
        elif wanted and present != wanted:
            self.stderr.write(
                self.style.WARNING(
                    f"The catalogue holds {present:,} documents, not {wanted:,}; measuring it "
                    "as it is (generate into an empty database to change its size)."
                )
            )
        elif not present:
            raise CommandError(
                "The catalogue is empty: pass --documents N, or run generate_catalogue N first."
            )

    @staticmethod
    def summary(report):
        db, machine = report["database"], report["machine"]
        return (
            f"{db['documents']:,} documents ({db['published']:,} published), "
            f"{db['mentions']:,} mentions; {db['vendor']} {db.get('version', '')[:40]}\n"
            f"{machine['cpus']} CPUs, {machine['memory_gb']} GiB, load {machine['load_average']}; "
            f"{report['settings']['repeat']} requests per page"
            + (", caches cleared before each" if report["settings"]["clear_cache"] else "")
        )
