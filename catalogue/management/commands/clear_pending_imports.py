import datetime

from django.core.management.base import BaseCommand, CommandError

from catalogue.admin.imports import PENDING_LIFETIME, clear_expired_pending


class Command(BaseCommand):
    help = (
        "Delete the uploaded pages of import previews that were never confirmed nor cancelled. "
        "Each new preview also clears those older than two days; run this from cron to clear "
        "them when nobody imports."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=PENDING_LIFETIME.total_seconds() / 3600,
            help="Age after which a preview has expired (48).",
        )
        parser.add_argument("--dry-run", action="store_true", help="List, delete nothing.")

    def handle(self, *args, older_than_hours, dry_run, **options):
        if older_than_hours < 0:
            raise CommandError("--older-than-hours cannot be negative.")
        age = datetime.timedelta(hours=older_than_hours)
        expired = clear_expired_pending(age, dry_run=dry_run)
        for name in expired:
            self.stdout.write(f"{'would delete' if dry_run else 'deleted'} {name}")
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(f"{len(expired)} expired pending page(s) {verb}.")
