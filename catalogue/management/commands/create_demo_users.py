from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

DEMO_USERS = [
    ("archivist", "Archivist", "Catalogues everything; cannot publish."),
    ("editor", "Editor", "May also publish and unpublish."),
]


class Command(BaseCommand):
    help = "In DEBUG, create a demo archivist and editor when none exist, and print how to log in."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo users are only created with DEBUG=1.")
        for username, group_name, role in DEMO_USERS:
            group = Group.objects.get(name=group_name)
            if group.user_set.exists():
                self.stdout.write(f"{group_name}: an account exists already.")
                continue
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"{group_name}: user “{username}” exists; left unchanged.")
                continue
            user = User.objects.create_user(username, password=username, is_staff=True)
            user.groups.add(group)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{group_name}: log in at /admin/ as {username} / {username} ({role})"
                )
            )
