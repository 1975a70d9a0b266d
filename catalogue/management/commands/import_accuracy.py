"""Field-level accuracy of the transcription parser over a folder of pages."""

from django.core.management.base import BaseCommand, CommandError

from catalogue.importers.accuracy import (
    format_mentions,
    format_table,
    load_expectations,
    measure,
    measure_mentions,
)


class Command(BaseCommand):
    help = (
        "Compare the parser's output for the pages in FOLDER with hand-written expectations "
        "(JSON) and print, per field, the share of documents and of pages it gets exactly right."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="FOLDER")
        parser.add_argument("expectations", metavar="EXPECTATIONS.json")
        parser.add_argument(
            "--show-misses", action="store_true", help="list every wrong field value"
        )

    def handle(self, *args, folder, expectations, **options):
        try:
            expected = load_expectations(expectations)
        except ValueError as error:
            raise CommandError(str(error)) from error
        report = measure(folder, expected)
        for error in report.errors:
            self.stderr.write(error)
        self.stdout.write(format_table(report))
        documents = sum(len(page.get("documents", [])) for page in expected["pages"].values())
        self.stdout.write(
            f"\n{len(expected['pages'])} page(s), {documents} document(s) expected; "
            f"{len(report.misses)} wrong field value(s)."
        )
        known = expected.get("known_wrong") or {}
        for where, reason in known.items():
            self.stdout.write(f"known wrong: {where}: {reason}")
        if options["show_misses"]:
            for miss in report.misses:
                self.stdout.write(f"  {miss}")
        self.report_mentions(folder, expected, options["show_misses"])

    def report_mentions(self, folder, expected, show_misses):
        """Persons and places mentioned: precision and recall (issue 13, item 4)."""
        report = measure_mentions(folder, expected)
        if not report.scores:
            return
        self.stdout.write("\n" + format_mentions(report))
        if show_misses:
            for miss in report.misses:
                self.stdout.write(f"  {miss}")
