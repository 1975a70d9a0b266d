"""Writing generated rows: PostgreSQL COPY in parallel processes, or plain inserts on SQLite.

The rows are dictionaries keyed by field attname; a `Table` puts them in column order and fills
every column the generator does not know about with the field's default, so fields added to the
models later do not break the generator.

On PostgreSQL documents are copied into a temporary staging table with the four weighted texts
of the search index, then inserted with their tsvector computed by the server, so each document
row is written once. Secondary indexes of the bulk tables are dropped during the load and built
again at the end (much faster than maintaining them row by row), then the tables are vacuumed
and analysed, as autovacuum would do after such a load.
"""

import enum
import json
import math
import multiprocessing
import os
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import DatabaseError, connections, transaction

from catalogue.models import (
    Archive,
    CatalogueChange,
    CatalogueVersion,
    Collection,
    Correspondent,
    Document,
    Footnote,
    Mention,
    Organisation,
    OrganisationName,
    Person,
    PersonName,
    Place,
    PlaceName,
    SitePage,
    Theme,
)

from .authorities import Authorities
from .documents import BLOCK_SIZE, DocumentMaker

SEARCH_WEIGHTS = "ABCD"


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value


class Table:
    """A model's table: its columns in order, with a default for each."""

    def __init__(self, model, connection):
        fields = model._meta.concrete_fields
        self.name = model._meta.db_table
        self.model = model
        self.fields = fields
        self.attnames = [field.attname for field in fields]
        self.columns = [field.column for field in fields]
        self.defaults = [_plain(field.get_default()) for field in fields]
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def tuples(self, rows, skip=()):
        """The rows as tuples in column order (without the columns in `skip`)."""
        kept = [i for i, name in enumerate(self.attnames) if name not in skip]
        for row in rows:
            values = [row.get(self.attnames[i], self.defaults[i]) for i in kept]
            yield self._prepared(values, kept)

    def _prepared(self, values, kept):
        if self.postgres:
            return [json.dumps(v) if isinstance(v, list | dict) else v for v in values]
        return [
            self.fields[i].get_db_prep_save(value, self.connection)
            for i, value in zip(kept, values, strict=True)
        ]

    def column_list(self, skip=()):
        return ", ".join(
            self.connection.ops.quote_name(column)
            for column, name in zip(self.columns, self.attnames, strict=True)
            if name not in skip
        )


def has_search_columns() -> bool:
    names = {field.name for field in Document._meta.concrete_fields}
    return {"search_text", "search_vector"} <= names


# --- Writers --------------------------------------------------------------------------------


class Writer:
    """Inserts rows with executemany: any database Django supports (used on SQLite)."""

    def __init__(self, using):
        self.using = using
        self.connection = connections[using]
        self.tables = {}

    def table(self, model) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(model, self.connection)
        return self.tables[model]

    def write(self, model, rows, skip=()):
        table = self.table(model)
        rows = list(table.tuples(rows, skip))
        if not rows:
            return
        placeholders = ", ".join(["%s"] * len(rows[0]))
        sql = f"INSERT INTO {table.name} ({table.column_list(skip)}) VALUES ({placeholders})"
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def write_documents(self, rows, search):
        if has_search_columns() and search:
            for row in rows:
                row["search_text"] = " ".join(text for text in search[row["id"]] if text)
        self.write(Document, rows)

    def prepare(self):
        """Called once per process before the first batch."""


class PostgresWriter(Writer):
    """COPY into each table; documents through a staging table that computes their tsvector."""

    STAGE = "synthetic_document_stage"

    def prepare(self):
        """Session settings for a bulk load, and the staging table.

        The staging table's long texts are stored uncompressed (STORAGE EXTERNAL): they are
        read once, so compressing them would be wasted work (a third of the copy time).
        """
        with self.connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            try:  # possible only before the session's first temporary table
                with transaction.atomic(using=self.using):
                    cursor.execute("SET temp_buffers = '128MB'")
            except DatabaseError:
                pass
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {self.STAGE} "
                f"(LIKE {Document._meta.db_table}, "
                + ", ".join(f"search_{w.lower()} text" for w in SEARCH_WEIGHTS)
                + ") ON COMMIT DELETE ROWS"
            )
            long_texts = ["body", *(f"search_{w.lower()}" for w in SEARCH_WEIGHTS)]
            cursor.execute(
                f"ALTER TABLE {self.STAGE} "
                + ", ".join(f"ALTER COLUMN {column} SET STORAGE EXTERNAL" for column in long_texts)
            )

    def write(self, model, rows, skip=()):
        table = self.table(model)
        copy_sql = f"COPY {table.name} ({table.column_list(skip)}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for values in table.tuples(rows, skip):
                copy.write_row(values)

    def write_documents(self, rows, search):
        if not (has_search_columns() and search):
            return super().write(Document, rows)
        from catalogue.search import CONFIG

        for row in rows:
            for weight, text in zip(SEARCH_WEIGHTS, search[row["id"]], strict=True):
                row[f"search_{weight.lower()}"] = text
        extra = [f"search_{w.lower()}" for w in SEARCH_WEIGHTS]
        table = self.table(Document)
        skip = ("search_vector",)
        self._copy_with_extra(table, rows, skip, extra)
        vector = " || ".join(
            f"setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE(search_{w.lower()}, '')), "
            f"'{w}')"
            for w in SEARCH_WEIGHTS
        )
        columns = table.column_list(skip)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table.name} ({columns}, search_vector) "
                f"SELECT {columns}, {vector} FROM {self.STAGE}"
            )
            cursor.execute(f"DELETE FROM {self.STAGE}")

    def _copy_with_extra(self, table, rows, skip, extra):
        columns = table.column_list(skip) + "".join(f", {c}" for c in extra)
        copy_sql = f"COPY {self.STAGE} ({columns}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row, values in zip(rows, table.tuples(rows, skip), strict=True):
                copy.write_row([*values, *(row[c] for c in extra)])


def writer_for(using) -> Writer:
    if connections[using].vendor == "postgresql":
        return PostgresWriter(using)
    return Writer(using)


# --- The catalogue --------------------------------------------------------------------------


BULK_MODELS = [
    Document,
    Document.themes.through,
    Correspondent,
    Mention,
    Footnote,
    Footnote.persons.through,
]


def catalogue_models():
    """Every table of the catalogue's records: not the themes (which migrations create), nor
    the catalogue version and its log (see catalogue.versioning), which say what changed, nor
    the site's pages (About), which are the editors' prose, not records."""
    return [
        model
        for model in apps.get_app_config("catalogue").get_models(include_auto_created=True)
        if model not in (Theme, CatalogueVersion, CatalogueChange, SitePage)
    ]


def is_empty(using) -> bool:
    return not any(
        model.objects.using(using).exists()
        for model in (Document, Person, Place, Organisation, Collection, Archive)
    )


def flush(using):
    """Delete every catalogue record (documents, authorities, history) except the themes, and
    restart the tables' id sequences."""
    connection = connections[using]
    tables = [model._meta.db_table for model in catalogue_models()]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if postgres:  # TRUNCATE refuses while deferred FK checks are pending in a transaction
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in statements:
            cursor.execute(sql)
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@dataclass
class Plan:
    documents: int
    seed: int
    persons: int
    places: int
    organisations: int
    batch: int = 5000
    jobs: int = 1
    block_size: int = BLOCK_SIZE  # documents per random stream: part of what the seed means

    @classmethod
    def for_size(cls, documents, seed=1, persons=None, places=None, organisations=None, **kw):
        """About 5,000 persons and 2,000 places; fewer for small catalogues."""
        return cls(
            documents=documents,
            seed=seed,
            persons=persons or max(20, min(5000, documents)),
            places=places or max(40, min(2000, documents // 2)),
            organisations=organisations or max(20, min(120, documents // 10)),
            **kw,
        )

    @property
    def blocks(self) -> int:
        return math.ceil(self.documents / self.block_size)

    @property
    def blocks_per_batch(self) -> int:
        return max(1, round(self.batch / self.block_size))


def write_authorities(writer: Writer, authorities: Authorities):
    with transaction.atomic(using=writer.using):
        writer.write(Person, authorities.person_rows())
        writer.write(PersonName, authorities.variant_rows(authorities.persons, "person"))
        writer.write(Place, authorities.place_rows())
        writer.write(PlaceName, authorities.variant_rows(authorities.places, "place"))
        writer.write(Organisation, authorities.organisation_rows())
        writer.write(
            OrganisationName, authorities.variant_rows(authorities.organisations, "organisation")
        )


def make_collection(using):
    """The archive and the collection of the synthetic documents (explicit keys: the data must
    not depend on where the tables' sequences happen to be)."""
    archive = Archive.objects.using(using).create(
        pk=1,
        name="Foreign Policy Archive of the Russian Federation",
        name_original="Arkhiv vneshnei politiki Rossiiskoi Federatsii",
        abbreviation="AVP RF",
        place="Moscow",
    )
    collection = Collection.objects.using(using).create(
        pk=1,
        title="Synthetic catalogue",
        slug="synthetic",
        description="Generated by manage.py generate_catalogue for tests and benchmarks.",
        series_title="Dokumenty vneshnei politiki SSSR",
        series_title_translated="USSR foreign policy documents",
        archive=archive,
    )
    return collection, archive


def write_batch(writer: Writer, maker: DocumentMaker, block_numbers, plan: Plan) -> int:
    blocks = [maker.block(number, plan.documents, plan.block_size) for number in block_numbers]
    with transaction.atomic(using=writer.using):
        search = {pk: parts for b in blocks for pk, parts in b.search.items()}
        writer.write_documents([row for b in blocks for row in b.documents], search)
        writer.write(Document.themes.through, [r for b in blocks for r in b.themes])
        writer.write(Correspondent, [r for b in blocks for r in b.correspondents])
        writer.write(Mention, [r for b in blocks for r in b.mentions])
        writer.write(Footnote, [r for b in blocks for r in b.footnotes])
        writer.write(Footnote.persons.through, [r for b in blocks for r in b.footnote_persons])
    return sum(len(b.documents) for b in blocks)


def _batches(plan: Plan, worker: int, workers: int):
    mine = list(range(worker, plan.blocks, workers))
    size = plan.blocks_per_batch
    return [mine[i : i + size] for i in range(0, len(mine), size)]


def backend_cpu_seconds(connection) -> float:
    """CPU time used so far by this connection's PostgreSQL backend process (0 if unknown:
    another host, or not PostgreSQL)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _work(plan, maker, using, worker, workers, queue):
    """A worker process: write its share of the blocks, report each batch to the parent."""
    try:
        writer = writer_for(using)
        writer.prepare()
        for numbers in _batches(plan, worker, workers):
            queue.put(("done", write_batch(writer, maker, numbers, plan)))
        cpu = {"python": time.process_time(), "database": backend_cpu_seconds(writer.connection)}
        connections[using].close()
        queue.put(("finished", cpu))
    except BaseException:  # report everything: the parent decides
        queue.put(("error", traceback.format_exc()))


class GenerationError(Exception):
    pass


def load_documents(plan: Plan, maker: DocumentMaker, using, progress) -> dict:
    """Write all documents, in `plan.jobs` processes on PostgreSQL; call progress(done).

    Returns the CPU seconds used, by the generating processes and by the database."""
    connection = connections[using]
    # Worker processes need their own connections: not on SQLite, nor inside a transaction.
    if plan.jobs <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        writer = writer_for(using)
        python, database = time.process_time(), backend_cpu_seconds(writer.connection)
        writer.prepare()
        done = 0
        for numbers in _batches(plan, 0, 1):
            done += write_batch(writer, maker, numbers, plan)
            progress(done)
        return {
            "python": time.process_time() - python,
            "database": backend_cpu_seconds(writer.connection) - database,
        }
    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(target=_work, args=(plan, maker, using, n, plan.jobs, queue), daemon=True)
        for n in range(plan.jobs)
    ]
    for process in workers:
        process.start()
    done, finished, cpu = 0, 0, {"python": 0.0, "database": 0.0}
    try:
        while finished < len(workers):
            kind, value = queue.get()
            if kind == "error":
                raise GenerationError(value)
            if kind == "finished":
                finished += 1
                cpu = {key: cpu[key] + value[key] for key in cpu}
            else:
                done += value
                progress(done)
    finally:
        for process in workers:
            if process.is_alive():
                process.terminate()
            process.join()
    return cpu


# --- Indexes and maintenance (PostgreSQL) ---------------------------------------------------


def secondary_indexes(connection, tables):
    """(name, definition) of the indexes on `tables` that no constraint or primary key owns."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY t.relname, i.relname
            """,
            [list(tables)],
        )
        return cursor.fetchall()


@contextmanager
def indexes_deferred(using, report=print):
    """Drop the bulk tables' secondary indexes for the load; always build them again after.

    Yields {"indexes": [(name, definition)], "cpu": database CPU seconds of the rebuild}."""
    connection = connections[using]
    deferred = {"indexes": [], "cpu": 0.0}
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield deferred  # inside a transaction (tests) pending FK checks forbid CREATE INDEX
        return
    tables = [model._meta.db_table for model in BULK_MODELS]
    deferred["indexes"] = secondary_indexes(connection, tables)
    with connection.cursor() as cursor:
        for name, definition in deferred["indexes"]:
            report(f"  deferring index {name}: {definition}", verbose=True)
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        # No autovacuum competing for the CPU during the load; finish() vacuums once after.
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    try:
        yield deferred
    finally:
        deferred["cpu"] = build_indexes(using, deferred["indexes"], report)
        with connections[using].cursor() as cursor:
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} RESET (autovacuum_enabled)")


def build_indexes(using, indexes, report, workers=2) -> float:
    """CREATE the indexes, in `workers` connections at once; GIN (the slowest) first.

    Returns the CPU seconds the database used for them."""
    cpu = []

    def build(index):
        name, definition = index
        started = time.monotonic()
        connection = connections[using]
        before = backend_cpu_seconds(connection)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
                cursor.execute(definition.replace(" INDEX ", " INDEX IF NOT EXISTS ", 1))
            cpu.append(backend_cpu_seconds(connection) - before)
        finally:
            connection.close()  # a pool thread's own connection
        report(f"  index {name} built in {time.monotonic() - started:.1f} s", verbose=True)

    slowest_first = sorted(indexes, key=lambda index: "USING gin" not in index[1])
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(build, slowest_first))
    return sum(cpu)


def finish(using):
    """Sequences past the explicit keys; statistics and visibility maps up to date."""
    connection = connections[using]
    models_written = catalogue_models()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_written):
            cursor.execute(sql)
        tables = ", ".join(model._meta.db_table for model in models_written)
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
        elif connection.in_atomic_block:  # VACUUM cannot run in a transaction (tests)
            cursor.execute(f"ANALYZE {tables}")
        else:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")


def theme_ids(using) -> dict:
    return dict(Theme.objects.using(using).values_list("slug", "pk"))


__all__ = [
    "GenerationError",
    "Plan",
    "finish",
    "flush",
    "indexes_deferred",
    "is_empty",
    "load_documents",
    "make_collection",
    "write_authorities",
]
