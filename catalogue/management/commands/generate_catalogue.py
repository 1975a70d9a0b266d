import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from catalogue.management.arguments import positive_int
from catalogue.synthetic import GenerationError, Plan, flush, generate


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic catalogue of N documents (about 5,000 persons and "
        "2,000 places, 3-8 mentions and 1-3 correspondents per document, footnotes on a third, "
        "dates 1919-1941, bodies of 200-2,000 words, a few percent drafts) into an empty "
        "catalogue, for benchmarks and scale tests. PostgreSQL: COPY, in parallel processes."
    )

    def add_arguments(self, parser):
        parser.add_argument("documents", type=positive_int, help="How many documents (N).")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (1).")
        parser.add_argument(
            "--batch", type=positive_int, default=5000, help="Documents per transaction (5000)."
        )
        parser.add_argument(
            "--jobs",
            type=positive_int,
            default=min(2, os.cpu_count() or 1),
            help="Writing processes on PostgreSQL (default: up to 2 = the CPU count).",
        )
        parser.add_argument("--persons", type=positive_int, help="Persons (default ~5,000).")
        parser.add_argument("--places", type=positive_int, help="Places (default ~2,000).")
        parser.add_argument("--organisations", type=positive_int, help="Bodies (default ~120).")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete every catalogue record (documents, authorities, history) first.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        using = options["database"]
        plan = Plan.for_size(
            options["documents"],
            seed=options["seed"],
            persons=options["persons"],
            places=options["places"],
            organisations=options["organisations"],
            batch=options["batch"],
            jobs=options["jobs"],
        )
        self.verbosity = options["verbosity"]
        vendor = connections[using].vendor
        self.report(
            f"Generating {plan.documents:,} documents (seed {plan.seed}) into {vendor} "
            f"database {connections[using].settings_dict['NAME']!r}"
            + (f" with {plan.jobs} processes" if vendor == "postgresql" else "")
        )
        if options["flush"]:
            flush(using)
            self.report("Flushed the catalogue.")
        self.started = time.monotonic()
        self.last_report = 0.0
        try:
            timings = generate(plan, using, report=self.report, progress=self.progress(plan))
        except GenerationError as error:
            raise CommandError(str(error)) from error
        self.report(
            f"Done: {plan.documents:,} documents in {timings['total']:.1f} s "
            f"(documents {timings['documents']:.1f} s, indexes {timings['indexes']:.1f} s, "
            f"vacuum and analyse {timings['vacuum_analyze']:.1f} s).",
            style=self.style.SUCCESS,
        )
        cpu = timings["cpu_python"] + timings["cpu_database"]
        if timings["cpu_database"]:
            per_document = cpu / plan.documents * 1000
            self.report(
                f"CPU: generating processes {timings['cpu_python']:.0f} s, PostgreSQL "
                f"{timings['cpu_database']:.0f} s (loading and indexing), {per_document:.2f} ms "
                f"per document; at best {cpu / (os.cpu_count() or 1):.0f} s of wall time on "
                f"{os.cpu_count()} idle cores (load average now {os.getloadavg()[0]:.1f})."
            )

    def report(self, message, verbose=False, style=None):
        if self.verbosity >= (2 if verbose else 1):
            self.stdout.write(style(message) if style else message)

    def progress(self, plan):
        def show(done):
            now = time.monotonic()
            if done < plan.documents and now - self.last_report < 5:
                return
            self.last_report = now
            elapsed = now - self.started
            rate = done / elapsed if elapsed else 0
            remaining = (plan.documents - done) / rate if rate else 0
            self.report(
                f"  {done:>10,} / {plan.documents:,} documents ({done / plan.documents:.0%}) "
                f"{rate:,.0f}/s, {elapsed:.0f} s elapsed, about {remaining:.0f} s to go"
            )

        return show
