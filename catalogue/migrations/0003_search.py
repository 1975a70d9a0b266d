"""Full-text search (issue 3): stored search text and vector on documents.

The GIN index exists on PostgreSQL only (SQLite has neither tsvector nor GIN; there the
fallback matches the folded `search_text` column). The index is created with RunPython so
the same migration runs on both databases; it is not part of the model state.
Fill the columns with `manage.py rebuild_search_index`.
"""

import django.contrib.postgres.search
from django.db import migrations, models

GIN_INDEX = "document_search_vector_gin"


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} "
            "ON catalogue_document USING gin (search_vector)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_groups_and_themes")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="search_text",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Folded text for the SQLite search fallback.",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_gin_index, drop_gin_index, elidable=False),
    ]
