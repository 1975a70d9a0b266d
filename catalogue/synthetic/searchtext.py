"""The search index of generated documents, computed fast and exactly as catalogue.search would.

`catalogue.search.index_parts` folds a document's whole text each time it is called: about a
millisecond for a 1,000-word body, too slow for a million documents. The generator builds bodies
from sentences whose folded form is computed once (`Piece`), and joins the folded pieces. That
is exact because `searchable(text)` is the folded text followed by the joined forms of its
hyphenated compounds, and folding works word by word: for texts joined by whitespace,
searchable(a + " " + b) == " ".join([fold(a), fold(b), compounds(a), compounds(b)]).
tests/test_scale.py checks every generated document against `index_parts`, so a change to the
index in catalogue.search that this module does not follow fails the tests.
"""

from functools import lru_cache
from typing import NamedTuple

from catalogue.text import fold, name_key

try:  # the search module belongs to issue 3; without it there is no index to fill
    from catalogue.search import searchable
except ImportError:  # pragma: no cover - depends on the checkout
    searchable = None


class Piece(NamedTuple):
    """A text, its folded form and the joined forms of its hyphenated compounds."""

    raw: str
    folded: str
    compounds: str


def piece(text: str) -> Piece:
    folded = fold(text)
    whole = searchable(text) if searchable else folded
    if folded and not whole.startswith(folded):  # searchable() changed shape: be exact anyway
        return Piece(text, whole, "")
    return Piece(text, folded, whole[len(folded) :].strip())


cached_piece = lru_cache(maxsize=300_000)(piece)

EMPTY = Piece("", "", "")


def combined(pieces) -> str:
    """The searchable form of the pieces' texts joined by whitespace."""
    pieces = list(pieces)
    folded = [p.folded for p in pieces if p.folded]
    return " ".join(folded + [p.compounds for p in pieces if p.compounds])


def merge(pieces, separator=" ") -> Piece:
    """One piece for texts joined by a whitespace separator."""
    pieces = list(pieces)
    return Piece(
        separator.join([p.raw for p in pieces]),
        " ".join([p.folded for p in pieces if p.folded]),
        " ".join([p.compounds for p in pieces if p.compounds]),
    )


def authority_names(authority) -> Piece:
    """The names search indexes for an authority: its names, then their keys (cached on it)."""
    cached = getattr(authority, "_names_piece", None)
    if cached is None:
        names = list(authority.spellings)
        if authority.abbreviation:
            names.append(authority.abbreviation)
        names += [name_key(name) for name in names]
        cached = merge(cached_piece(name) for name in names if name)
        authority._names_piece = cached
    return cached
