"""Issue 5: suggestions the importer leaves for unmatched names; archivists and editors may
resolve them."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ACTIONS = ["add", "change", "delete", "view"]


def grant_suggestion_permissions(apps, schema_editor):
    app_config = apps.get_app_config("catalogue")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="catalogue",
        codename__in=[f"{action}_authoritysuggestion" for action in ACTIONS],
    )
    for group in Group.objects.filter(name__in=["Archivist", "Editor"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0003_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthoritySuggestion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("person", "Person"), ("organisation", "Organisation"), ("place", "Place")], max_length=20)),
                ("role", models.CharField(choices=[("author", "Author"), ("signatory", "Signatory"), ("recipient", "Recipient"), ("mention", "Mentioned"), ("place_of_origin", "Place of origin")], max_length=20)),
                ("name_as_printed", models.CharField(max_length=255)),
                ("name_key", models.CharField(db_index=True, editable=False, max_length=255)),
                ("office_as_stated", models.CharField(blank=True, max_length=500)),
                ("status", models.CharField(choices=[("open", "Open"), ("linked", "Linked to an existing record"), ("created", "New record created"), ("rejected", "Rejected")], db_index=True, default="open", max_length=20)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("resolved_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("document", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="authority_suggestions", to="catalogue.document")),
                ("organisation", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="catalogue.organisation")),
                ("person", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="catalogue.person")),
                ("place", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="catalogue.place")),
                ("resolved_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "authority suggestion",
                "ordering": ["status", "name_key", "pk"],
                "constraints": [models.UniqueConstraint(fields=("document", "kind", "role", "name_key"), name="unique_authority_suggestion")],
            },
        ),
        migrations.RunPython(grant_suggestion_permissions, migrations.RunPython.noop),
    ]
