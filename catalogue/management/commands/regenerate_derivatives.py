"""Make the missing or stale thumbnails and display images of scans."""

from django.core.management.base import BaseCommand, CommandError

from catalogue.imaging import store_derivatives
from catalogue.models import Scan


class Command(BaseCommand):
    help = (
        "Make missing or stale scan derivatives (made from another original or by an older "
        "recipe). --verify also remakes those whose files are gone from storage; --all remakes "
        "every one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Remake every scan's derivatives.")
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Also check that recorded derivative files exist in storage.",
        )
        parser.add_argument("--document", help="Only the scans of this document identifier.")
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be made; change nothing."
        )

    def handle(self, *args, **options):
        scans = self.select(options)
        made = failed = 0
        for scan in scans:
            if options["dry_run"]:
                self.stdout.write(f"Would remake {self.describe(scan)}")
                made += 1
                continue
            try:
                store_derivatives(scan)
            except Exception as error:  # one broken original must not stop the rest
                failed += 1
                self.stderr.write(f"Failed {self.describe(scan)}: {error}")
                continue
            made += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"Made {self.describe(scan)}")
        verb = "would be remade" if options["dry_run"] else "remade"
        self.stdout.write(f"{made} scan(s) {verb}; {failed} failed.")
        if failed:
            raise CommandError(f"{failed} scan(s) could not be processed.")

    def select(self, options):
        scans = Scan.objects.select_related("document").order_by("document_id", "page")
        if options["document"]:
            scans = scans.filter(document__identifier=options["document"])
        if options["all"]:
            return scans.iterator()
        if options["verify"]:
            return (scan for scan in scans.iterator() if self.needs_work(scan))
        return scans.needing_derivatives().iterator()

    @staticmethod
    def needs_work(scan):
        if not scan.derivatives_current:
            return True
        storage = scan.display.storage
        return not (storage.exists(scan.display.name) and storage.exists(scan.thumbnail.name))

    @staticmethod
    def describe(scan):
        return f"{scan.document.identifier} page {scan.page} ({scan.original_filename})"
