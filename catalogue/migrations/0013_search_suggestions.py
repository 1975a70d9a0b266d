"""“Did you mean”: pg_trgm and trigram indexes on authority names and their variants.

PostgreSQL only (catalogue.suggestions falls back to difflib elsewhere): the extension is
created by TrigramExtension, which does nothing on other databases, and the GIN indexes with
RunPython, so that the same migration runs on SQLite. pg_trgm is a trusted extension
(PostgreSQL 13+): the database owner may create it without being a superuser. The indexes are
not part of the model state.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# (index name, table, column): every authority name and name variant.
INDEXES = [
    ("person_name_trgm", "catalogue_person", "preferred_name"),
    ("person_variant_trgm", "catalogue_personname", "name"),
    ("organisation_name_trgm", "catalogue_organisation", "name"),
    ("organisation_variant_trgm", "catalogue_organisationname", "name"),
    ("place_name_trgm", "catalogue_place", "name"),
    ("place_variant_trgm", "catalogue_placename", "name"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0012_harvesting")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
