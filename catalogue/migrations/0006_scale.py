"""Indexes for a catalogue of a million documents (issue 7).

The public pages filter and count documents through their link tables (a person or place
mentioned, an author or recipient, a theme) and join back on document ids. These composite
indexes let PostgreSQL answer "which documents link to X" and "which published documents are
in this set" from the index alone (index-only scans), instead of reading the tables:

- mention (person_id | place_id | organisation_id, document_id), partial on the target being
  set: the person and place facets and pages. (document_id, target) exists already as the
  unique constraints; the other order is what the filters need.
- correspondent (person_id | organisation_id, role, document_id): author and recipient facets,
  the "written" and "received" groups of a person's or body's page.
- document_themes (theme_id, document_id): the theme facet.
- document (id) INCLUDE (the facet columns) WHERE status = 'published' (PostgreSQL only):
  the set of published ids, and the type, classification, language, date, place of origin
  and collection of each, without reading the document rows (about 0.1 KB per document in the
  index against several KB in the table). Every facet count and filter starts from it.

The search index (GIN) is migration 0003's; (status, date_start) is the model's own.

On PostgreSQL the indexes are built CONCURRENTLY (the migration is not atomic), so adding them
to a large live catalogue does not block writes. None of this is model state: it is database
tuning that `makemigrations` does not need to know about.
"""

from django.db import migrations

POSTGRES_ONLY = "postgresql"

# (name, table, columns, condition, included columns, vendor or None for every database)
INDEXES = [
    (
        "mention_person_document",
        "catalogue_mention",
        "person_id, document_id",
        "person_id IS NOT NULL",
        "",
        None,
    ),
    (
        "mention_place_document",
        "catalogue_mention",
        "place_id, document_id",
        "place_id IS NOT NULL",
        "",
        None,
    ),
    (
        "mention_org_document",
        "catalogue_mention",
        "organisation_id, document_id",
        "organisation_id IS NOT NULL",
        "",
        None,
    ),
    (
        "correspondent_person_role",
        "catalogue_correspondent",
        "person_id, role, document_id",
        "person_id IS NOT NULL",
        "",
        None,
    ),
    (
        "correspondent_org_role",
        "catalogue_correspondent",
        "organisation_id, role, document_id",
        "organisation_id IS NOT NULL",
        "",
        None,
    ),
    (
        "document_themes_theme_doc",
        "catalogue_document_themes",
        "theme_id, document_id",
        "",
        "",
        None,
    ),
    (
        "document_published_facets",
        "catalogue_document",
        "id",
        "status = 'published'",
        "doc_type, classification, original_language, date_start, date_end, "
        "place_of_origin_id, collection_id",
        POSTGRES_ONLY,
    ),
]


def _applies(vendor, connection):
    return vendor is None or connection.vendor == vendor


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    concurrently = " CONCURRENTLY" if connection.vendor == "postgresql" else ""
    for name, table, columns, condition, include, vendor in INDEXES:
        if not _applies(vendor, connection):
            continue
        sql = f"CREATE INDEX{concurrently} IF NOT EXISTS {name} ON {table} ({columns})"
        if include:
            sql += f" INCLUDE ({include})"
        if condition:
            sql += f" WHERE {condition}"
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    concurrently = " CONCURRENTLY" if connection.vendor == "postgresql" else ""
    for name, _table, _columns, _condition, _include, vendor in INDEXES:
        if _applies(vendor, connection):
            schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("catalogue", "0005_scans")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
