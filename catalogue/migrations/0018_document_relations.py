"""Relations between documents (issue 15): archivists and editors may edit them."""

import django.db.models.deletion
import django.db.models.functions.comparison
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


CODENAMES = [f"{action}_documentrelation" for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("catalogue")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="catalogue", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=["Archivist", "Editor"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0015_edit_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalDocumentRelation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("replies_to", "Replies to"),
                            ("encloses", "Encloses"),
                            ("same_event", "Another record of the same conversation or event"),
                            ("refers_to", "Refers to"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text="Why, in a few words (shown on the reading page).",
                        max_length=500,
                    ),
                ),
                (
                    "suggested",
                    models.BooleanField(
                        default=False,
                        help_text="Found by the importer; clear to confirm (suggestions are not public).",
                        verbose_name="suggested by the importer",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.document",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalogue.document",
                        verbose_name="related document",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical relation to another document",
                "verbose_name_plural": "historical relation to another documents",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="DocumentRelation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("replies_to", "Replies to"),
                            ("encloses", "Encloses"),
                            ("same_event", "Another record of the same conversation or event"),
                            ("refers_to", "Refers to"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text="Why, in a few words (shown on the reading page).",
                        max_length=500,
                    ),
                ),
                (
                    "suggested",
                    models.BooleanField(
                        default=False,
                        help_text="Found by the importer; clear to confirm (suggestions are not public).",
                        verbose_name="suggested by the importer",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="relations_out",
                        to="catalogue.document",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="relations_in",
                        to="catalogue.document",
                        verbose_name="related document",
                    ),
                ),
            ],
            options={
                "verbose_name": "relation to another document",
                "ordering": ["source", "kind", "target"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("source", models.F("target")), _negated=True),
                        name="relation_not_to_itself",
                        violation_error_message="A document cannot be related to itself.",
                    ),
                    models.UniqueConstraint(
                        django.db.models.functions.comparison.Least("source", "target"),
                        django.db.models.functions.comparison.Greatest("source", "target"),
                        models.F("kind"),
                        name="relation_once_per_pair_and_kind",
                        violation_error_message="These two documents already have a relation of this kind (in one direction or the other).",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
