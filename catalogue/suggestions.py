"""“Did you mean”: a misspelled name in a search, corrected to the closest authority name.

Each word of the query (four letters or more, not a number) that is no word of any person's,
body's or place's name or name variant is replaced by the closest such word, when one is close
enough. PostgreSQL finds the candidate names with pg_trgm's word similarity over trigram GIN
indexes (migration 0013); other databases compare the query's words with every word of the
names with difflib. The caller offers the corrected query only when it finds documents
(see views.documents.search_suggestion).
"""

import difflib
from dataclasses import dataclass

from django.db import connections, transaction

from catalogue import caching
from catalogue.models import Organisation, OrganisationName, Person, PersonName, Place, PlaceName
from catalogue.text import fold

MIN_WORD_LENGTH = 4
CLOSE_ENOUGH = 0.8  # difflib ratio between a query word and a name word
TRIGRAM_THRESHOLD = 0.4  # pg_trgm word similarity for a name to be a candidate
CANDIDATES = 20

# (model, column) of every authority name and variant; each has a trigram index on PostgreSQL.
NAME_COLUMNS = [
    (Person, "preferred_name"),
    (PersonName, "name"),
    (Organisation, "name"),
    (OrganisationName, "name"),
    (Place, "name"),
    (PlaceName, "name"),
]


@dataclass(frozen=True)
class Suggestion:
    """A corrected query: `query` as typed with `corrections` (typed word -> name word) made."""

    query: str
    corrections: tuple[tuple[str, str], ...]


def did_you_mean(raw_query: str, using: str = "default") -> Suggestion | None:
    """The query with its misspelled name words corrected, or None when nothing is to change."""
    typed = raw_query.split()
    corrected, corrections = [], []
    for word in typed:
        replacement = correction(word, using)
        if replacement:
            corrections.append((word, replacement))
        corrected.append(replacement or word)
    if not corrections:
        return None
    return Suggestion(" ".join(corrected), tuple(corrections))


def correction(word: str, using: str = "default") -> str:
    """The name word closest to `word`, capitalised as in the name; "" when `word` is a name
    word already, too short, or nothing is close enough."""
    folded = fold(word)
    if len(folded) < MIN_WORD_LENGTH or " " in folded or folded.isdigit():
        return ""
    if connections[using].vendor == "postgresql":
        vocabulary = name_words(similar_names(folded, using))
    else:
        vocabulary = caching.remember(
            "suggestions:vocabulary", [using], lambda: all_name_words(using)
        )
    if folded in vocabulary:
        return ""
    close = difflib.get_close_matches(folded, list(vocabulary), n=1, cutoff=CLOSE_ENOUGH)
    return vocabulary[close[0]] if close else ""


def name_words(names) -> dict[str, str]:
    """{folded word: the word as written} for every word of `names`."""
    words = {}
    for name in names:
        for written in name.replace("-", " ").split():
            folded = fold(written)
            if folded and " " not in folded:
                words.setdefault(folded, written.strip(".,;:()[]\"'"))
    return words


def all_name_words(using: str) -> dict[str, str]:
    """Every word of every authority name and variant (the fallback's vocabulary)."""
    names = []
    for model, column in NAME_COLUMNS:
        names += model.objects.using(using).values_list(column, flat=True)
    return name_words(names)


def similar_names(folded_word: str, using: str) -> list[str]:
    """Names and variants with a part similar to `folded_word`, most similar first, found with
    pg_trgm's `%>` operator, which the trigram indexes serve."""
    connection = connections[using]
    quote = connection.ops.quote_name
    selects, params = [], []
    for model, column in NAME_COLUMNS:
        table, column_sql = quote(model._meta.db_table), quote(model._meta.get_field(column).column)
        selects.append(
            f"SELECT {column_sql} AS name, word_similarity(%s, {column_sql}) AS similarity "
            f"FROM {table} WHERE {column_sql} %%> %s"
        )
        params += [folded_word, folded_word]
    sql = " UNION ALL ".join(selects) + " ORDER BY similarity DESC, name LIMIT %s"
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(TRIGRAM_THRESHOLD)],
        )
        cursor.execute(sql, [*params, CANDIDATES])
        return [name for name, _similarity in cursor.fetchall()]
