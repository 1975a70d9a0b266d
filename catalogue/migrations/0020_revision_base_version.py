"""Revisions record the document's edit version they were made from, and when last saved."""

from django.db import migrations, models


def updated_when_created(apps, schema_editor):
    """Existing revisions were last saved when made, as far as anyone can tell."""
    Revision = apps.get_model("catalogue", "Revision")
    Revision.objects.update(updated_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0019_import_suggestions"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="base_version",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="The document's edit version the revision was made from (unknown "
                "for revisions made before it was recorded).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, help_text="Last saved by its author."),
        ),
        migrations.RunPython(updated_when_created, migrations.RunPython.noop),
    ]
