"""Full-text search (issue 3): stored search text and vector on documents.

The GIN index exists on PostgreSQL only (SQLite has neither tsvector nor GIN; there the
fallback matches the folded `search_text` column). The index is created with RunPython so
the same migration runs on both databases; it is not part of the model state.
Fill the columns with `manage.py rebuild_search_index`.

PostgreSQL also learns that matching a tsvector is expensive (COST 100 instead of 1 for
ts_match_vq, the function behind `tsvector @@ tsquery`). With the default cost the planner
prefers a sequential scan for a common word, which must decompress every stored vector from
TOAST: about ten times slower than the GIN bitmap scan it picks with the realistic cost
(measured: 1,100 ms against 100 ms for a word in 75% of 50,000 documents). Changing a
function's cost needs its owner (a superuser); without the privilege the step is skipped
with a warning and search still works, only slower for very common words.
"""

import warnings

import django.contrib.postgres.search
from django.db import DatabaseError, migrations, models, transaction

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


def set_match_cost(cost):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute(
                    f"ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) COST {cost}"
                )
        except DatabaseError as error:
            warnings.warn(
                f"Could not set the cost of ts_match_vq ({error}); search on very common "
                "words may use sequential scans. A superuser can run: ALTER FUNCTION "
                f"pg_catalog.ts_match_vq(tsvector, tsquery) COST {cost};",
                stacklevel=1,
            )

    return operation


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
        migrations.RunPython(set_match_cost(100), set_match_cost(1), elidable=False),
    ]
