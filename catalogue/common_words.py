"""The words most documents contain, kept with the facet index as one bitmap per word.

Why: PostgreSQL answers a search for a rare word from its GIN index in milliseconds, but a word
in most documents (at a million documents, `govern` matches 950,000) makes it visit every
matching row: 8.5 s to fetch the ids, on the first search for that word on a server. The search
memo of the facet index helps only the second time.

What: when the facet index is built (catalogue.catalogue_index.build, in the same snapshot), the
lexemes found in more than `COMMON_SHARE` of a sample of the documents are chosen (`ts_stat`
over `TABLESAMPLE`), and one pass over the documents records, for each of them, which of those
lexemes its `search_vector` holds: a bitmap per lexeme, one bit per document id (all statuses;
the caller keeps the published ones). A catch-up re-reads the changed documents' lexemes, so the
bitmaps are exact at the index's catalogue version, like every other column of the index.

A query is answered from the bitmaps only when every lexeme of every one of its phrases is
common (PostgreSQL's own `plainto_tsquery` splits the phrases into lexemes, so the words match
exactly as `@@` would: an AND of lexemes per phrase, an OR of phrases). Any other query goes to
the GIN index, which is fast as soon as one of its words is rare.

PostgreSQL only (SQLite searches its plain text column) and only for catalogues of at least
`COMMON_WORDS_FROM` documents, where the GIN fetch of a common word becomes slow.
"""

import re
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connections

from catalogue.models import Document

# A lexeme in more than this share of the sampled documents gets a bitmap, the most frequent
# MAX_WORDS of them. Building costs about a microsecond per word and document (four minutes
# for 256 words at a million documents on one core); a word left out is fetched through the
# GIN index with an exact bitmap (catalogue_index._exact_gin_fetch), under a second at a
# million documents even for a word in most of them.
COMMON_SHARE = 0.03
MAX_WORDS = 256
SAMPLE_DOCUMENTS = 20_000
CHUNK = 20_000
LEXEME = re.compile(r"'((?:[^']|'')*)'")


def enabled_for(size: int, using: str) -> bool:
    """Whether a catalogue of `size` documents on `using` keeps common-word bitmaps."""
    if connections[using].vendor != "postgresql":
        return False
    return size >= getattr(settings, "COMMON_WORDS_FROM", 50_000)


@dataclass
class CommonWords:
    """Bitmaps by document id of the lexemes found in many documents (see the module)."""

    lexemes: dict[str, int]  # lexeme: its row in `bits`
    bits: np.ndarray  # uint8 (words, bytes): bit d (little-endian) set when document d has it

    @property
    def capacity(self) -> int:
        return self.bits.shape[1] * 8

    def covers(self, lexemes) -> bool:
        return all(lexeme in self.lexemes for lexeme in lexemes)

    def documents_with_all(self, lexemes, ids: np.ndarray) -> np.ndarray:
        """For each of `ids` (the index's document ids), whether it holds every lexeme."""
        if not lexemes:
            return np.zeros(len(ids), dtype=bool)  # only stop words: `@@` matches nothing
        packed = np.bitwise_and.reduce(self.bits[[self.lexemes[lexeme] for lexeme in lexemes]])
        bits = np.unpackbits(packed, bitorder="little")
        inside = ids < len(bits)
        found = np.zeros(len(ids), dtype=bool)
        found[inside] = bits[ids[inside]].astype(bool)
        return found

    def updated(self, lexemes_by_id: dict[int, list[str]], removed) -> "CommonWords":
        """A copy with the bits of the changed documents set again (`removed`: deleted ids)."""
        highest = max([*lexemes_by_id, *removed, 0])
        bits = self.bits
        if highest >= self.capacity:
            grown = np.zeros((bits.shape[0], _bytes_for(highest)), dtype=np.uint8)
            grown[:, : bits.shape[1]] = bits
            bits = grown
        else:
            bits = bits.copy()
        for document_id in [*lexemes_by_id, *removed]:
            bits[:, document_id >> 3] &= np.uint8(~(1 << (document_id & 7)) & 0xFF)
        for document_id, lexemes in lexemes_by_id.items():
            rows = [self.lexemes[lexeme] for lexeme in lexemes if lexeme in self.lexemes]
            bits[rows, document_id >> 3] |= np.uint8(1 << (document_id & 7))
        return CommonWords(self.lexemes, bits)

    # --- persistence (arrays of the facet index's file) ----------------------------------------

    def arrays(self) -> dict:
        words = sorted(self.lexemes, key=self.lexemes.get)
        return {"common_lexemes": np.array(words, dtype=object), "common_bits": self.bits}

    @classmethod
    def from_arrays(cls, data) -> "CommonWords | None":
        if "common_lexemes" not in data:
            return None
        words = list(data["common_lexemes"])
        return cls({word: row for row, word in enumerate(words)}, data["common_bits"])


def _bytes_for(highest_id: int) -> int:
    # Room for ids a little above the highest, so that new documents rarely grow the bitmaps.
    return (int(highest_id * 1.05) + 1024) // 8 + 1


# --- Reading PostgreSQL --------------------------------------------------------------------------


def build(using: str, size: int) -> CommonWords | None:
    """The common words of the catalogue and their bitmaps (call inside the index's snapshot)."""
    if not enabled_for(size, using):
        return None
    words = _choose_words(using, size)
    table = Document._meta.db_table
    highest = Document.objects.using(using).order_by("-pk").values_list("pk", flat=True).first()
    bits = np.zeros((len(words), _bytes_for(highest or 0)), dtype=np.uint8)
    if not words:
        return CommonWords({}, bits)
    # One pass: each row's vector is detoasted once and stripped of its positions (`strip`
    # makes an in-memory copy; testing the stored value would detoast it again for every word,
    # measured 8x slower), OFFSET 0 keeps the subquery, and it is tested for every word (`@@`
    # on a one-lexeme query is a binary search in the sorted vector); the answers come back
    # packed, 63 words to a bigint.
    groups = [words[start : start + 63] for start in range(0, len(words), 63)]
    columns = ", ".join(_packed_column(len(group)) for group in groups)
    params = [_tsquery_literal(word) for group in groups for word in group]
    sql = (
        f"SELECT id, {columns} FROM (SELECT id, strip(search_vector) AS v FROM {table} "
        "WHERE search_vector IS NOT NULL ORDER BY id OFFSET 0) AS documents ORDER BY id"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            _set_bits(bits, np.array(rows, dtype=np.int64))
    return CommonWords({word: row for row, word in enumerate(words)}, bits)


def _packed_column(words: int) -> str:
    tests = " | ".join(f"((v @@ %s::tsquery)::int::int8 << {bit})" for bit in range(words))
    return f"({tests})"


def _set_bits(bits: np.ndarray, rows: np.ndarray) -> None:
    """Record one chunk of (id, packed words …) rows, ids ascending."""
    ids = rows[:, 0]
    if len(ids) > 1 and int(ids[-1] - ids[0]) > 8 * len(ids) + 4096:
        half = len(rows) // 2  # sparse ids: keep the dense block small
        _set_bits(bits, rows[:half])
        _set_bits(bits, rows[half:])
        return
    base = int(ids[0]) & ~7  # a whole byte
    span = int(ids[-1]) - base + 1
    span += -span % 8
    words = bits.shape[0]
    shifts = np.arange(63, dtype=np.int64)
    has = np.concatenate(
        [(rows[:, 1 + group, None] >> shifts) & 1 for group in range(rows.shape[1] - 1)], axis=1
    )[:, :words].astype(bool)
    dense = np.zeros((words, span), dtype=bool)
    dense[:, ids - base] = has.T
    bits[:, base >> 3 : (base + span) >> 3] |= np.packbits(dense, axis=1, bitorder="little")


def _choose_words(using: str, size: int) -> list[str]:
    """The lexemes in more than COMMON_SHARE of a sample of the documents, most frequent first."""
    share = getattr(settings, "COMMON_WORDS_SHARE", COMMON_SHARE)
    percent = min(100.0, 100.0 * SAMPLE_DOCUMENTS / max(size, 1))
    table = Document._meta.db_table
    sample = f"SELECT search_vector FROM {table} TABLESAMPLE SYSTEM ({percent:.4f})"
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} TABLESAMPLE SYSTEM ({percent:.4f})")
        sampled = cursor.fetchone()[0]
        cursor.execute(
            "SELECT word FROM ts_stat(%s) WHERE ndoc > %s ORDER BY ndoc DESC, word LIMIT %s",
            [sample, share * sampled, getattr(settings, "COMMON_WORDS_MAX", MAX_WORDS)],
        )
        return [word for (word,) in cursor.fetchall()]


def lexemes_of(using: str, document_ids) -> dict[int, list[str]]:
    """{id: the lexemes of its search vector} for the given documents."""
    if not document_ids:
        return {}
    table = Document._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT id, COALESCE(tsvector_to_array(search_vector), '{{}}') FROM {table} "
            "WHERE id = ANY(%s)",
            [list(document_ids)],
        )
        return {pk: list(lexemes) for pk, lexemes in cursor.fetchall()}


def query_lexemes(using: str, phrases: list[str], config: str) -> list[list[str]] | None:
    """Each phrase as PostgreSQL matches it (`plainto_tsquery`): its lexemes, all required.
    None when a phrase's query is anything but an AND of lexemes."""
    if not phrases:
        return []
    selects = ", ".join(["plainto_tsquery(%s, %s)::text"] * len(phrases))
    params = [value for phrase in phrases for value in (config, phrase)]
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {selects}", params)
        queries = cursor.fetchone()
    parsed = []
    for query in queries:
        lexemes = [match.replace("''", "'") for match in LEXEME.findall(query)]
        operators = LEXEME.sub("", query).replace("&", "").strip()
        if operators or "\\" in query:
            return None  # phrase operators, prefixes or escapes: leave it to the GIN index
        parsed.append(lexemes)
    return parsed


def _tsquery_literal(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
