"""A deterministic synthetic catalogue for scale tests and benchmarks (issue 7).

`generate(plan)` writes `plan.documents` documents with their correspondents, mentions,
footnotes and themes, about 5,000 persons and 2,000 places with name variants, and the search
index, into an empty catalogue. The same plan (seed and sizes) always gives the same data.
Run it with `manage.py generate_catalogue N`.
"""

import time

from django.db import DEFAULT_DB_ALIAS

from catalogue.versioning import record_change

from .authorities import Authorities
from .documents import BLOCK_SIZE, DocumentMaker
from .loader import (
    GenerationError,
    Plan,
    finish,
    flush,
    indexes_deferred,
    is_empty,
    load_documents,
    make_collection,
    theme_ids,
    write_authorities,
    writer_for,
)


def _silent(message, verbose=False):
    pass


def generate(plan: Plan, using=DEFAULT_DB_ALIAS, report=_silent, progress=None) -> dict:
    """Write the catalogue described by `plan`; return timings in seconds by phase, and the
    CPU seconds the generating processes and the database used (cpu_python, cpu_database)."""
    if not is_empty(using):
        raise GenerationError(
            "The catalogue is not empty: generate into an empty database, or pass --flush "
            "to delete every catalogue record first."
        )
    # Restart the id sequences (nothing else to delete): ids, and so the data, must not depend
    # on what the database held before, e.g. ids taken by rolled-back transactions.
    flush(using)
    timings, started = {}, time.monotonic()
    authorities = Authorities.build(plan.seed, plan.persons, plan.places, plan.organisations)
    write_authorities(writer_for(using), authorities)
    collection, archive = make_collection(using)
    maker = DocumentMaker(plan.seed, authorities, theme_ids(using), collection.pk, archive.pk)
    timings["authorities"] = time.monotonic() - started
    report(
        f"{len(authorities.persons):,} persons, {len(authorities.places):,} places, "
        f"{len(authorities.organisations):,} organisations in {timings['authorities']:.1f} s"
    )
    with indexes_deferred(using, report) as deferred:
        phase = time.monotonic()
        cpu = load_documents(plan, maker, using, progress or (lambda done: None))
        timings["documents"] = time.monotonic() - phase
        phase = time.monotonic()
    timings["indexes"] = time.monotonic() - phase
    phase = time.monotonic()
    finish(using)
    record_change("document", using=using)  # written without signals: every document changed
    timings["vacuum_analyze"] = time.monotonic() - phase
    timings["total"] = time.monotonic() - started
    timings["cpu_python"] = cpu["python"]
    timings["cpu_database"] = cpu["database"] + deferred["cpu"]
    return timings


__all__ = ["BLOCK_SIZE", "GenerationError", "Plan", "flush", "generate"]
