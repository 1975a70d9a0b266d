"""Create the Archivist and Editor groups and the initial theme vocabulary."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CATALOGUE_MODELS = [
    "archive", "collection", "document", "correspondent", "mention", "footnote", "scan",
    "person", "personname", "office", "organisation", "organisationname", "place", "placename",
    "theme",
]
THEMES = [
    ("Turkey", "turkey"),
    ("Balkans", "balkans"),
    ("Iran", "iran"),
    ("Afghanistan", "afghanistan"),
    ("India", "india"),
    ("Caucasus", "caucasus"),
    ("Central Asia", "central-asia"),
    ("Black Sea and the Straits", "black-sea-and-the-straits"),
    ("Germany", "germany"),
    ("Great Britain", "great-britain"),
    ("France", "france"),
    ("Italy", "italy"),
]


def catalogue_permissions(Permission, actions):
    codenames = [f"{action}_{model}" for model in CATALOGUE_MODELS for action in actions]
    return Permission.objects.filter(content_type__app_label="catalogue", codename__in=codenames)


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("catalogue")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    everyday = list(catalogue_permissions(Permission, ["add", "change", "delete", "view"]))

    archivist, _ = Group.objects.get_or_create(name="Archivist")
    archivist.permissions.set(everyday)

    editor, _ = Group.objects.get_or_create(name="Editor")
    publish = Permission.objects.get(
        content_type__app_label="catalogue", codename="publish_document"
    )
    editor.permissions.set([*everyday, publish])

    Theme = apps.get_model("catalogue", "Theme")
    for name, slug in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Archivist", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
