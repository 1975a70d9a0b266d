"""The ids of documents that are not published: a small partial index (4% of a catalogue).

"How many published documents mention this person" is answered as the person's links minus
those to unpublished documents: an anti-join with this index (40,000 ids at a million
documents) instead of a semi-join with every published id (960,000). At a million documents the
most mentioned person's count went from 165 to 15 ms, the unfiltered "person mentioned" facet
from 890 to 430 ms. Built CONCURRENTLY on PostgreSQL, as migration 0006's indexes.
"""

from django.db import migrations

NAME = "document_unpublished"


def create_index(apps, schema_editor):
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX{concurrently} IF NOT EXISTS {NAME} ON catalogue_document (id) "
        "WHERE status <> 'published'"
    )


def drop_index(apps, schema_editor):
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("catalogue", "0006_scale")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
