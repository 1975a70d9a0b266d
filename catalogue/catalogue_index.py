"""A derived facet index per app server: every document's facet values as numpy columns.

PostgreSQL (or SQLite) stays the source of truth. The index is built from it in one pass
(`manage.py build_catalogue_index`, or lazily on first use) inside one snapshot, so it is exactly
the catalogue at the version it records. Facet and result counts are then `np.bincount` over the
documents that match (2–20 ms at a million documents) instead of GROUP BY scans.

Freshness: a request reads the catalogue version once (catalogue.versioning). An index older
than that version applies `changes_since(its version)` (the changed documents read again by id,
a constant number of queries) before it is used. When it cannot (the log was pruned, a bulk
change of every document, too many changes), `current_index()` answers None and the caller
counts in SQL, correct and slower, while the index is rebuilt (inline for a small catalogue, in a
background thread for a large one). An index is never used for a version newer than its own, so
a withdrawn document is never counted.

Each document is one position in `ids` (sorted). Columns per position: status code, type,
classification, language (codes into vocabularies), collection, place of origin, start and end
day, start year, scans. Linked values (themes, persons, places and organisations mentioned,
authors and recipients) are pairs of arrays (document position, value id). Drafts are indexed
with their status, so that only published documents are counted publicly.

The documents matching a search are fetched from PostgreSQL's GIN index once per query and kept
(a small LRU), updated for the changed documents at each catch-up: a common word's 700,000 ids
are read once per process, not once per public change.
"""

import datetime
import logging
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction

from catalogue import common_words, network_index, versioning
from catalogue.common_words import CommonWords
from catalogue.facets import (
    AUTHORS,
    DEFAULT_LIMIT,
    EXPANDED_LIMIT,
    RECIPIENTS,
    AgentFacet,
    ChoiceFacet,
    FacetResult,
    FacetValue,
    ForeignKeyFacet,
    PeriodFacet,
    RelatedFacet,
    ScansFacet,
    _top,
)
from catalogue.models import Correspondent, Document, Mention, Scan, Status

logger = logging.getLogger(__name__)

NO_DAY_START = np.iinfo(np.int32).max  # an undated document starts after every bound
NO_DAY_END = -1  # ... and ends before every bound
CATCH_UP_LIMIT = 5000  # changed documents applied in place; beyond, a rebuild
INLINE_BUILD_LIMIT = 50_000  # documents: a larger catalogue is (re)built in a thread
SEARCH_MEMO_SIZE = 16
CHUNK = 50_000
FORMAT = 4  # of the file written by CatalogueIndex.save; another format is not read

SCALAR_CODES = (
    "doc_type",
    "classification",
    "original_language",
    "status",
    "priority",
    "date_precision",
    "is_extract",
    "has_warnings",
)
LINKS = ("theme", "person", "place", "organisation", "author", "recipient")
# Facet names of catalogue.filters.DocumentFilter and the column each counts.
COLUMNS = {
    "decade": "year",
    "year": "year",
    "type": "doc_type",
    "classification": "classification",
    "language": "original_language",
    "origin": "origin",
    "collection": "collection",
    "scans": "scans",
    **{name: name for name in LINKS},
}


def agent_code(kind: str, pk: int) -> int:
    """Persons and bodies in one column: 2 × id for a person, 2 × id + 1 for a body."""
    return pk * 2 + (kind == "organisation")


@dataclass
class CatalogueIndex:
    """The facet columns of every document at catalogue `version` (see the module)."""

    version: int
    ids: np.ndarray
    codes: dict[str, np.ndarray]  # SCALAR_CODES: int16 codes per position
    vocabularies: dict[str, list]  # SCALAR_CODES: the value of each code
    collection: np.ndarray
    origin: np.ndarray
    day_start: np.ndarray
    day_end: np.ndarray
    year: np.ndarray
    scans: np.ndarray
    links: dict[str, tuple[np.ndarray, np.ndarray]]  # name: (positions, values)
    built_seconds: float = 0.0
    searches: OrderedDict = field(default_factory=OrderedDict)  # key: (terms, sorted ids)
    totals: dict = field(default_factory=dict)  # column: counts over every published document
    common: CommonWords | None = None  # bitmaps of the words most documents hold (PostgreSQL)
    network: network_index.Pairs | None = None  # the correspondence network's pairs

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def published(self) -> np.ndarray:
        return self.status_mask([Status.PUBLISHED])

    @cached_property
    def published_count(self) -> int:
        return int(self.published.sum())

    def status_mask(self, statuses) -> np.ndarray:
        vocabulary = self.vocabularies["status"]
        codes = [vocabulary.index(s) for s in statuses if s in vocabulary]
        return np.isin(self.codes["status"], codes)

    def positions(self, document_ids) -> np.ndarray:
        """Positions of the given document ids that are in the index."""
        found = np.asarray(document_ids, dtype=np.int64)
        if not len(found) or not self.size:
            return np.zeros(0, dtype=np.int64)
        at = np.searchsorted(self.ids, found)
        at = np.minimum(at, self.size - 1)
        return at[self.ids[at] == found]

    def mask_of(self, document_ids) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[self.positions(document_ids)] = True
        return mask

    def column(self, name) -> np.ndarray:
        if name in self.codes:
            return self.codes[name]
        return getattr(self, name)

    def code_of(self, name, value) -> int:
        vocabulary = self.vocabularies[name]
        return vocabulary.index(value) if value in vocabulary else -1

    def with_values(self, name, values) -> np.ndarray:
        """The documents having any of `values` in column or link set `name`."""
        if name in self.links:
            positions, linked = self.links[name]
            mask = np.zeros(self.size, dtype=bool)
            mask[positions[np.isin(linked, values)]] = True
            return mask
        return np.isin(self.column(name), values)

    def published_counts(self, name, mask) -> np.ndarray:
        """Documents in `mask` (published documents) per value of `name`. Every published
        document: counted once per index and kept; most of them: the total minus the count of
        those left out (the complement is the smaller scan)."""
        matching = int(mask.sum())
        if matching * 2 > self.published_count:
            if name not in self.totals:
                self.totals[name] = self.counts(name, self.published)
            total = self.totals[name]
            if matching == self.published_count:
                return total
            left_out = self.counts(name, self.published & ~mask)
            return total - np.pad(left_out, (0, max(0, len(total) - len(left_out))))
        return self.counts(name, mask)

    def counts(self, name, mask) -> np.ndarray:
        """Documents in `mask` per value of `name` (index: the value or its code)."""
        if name in self.links:
            positions, linked = self.links[name]
            return np.bincount(linked[mask[positions]])
        column = self.column(name)[mask]
        if name in ("collection", "origin"):
            column = column[column >= 0]
        return np.bincount(column.astype(np.int64))

    # --- persistence ------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        arrays = {
            "version": np.array([self.version]),
            "ids": self.ids,
            "collection": self.collection,
            "origin": self.origin,
            "day_start": self.day_start,
            "day_end": self.day_end,
            "year": self.year,
            "scans": self.scans,
        }
        for name in SCALAR_CODES:
            arrays[f"code_{name}"] = self.codes[name]
            arrays[f"vocabulary_{name}"] = np.array(self.vocabularies[name], dtype=object)
        for name, (positions, values) in self.links.items():
            arrays[f"link_{name}_positions"] = positions
            arrays[f"link_{name}_values"] = values
        if self.common is not None:
            arrays.update(self.common.arrays())
        if self.network is not None:
            arrays.update(self.network.arrays())
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp.npz")
        np.savez(temporary, **arrays)
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> "CatalogueIndex":
        with np.load(path, allow_pickle=True) as data:
            return cls(
                version=int(data["version"][0]),
                ids=data["ids"],
                codes={name: data[f"code_{name}"] for name in SCALAR_CODES},
                vocabularies={name: list(data[f"vocabulary_{name}"]) for name in SCALAR_CODES},
                collection=data["collection"],
                origin=data["origin"],
                day_start=data["day_start"],
                day_end=data["day_end"],
                year=data["year"],
                scans=data["scans"],
                links={
                    name: (data[f"link_{name}_positions"], data[f"link_{name}_values"])
                    for name in LINKS
                },
                common=CommonWords.from_arrays(data),
                network=network_index.Pairs.from_arrays(data),
            )


# --- Reading the database ---------------------------------------------------------------------


def _day(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return value.toordinal()


@dataclass
class _Rows:
    """What the database holds for some documents: plain lists, turned into arrays after."""

    documents: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    mentions: list = field(default_factory=list)
    correspondents: list = field(default_factory=list)
    scanned: list = field(default_factory=list)


DOCUMENT_COLUMNS = (
    "id",
    "status",
    "doc_type",
    "classification",
    "original_language",
    "collection_id",
    "place_of_origin_id",
    "date_start",
    "date_end",
    "priority",
    "date_precision",
    "is_extract",
    "has_warnings",
)


def _select(using, table_model, columns, where_ids=None, id_column="document_id"):
    """Rows of `columns` (names, or SQL expressions given as ("sql",)) of a table."""
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(table_model._meta.db_table)
    listed = ", ".join(c[0] if isinstance(c, tuple) else quote(c) for c in columns)
    sql = f"SELECT {listed} FROM {table}"
    params = []
    if where_ids is not None:
        if not where_ids:
            return []
        sql += f" WHERE {quote(id_column)} IN ({', '.join(['%s'] * len(where_ids))})"
        params = list(where_ids)
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(CHUNK):
            rows.extend(batch)
    return rows


def _document_columns(using):
    """DOCUMENT_COLUMNS as selected: "has_warnings" is whether import_warnings is a non-empty
    list (the admin's import warnings filter)."""
    empty = "'[]'::jsonb" if connections[using].vendor == "postgresql" else "'[]'"
    warnings = (f"(import_warnings IS NOT NULL AND import_warnings <> {empty})",)
    return tuple(warnings if name == "has_warnings" else name for name in DOCUMENT_COLUMNS)


def _roles(roles) -> str:
    return ", ".join(f"'{role}'" for role in roles)  # fixed vocabulary codes, not input


def _read_rows(using, document_ids=None) -> _Rows:
    """Every document's facet values (or those of `document_ids`): five queries."""
    ids = None if document_ids is None else sorted(document_ids)
    themes = Document.themes.through
    role = (
        f"(CASE WHEN role IN ({_roles(AUTHORS)}) THEN 1 "
        f"WHEN role IN ({_roles(RECIPIENTS)}) THEN 2 ELSE 0 END)",
    )
    return _Rows(
        documents=_select(using, Document, _document_columns(using), ids, id_column="id"),
        themes=_select(using, themes, ("document_id", "theme_id"), ids),
        mentions=_select(
            using,
            Mention,
            (
                "document_id",
                ("COALESCE(person_id, 0)",),
                ("COALESCE(organisation_id, 0)",),
                ("COALESCE(place_id, 0)",),
            ),
            ids,
        ),
        correspondents=_select(
            using,
            Correspondent,
            ("document_id", role, ("COALESCE(person_id, 0)",), ("COALESCE(organisation_id, 0)",)),
            ids,
        ),
        scanned=_select(using, Scan, ("document_id",), ids),
    )


def _snapshot(using):
    """A transaction whose reads all see one snapshot (REPEATABLE READ on PostgreSQL; SQLite
    transactions are serialisable already)."""
    connection = connections[using]
    outermost = not connection.in_atomic_block

    class Snapshot:
        def __enter__(self):
            self.atomic = transaction.atomic(using=using)
            self.atomic.__enter__()
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return self

        def __exit__(self, *exc):
            return self.atomic.__exit__(*exc)

    return Snapshot()


# --- Building and updating ----------------------------------------------------------------------


def _codes(values, vocabulary: list) -> np.ndarray:
    lookup = {value: code for code, value in enumerate(vocabulary)}
    out = np.empty(len(values), dtype=np.int16)
    for i, value in enumerate(values):
        code = lookup.get(value)
        if code is None:
            code = lookup[value] = len(vocabulary)
            vocabulary.append(value)
        out[i] = code
    return out


def _document_arrays(rows, vocabularies) -> dict:
    """Columns for the document rows (in id order)."""
    rows = sorted(rows)
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in DOCUMENT_COLUMNS]
    by_name = dict(zip(DOCUMENT_COLUMNS, columns, strict=True))
    starts = [_day(value) for value in by_name["date_start"]]
    ends = [_day(value) for value in by_name["date_end"]]
    return {
        "ids": np.array(by_name["id"], dtype=np.int64),
        "codes": {name: _codes(by_name[name], vocabularies[name]) for name in SCALAR_CODES},
        "collection": np.array([v or -1 for v in by_name["collection_id"]], dtype=np.int32),
        "origin": np.array([v or -1 for v in by_name["place_of_origin_id"]], dtype=np.int32),
        "day_start": np.array([NO_DAY_START if d is None else d for d in starts], dtype=np.int32),
        "day_end": np.array([NO_DAY_END if d is None else d for d in ends], dtype=np.int32),
        "year": np.array(
            [0 if d is None else datetime.date.fromordinal(d).year for d in starts],
            dtype=np.int16,
        ),
    }


def _table(rows, width) -> np.ndarray:
    return np.array(rows, dtype=np.int64).reshape(-1, width)


def _link_pairs(rows: _Rows) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(document ids, values) of every link set, each pair once, in document order."""
    themes, mentions = _table(rows.themes, 2), _table(rows.mentions, 4)
    correspondents = _table(rows.correspondents, 4)
    pairs = {"theme": (themes[:, 0], themes[:, 1])}
    for column, name in ((1, "person"), (2, "organisation"), (3, "place")):
        linked = mentions[mentions[:, column] > 0]
        pairs[name] = (linked[:, 0], linked[:, column])
    agents = np.where(
        correspondents[:, 2] > 0, correspondents[:, 2] * 2, correspondents[:, 3] * 2 + 1
    )
    agents[(correspondents[:, 2] == 0) & (correspondents[:, 3] == 0)] = -1
    for role, name in ((1, "author"), (2, "recipient")):
        chosen = (correspondents[:, 1] == role) & (agents >= 0)
        pairs[name] = (correspondents[chosen, 0], agents[chosen])
    return {name: _unique_pairs(*pair) for name, pair in pairs.items()}


def _unique_pairs(documents, values) -> tuple[np.ndarray, np.ndarray]:
    keys = np.unique((documents.astype(np.int64) << 32) | values.astype(np.int64))
    return keys >> 32, keys & 0xFFFFFFFF


def build(using: str = DEFAULT_DB_ALIAS) -> CatalogueIndex:
    """The index of every document, read in one snapshot with its catalogue version."""
    started = time.monotonic()
    with _snapshot(using):
        version = versioning._read(using)
        rows = _read_rows(using)
        common = common_words.build(using, len(rows.documents))
    vocabularies = {name: [] for name in SCALAR_CODES}
    columns = _document_arrays(rows.documents, vocabularies)
    ids = columns.pop("ids")
    links = {}
    for name, (document_ids, values) in _link_pairs(rows).items():
        at = np.searchsorted(ids, document_ids)
        known = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == document_ids)
        links[name] = (at[known], values[known])
    scans = np.zeros(len(ids), dtype=bool)
    scanned = np.array([row[0] for row in rows.scanned], dtype=np.int64)
    index = CatalogueIndex(
        version=version,
        ids=ids,
        vocabularies=vocabularies,
        scans=scans,
        links=links,
        common=common,
        **columns,
    )
    index.scans[index.positions(scanned)] = True
    index.network = network_index.build(index.links, index.size)
    index.built_seconds = time.monotonic() - started
    return index


def caught_up(index: CatalogueIndex, using: str = DEFAULT_DB_ALIAS) -> CatalogueIndex | None:
    """A new index: `index` with the changes made since its version, or None when they cannot
    be applied in place (the caller rebuilds)."""
    with _snapshot(using):
        changes = versioning.changes_since(index.version, using)
        if changes is None:
            return None
        changed = changes.documents
        if changed is None or len(changed) > CATCH_UP_LIMIT:
            return None
        rows = _read_rows(using, changed) if changed else _Rows()
        searches = _refresh_searches(index, changed, using) if changed else index.searches
        common = index.common
        if changed and common is not None:
            lexemes = common_words.lexemes_of(using, changed)
            common = common.updated(lexemes, removed=set(changed) - set(lexemes))
    if not changed:
        return replace(index, version=changes.version, searches=OrderedDict(searches))
    updated = _apply(index, sorted(changed), rows)
    updated.version = changes.version
    updated.searches = searches
    updated.common = common
    return updated


def _apply(index: CatalogueIndex, changed: list[int], rows: _Rows) -> CatalogueIndex:
    """Replace the rows of the `changed` documents (absent from `rows`: deleted)."""
    vocabularies = {name: list(v) for name, v in index.vocabularies.items()}
    fresh = _document_arrays(rows.documents, vocabularies)
    keep = ~np.isin(index.ids, np.asarray(changed, dtype=np.int64))
    ids = np.concatenate([index.ids[keep], fresh["ids"]])
    order = np.argsort(ids, kind="stable")
    new_position = np.empty(len(ids), dtype=np.int64)
    new_position[order] = np.arange(len(ids))
    old_to_new = np.full(index.size, -1, dtype=np.int64)
    old_to_new[keep] = new_position[: int(keep.sum())]

    def merged(old, new):
        return np.concatenate([old[keep], new])[order]

    scanned = {row[0] for row in rows.scanned}
    updated = CatalogueIndex(
        version=index.version,
        ids=ids[order],
        codes={name: merged(index.codes[name], fresh["codes"][name]) for name in SCALAR_CODES},
        vocabularies=vocabularies,
        collection=merged(index.collection, fresh["collection"]),
        origin=merged(index.origin, fresh["origin"]),
        day_start=merged(index.day_start, fresh["day_start"]),
        day_end=merged(index.day_end, fresh["day_end"]),
        year=merged(index.year, fresh["year"]),
        scans=merged(index.scans, np.array([pk in scanned for pk in fresh["ids"]], dtype=bool)),
        links={},
    )
    for name, (document_ids, new_values) in _link_pairs(rows).items():
        positions, values = index.links[name]
        moved = old_to_new[positions]
        kept = moved >= 0
        updated.links[name] = (
            np.concatenate([moved[kept], updated.positions(document_ids)]),
            np.concatenate([values[kept], new_values]),
        )
    updated.network = network_index.updated(
        index.network, old_to_new, updated.links, updated.positions(changed), updated.size
    )
    return updated


# --- Searches -----------------------------------------------------------------------------------


def _search_key(terms) -> tuple:
    return tuple(terms.phrases)


def _matching_ids(terms, using, among=None) -> np.ndarray:
    from catalogue import search

    documents = Document.objects.using(using).published()
    if among is not None:
        documents = documents.filter(pk__in=among)
    found = search.matching(documents, terms).order_by().values_list("pk", flat=True)
    with _exact_gin_fetch(using):
        return np.sort(np.fromiter(found.iterator(chunk_size=CHUNK), dtype=np.int64))


# Memory for the GIN bitmap of a search's matches: enough to keep one bit per row of a million
# documents exact. With the default 4 MB the bitmap turns lossy for a common word and every
# row of each lossy page is re-checked, detoasting its search vector (8.5 s for 954,000 ids at
# a million documents); a sequential scan, which the planner picks when most rows match,
# detoasts every vector too. Exact and through the index: the ids come from the heap only.
SEARCH_WORK_MEM = "64MB"


@contextmanager
def _exact_gin_fetch(using):
    """PostgreSQL: fetch matches through the GIN index with an exact bitmap (see above)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        # A transaction of its own: the settings end with it.
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(_SET_SEARCH_SETTINGS, [SEARCH_WORK_MEM, "off"])
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute(_SET_SEARCH_SETTINGS, [SEARCH_WORK_MEM, "off"])
        previous = cursor.fetchone()[:2]
        yield
        # Back as they were for the rest of the enclosing transaction.
        cursor.execute(_SET_SEARCH_SETTINGS, list(previous))


# Returns the settings as they were, then sets them for the current transaction only.
_SET_SEARCH_SETTINGS = (
    "SELECT current_setting('work_mem'), current_setting('enable_seqscan'), "
    "set_config('work_mem', %s, true), set_config('enable_seqscan', %s, true)"
)


def _refresh_searches(index, changed, using) -> OrderedDict:
    """The remembered searches with the changed documents matched again."""
    changed_ids = np.asarray(sorted(changed), dtype=np.int64)
    refreshed = OrderedDict()
    for key, (terms, ids) in index.searches.items():
        still = ids[~np.isin(ids, changed_ids)]
        now = _matching_ids(terms, using, among=list(changed_ids.tolist()))
        refreshed[key] = (terms, np.union1d(still, now))
    return refreshed


def search_mask(index: CatalogueIndex, terms, using=DEFAULT_DB_ALIAS) -> np.ndarray:
    """The published documents matching `terms`: from the common words' bitmaps when every
    word is common, else from the GIN index once per query and index."""
    mask = _common_words_mask(index, terms, using)
    if mask is not None:
        return mask
    key = _search_key(terms)
    with _lock:
        found = index.searches.get(key)
        if found is not None:
            index.searches.move_to_end(key)
    if found is None:
        found = (terms, _matching_ids(terms, using))
        with _lock:
            index.searches[key] = found
            while len(index.searches) > SEARCH_MEMO_SIZE:
                index.searches.popitem(last=False)
    return index.mask_of(found[1])


def _common_words_mask(index: CatalogueIndex, terms, using) -> np.ndarray | None:
    """The search from the common words' bitmaps: phrases made only of common words are read
    from them, the others (a rare word among them, so a small fetch) from the GIN index. None
    when no phrase is made of common words."""
    from catalogue import search

    if index.common is None:
        return None
    phrases = common_words.query_lexemes(using, terms.phrases, search.CONFIG)
    if phrases is None or not any(index.common.covers(lexemes) for lexemes in phrases):
        return None
    mask = np.zeros(index.size, dtype=bool)
    for phrase, lexemes in zip(terms.phrases, phrases, strict=True):
        if index.common.covers(lexemes):
            mask |= index.common.documents_with_all(lexemes, index.ids)
        else:
            only_this = search.SearchTerms(raw=phrase, words=phrase.split())
            mask |= index.mask_of(_matching_ids(only_this, using))
    return mask & index.published


# --- The index of this process ------------------------------------------------------------------

_indexes: dict[str, CatalogueIndex] = {}
_lock = threading.RLock()
_rebuilding: set[str] = set()


def enabled() -> bool:
    return getattr(settings, "CATALOGUE_INDEX", True)


def read_alias() -> str:
    """The database this request reads the catalogue from (a replica that has caught up, or
    the primary): the index is caught up from there, never from a database the page does not
    read."""
    return router.db_for_read(Document)


def _identity(using: str) -> str:
    """The key of `using`'s index: a read replica is a copy of the primary, so at a given
    catalogue version both hold the same documents and share one index (one copy in memory)."""
    from catalogue.routing import replica_aliases

    return DEFAULT_DB_ALIAS if using in replica_aliases() else using


def index_path(using: str = DEFAULT_DB_ALIAS) -> Path | None:
    directory = getattr(settings, "CATALOGUE_INDEX_DIR", None)
    if not directory:
        return None
    using = _identity(using)
    name = str(connections[using].settings_dict["NAME"]).replace("/", "_")
    return Path(directory) / f"{connections[using].vendor}-{name}-v{FORMAT}.npz"


def forget(using: str | None = None) -> None:
    """Drop the index held in memory (all databases when `using` is None)."""
    with _lock:
        if using is None:
            _indexes.clear()
        else:
            _indexes.pop(_identity(using), None)


def forget_searches() -> None:
    """Empty the remembered search matches of every index held in memory, as on a server that
    has not been asked any search yet (the benchmark's first visits)."""
    with _lock:
        for index in _indexes.values():
            index.searches.clear()


def install(index: CatalogueIndex, using: str = DEFAULT_DB_ALIAS) -> None:
    with _lock:
        _indexes[_identity(using)] = index


def current_index(using: str = DEFAULT_DB_ALIAS) -> CatalogueIndex | None:
    """The index at (at least) the version this request reads, or None: count in SQL."""
    if not enabled() or versioning.has_uncommitted_change(using):
        return None
    wanted = versioning.current_version(using)
    with _lock:
        index = _indexes.get(_identity(using))
        if index is None:
            index = _load(using)
        if index is not None and index.version < wanted:
            index = _catch_up(index, using)
        if index is None:
            index = _rebuild(using)
        if index is None or index.version < wanted:
            return None
        return index


def _load(using) -> CatalogueIndex | None:
    path = index_path(using)
    if path is None or not path.exists():
        return None
    try:
        index = CatalogueIndex.load(path)
    except Exception:
        logger.exception("The catalogue index at %s could not be read; rebuilding", path)
        return None
    _indexes[_identity(using)] = index
    return index


def _catch_up(index, using) -> CatalogueIndex | None:
    try:
        updated = caught_up(index, using)
    except Exception:
        logger.exception("The catalogue index could not catch up; counting in SQL")
        return None
    if updated is not None:
        _indexes[_identity(using)] = updated
    return updated


def _rebuild(using) -> CatalogueIndex | None:
    """Rebuild inline for a small catalogue; otherwise in a thread (None meanwhile)."""
    previous = _indexes.get(_identity(using))
    size = previous.size if previous is not None else Document.objects.using(using).count()
    if size <= INLINE_BUILD_LIMIT or not getattr(settings, "CATALOGUE_INDEX_BACKGROUND", True):
        index = build(using)
        _indexes[_identity(using)] = index
        return index
    if _identity(using) not in _rebuilding:
        _rebuilding.add(_identity(using))
        threading.Thread(target=_build_in_background, args=(using,), daemon=True).start()
    return None


def _build_in_background(using):
    try:
        index = build(using)
        install(index, using)
        logger.info(
            "Catalogue index rebuilt: %s documents, %.1f s", index.size, index.built_seconds
        )
    except Exception:
        logger.exception("The catalogue index could not be rebuilt")
    finally:
        _rebuilding.discard(_identity(using))
        connections[using].close()


# --- Facets from the index ----------------------------------------------------------------------


def filter_masks(index: CatalogueIndex, filterset, using=DEFAULT_DB_ALIAS) -> dict | None:
    """{filter name: documents it keeps} for every active filter; None if one is unknown."""
    masks = {}
    for name, value in filterset.cleaned.items():
        if not value or name == "sort":
            continue
        if name == "q":
            masks[name] = search_mask(index, value, using)
        elif name == "date_from":
            masks[name] = index.day_end >= value.start.toordinal()
        elif name == "date_to":
            masks[name] = index.day_start <= value.end.toordinal()
        elif name in COLUMNS:
            masks[name] = _facet_mask(index, name, filterset.filters[name].facet, value)
        else:
            return None
    return masks


def _facet_mask(index, name, facet, choices) -> np.ndarray:
    keys = [choice.key for choice in choices]
    column = COLUMNS[name]
    if isinstance(facet, PeriodFacet):
        mask = np.zeros(index.size, dtype=bool)
        for start in keys:
            mask |= (index.year >= start) & (index.year < start + facet.span)
        return mask
    if isinstance(facet, ScansFacet):
        if set(keys) == {"yes"}:
            return index.scans.copy()
        if set(keys) == {"no"}:
            return ~index.scans
        return np.ones(index.size, dtype=bool)
    if isinstance(facet, AgentFacet):
        return index.with_values(column, [agent_code(kind, pk) for kind, pk in keys])
    if column in index.codes:
        return index.with_values(column, [index.code_of(column, key) for key in keys])
    return index.with_values(column, keys)


def _combined(base, masks, leave_out=None):
    mask = base.copy()
    for name, other in masks.items():
        if name != leave_out:
            mask &= other
    return mask


@dataclass
class IndexedCounts:
    """What the index answers for a list: the number of results and every facet."""

    count: int
    facets: list[FacetResult]
    matching: np.ndarray  # positions of the matching documents
    index: CatalogueIndex


def indexed_list(filterset, expanded=(), using=None) -> IndexedCounts | None:
    """The result count and facets of the public list from the index; None: count in SQL."""
    using = using or read_alias()
    if any(name not in COLUMNS for name, _ in filterset.facet_filters()):
        return None
    if not filterset._base_is_published:
        return None
    index = current_index(using)
    if index is None:
        return None
    masks = filter_masks(index, filterset, using)
    if masks is None:
        return None
    base = index.published
    everything = _combined(base, masks)
    counted = []
    for name, facet_filter in filterset.facet_filters():
        mask = everything if name not in masks else _combined(base, masks, leave_out=name)
        limit = EXPANDED_LIMIT if name in expanded else DEFAULT_LIMIT
        selected = filterset.selected_choices(name)
        counted.append(_Counted(name, facet_filter.facet, selected, limit, mask, index))
    labels = _labels(counted)
    facets = []
    for item in counted:
        values, has_more = item.values(labels)
        facet = item.facet
        facets.append(
            FacetResult(
                name=item.name,
                label=facet.label,
                values=values,
                has_more=has_more,
                expanded=item.name in expanded,
                chronological=facet.chronological,
                selected=[v for v in values if v.selected],
            )
        )
    return IndexedCounts(int(everything.sum()), facets, np.flatnonzero(everything), index)


def _candidates(counts: np.ndarray, selected_keys, limit) -> list[int]:
    """Values to label: the selected ones and the `limit + 1` most frequent others, with every
    value tied with the last of them (so that ties are broken by label as in SQL)."""
    nonzero = np.flatnonzero(counts)
    others = nonzero[~np.isin(nonzero, list(selected_keys))] if selected_keys else nonzero
    if len(others) > limit + 1:
        cut = len(others) - (limit + 1)
        threshold = np.partition(counts[others], cut)[cut]
        others = others[counts[others] >= threshold]
    return [int(v) for v in selected_keys] + [int(v) for v in others]


def _ordered_rows(rows, selected_values, limit):
    """Rows (value, label, count): selected first, then by count and label, cut to size."""
    chosen = set(selected_values)
    rows = sorted(rows, key=lambda r: (r[0] not in chosen, -r[2], r[1] or ""))
    return rows[: len(chosen) + limit + 1]


def _label_model(facet, kind=None):
    if isinstance(facet, AgentFacet):
        return facet.persons if kind == "person" else facet.organisations
    return facet.lookup


class _Counted:
    """One facet's counts over its documents, and the values whose labels it needs."""

    def __init__(self, name, facet, selected, limit, mask, index):
        self.name, self.facet, self.selected, self.limit = name, facet, selected, limit
        self.mask, self.index = mask, index
        self.column = COLUMNS[name]
        self.counts = index.published_counts(self.column, mask)
        self.wanted = {}  # SlugLookup: ids
        if isinstance(facet, AgentFacet):
            keys = [agent_code(kind, pk) for kind, pk in (c.key for c in selected)]
            self.candidates = _candidates(self.counts, keys, limit)
            for kind in ("person", "organisation"):
                parity = kind == "organisation"
                ids = [v // 2 for v in self.candidates if v % 2 == parity]
                self.wanted[_label_model(facet, kind)] = ids
        elif isinstance(facet, RelatedFacet | ForeignKeyFacet):
            self.candidates = _candidates(self.counts, [c.key for c in selected], limit)
            self.wanted[facet.lookup] = self.candidates

    def count_of(self, value) -> int:
        return int(self.counts[value]) if 0 <= value < len(self.counts) else 0

    def values(self, labels) -> tuple[list[FacetValue], bool]:
        facet, selected, limit, counts = self.facet, self.selected, self.limit, self.counts
        if isinstance(facet, PeriodFacet):
            return facet.from_years({y: int(n) for y, n in enumerate(counts) if n and y}, selected)
        if isinstance(facet, ScansFacet):
            total = int(self.mask.sum())
            yes = int((self.mask & self.index.scans).sum())
            chosen = {c.value for c in selected}
            found = {"yes": yes, "no": total - yes}
            values = [
                FacetValue(value, label, found[value], value in chosen)
                for value, label in facet.CHOICES.items()
                if found[value] or value in chosen
            ]
            return values, False
        if isinstance(facet, ChoiceFacet):
            vocabulary = self.index.vocabularies[self.column]
            rows = [(vocabulary[code], int(n)) for code, n in enumerate(counts) if n]
            return facet.from_groups(rows, selected, limit)
        rows = []
        if isinstance(facet, AgentFacet):
            for kind in ("person", "organisation"):
                named = labels[_label_model(facet, kind)]
                for pk in self.wanted[_label_model(facet, kind)]:
                    n = self.count_of(agent_code(kind, pk))
                    if n and pk in named:
                        rows.append((f"{kind}:{named[pk][0]}", named[pk][1], n))
        else:
            named = labels[facet.lookup]
            for pk in self.candidates:
                if (n := self.count_of(pk)) and pk in named:
                    rows.append((named[pk][0], named[pk][1], n))
        rows = _ordered_rows(rows, [c.value for c in selected], limit)
        if isinstance(facet, ForeignKeyFacet):
            return facet.from_groups(rows, selected, limit)
        if isinstance(facet, RelatedFacet | AgentFacet):
            return _top(rows, selected, limit)
        raise TypeError(f"The catalogue index cannot count facet {self.name!r}")


def _labels(counted) -> dict:
    """{SlugLookup: {id: (slug, label)}}: one query per model (persons, places ...)."""
    by_model = {}
    for item in counted:
        for lookup, ids in item.wanted.items():
            key = (lookup.model, lookup.label_field)
            by_model.setdefault(key, set()).update(ids)
    found = {}
    for (model, label_field), ids in by_model.items():
        rows = model.objects.filter(pk__in=sorted(ids)).values_list("pk", "slug", label_field)
        found[(model, label_field)] = {pk: (slug, label) for pk, slug, label in rows} if ids else {}
    return _ByLookup(found)


class _ByLookup(dict):
    def __missing__(self, lookup):
        return self[(lookup.model, lookup.label_field)]


def first_of_group(list_url: str, size: int, using=None):
    """For an authority page's group of documents, given as its filtered list URL
    ("/documents/?author=person%3Achicherin"): (count, ids of the candidates for its first
    `size` documents in date order: every document starting on or before the size-th start
    day), or None when the index cannot answer."""
    from urllib.parse import urlsplit

    from django.http import QueryDict

    from catalogue.filters import DocumentFilter

    using = using or read_alias()
    params = QueryDict(urlsplit(list_url).query)
    if len(params) != 1 or next(iter(params)) not in COLUMNS:
        return None
    index = current_index(using)
    if index is None:
        return None
    filterset = DocumentFilter(params, queryset=Document.objects.using(using).published())
    masks = filter_masks(index, filterset, using)
    if not masks:
        return None
    mask = _combined(index.published, masks)
    positions = np.flatnonzero(mask)
    days = index.day_start[positions]
    if len(days) > size:
        last = np.partition(days, size - 1)[size - 1]
        positions = positions[days <= last]
    return len(np.flatnonzero(mask)), [int(pk) for pk in index.ids[positions]]


# --- A small index of the documents a request reads itself (the admin's drafts) ----------------


def rows_for_index(queryset) -> tuple[list, list]:
    """(document rows in DOCUMENT_COLUMNS order, (document id, theme id) rows) of the documents
    of `queryset`, for `index_of_rows`: two queries, whatever the number of documents."""
    from django.db.models import BooleanField, Case, Q, Value, When

    without_warnings = Q(import_warnings=[]) | Q(import_warnings__isnull=True)
    has_warnings = Case(
        When(without_warnings, then=Value(False)), default=Value(True), output_field=BooleanField()
    )
    fields = [
        "pk" if name == "id" else "index_has_warnings" if name == "has_warnings" else name
        for name in DOCUMENT_COLUMNS
    ]
    documents = list(
        queryset.order_by().annotate(index_has_warnings=has_warnings).values_list(*fields)
    )
    return documents, _theme_rows([row[0] for row in documents], queryset)


def _theme_rows(document_ids, queryset) -> list:
    through = Document.themes.through
    connection = connections[queryset.db]
    if not document_ids:
        return []
    if connection.vendor == "postgresql":  # one array parameter, not one per document
        table = connection.ops.quote_name(through._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT document_id, theme_id FROM {table} WHERE document_id = ANY(%s)",
                [document_ids],
            )
            return cursor.fetchall()
    themes = through.objects.using(queryset.db).filter(document__in=queryset.values("pk"))
    return list(themes.values_list("document_id", "theme_id"))


def index_of_rows(documents, themes=()) -> CatalogueIndex:
    """An index of the given documents only: `documents` are rows of DOCUMENT_COLUMNS, `themes`
    (document id, theme id) rows; the other link sets are empty and no document has scans.
    Counted with the same masks and bincounts as the catalogue's index; never installed. Built
    column by column with list comprehensions (a request reads up to 40,000 drafts)."""
    rows = sorted(documents, key=lambda row: row[0])
    by_name = dict(zip(DOCUMENT_COLUMNS, zip(*rows, strict=True), strict=True)) if rows else {}
    vocabularies, codes = {}, {}
    for name in SCALAR_CODES:
        values = by_name.get(name, ())
        vocabularies[name] = list(dict.fromkeys(values))
        code = {value: i for i, value in enumerate(vocabularies[name])}
        codes[name] = np.fromiter(map(code.__getitem__, values), dtype=np.int16, count=len(values))
    starts = by_name.get("date_start", ())  # dates (the ORM's), or None
    ends = by_name.get("date_end", ())
    ids = np.array(by_name.get("id", ()), dtype=np.int64)
    pairs = _table(list(themes), 2)
    at = np.searchsorted(ids, pairs[:, 0])
    known = (at < len(ids)) & (ids[np.minimum(at, max(len(ids) - 1, 0))] == pairs[:, 0])
    nothing = np.zeros(0, dtype=np.int64)
    links = dict.fromkeys(LINKS, (nothing, nothing))
    links["theme"] = (at[known], pairs[known, 1])
    return CatalogueIndex(
        version=-1,
        ids=ids,
        codes=codes,
        vocabularies=vocabularies,
        collection=np.array([v or -1 for v in by_name.get("collection_id", ())], dtype=np.int32),
        origin=np.array([v or -1 for v in by_name.get("place_of_origin_id", ())], dtype=np.int32),
        day_start=np.array(
            [NO_DAY_START if d is None else d.toordinal() for d in starts], dtype=np.int32
        ),
        day_end=np.array(
            [NO_DAY_END if d is None else d.toordinal() for d in ends], dtype=np.int32
        ),
        year=np.array([0 if d is None else d.year for d in starts], dtype=np.int16),
        scans=np.zeros(len(ids), dtype=bool),
        links=links,
    )
