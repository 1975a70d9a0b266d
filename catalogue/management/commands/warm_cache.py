from django.core.management.base import BaseCommand

from catalogue.warming import warm


class Command(BaseCommand):
    help = (
        "Compute the cached counts of the most visited public pages (home, /documents/, "
        "collections, CACHE_WARM_PATHS) for the current catalogue version, e.g. after a deploy "
        "or a bulk import. Prints how long each page took."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Warm these paths instead.")

    def handle(self, *args, paths, **options):
        results = warm(paths or None)
        for result in results:
            outcome = f"failed: {result.error}" if result.error else "warmed"
            self.stdout.write(f"{result.milliseconds:9.0f} ms  {result.path}  {outcome}")
        failed = sum(1 for result in results if result.error)
        total = sum(result.milliseconds for result in results)
        self.stdout.write(
            f"{len(results) - failed} of {len(results)} pages warmed in {total:.0f} ms."
        )
        if failed:
            self.stderr.write(f"{failed} pages could not be warmed.")
