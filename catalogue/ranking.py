"""Relevance order that ranks a bounded set of candidates (issue 12).

`ts_rank` reads the whole tsvector of every document it ranks: over the 700,000 documents
containing a common word that is seconds. When the catalogue index knows how many documents
match (catalogue.catalogue_index) and they are more than RANK_CANDIDATES, only that many
candidates are ranked, the first matches in date order, and listed first in relevance order;
the other matches follow in date order. Up to RANK_CANDIDATES matches (a rare word, or a search
narrowed by facets) every match is ranked, exactly as before.
"""

import numpy as np
from django.db.models import F
from django.utils.functional import cached_property

RANK_CANDIDATES = 1000


def date_order(queryset):
    return queryset.order_by(F("date_start").asc(nulls_last=True), "date_end", "identifier")


def earliest(index, positions, size) -> list[int]:
    """Ids of about `size` of `positions` that come first in date order."""
    key = (index.day_start[positions].astype(np.int64) << 32) | (
        index.day_end[positions].astype(np.int64) + 1
    )
    chosen = positions[np.argpartition(key, size - 1)[:size]] if len(key) > size else positions
    return [int(pk) for pk in index.ids[chosen]]


class BoundedRanking:
    """A sliceable sequence of results in (bounded) relevance order, for the Paginator."""

    ordered = True

    def __init__(self, filterset, shape, indexed):
        self.filterset, self.shape, self._indexed = filterset, shape, indexed

    @cached_property
    def candidates(self) -> list[int] | None:
        """Ids of the documents to rank, or None: rank every match."""
        indexed = self._indexed()
        if indexed is None or indexed.count <= RANK_CANDIDATES:
            return None
        return earliest(indexed.index, indexed.matching, RANK_CANDIDATES)

    def count(self):
        return self.filterset.qs.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            return self[window : window + 1][0]
        return LazyRows(lambda: self.rows(window))

    def rows(self, window) -> list:
        if self.candidates is None:
            return list(self.shape(self.filterset.qs)[window])
        start, stop = window.start or 0, window.stop
        ranked = len(self.candidates)
        found = []
        if start < ranked:
            candidates = self.filterset.qs.filter(pk__in=self.candidates)
            found += list(self.shape(candidates)[start : min(stop, ranked)])
        if stop > ranked:
            others = date_order(self.filterset.qs.exclude(pk__in=self.candidates))
            found += list(self.shape(others)[max(start - ranked, 0) : stop - ranked])
        return found


class LazyRows:
    """A page's rows, loaded on first use: a page whose rendering is cached loads none."""

    def __init__(self, load):
        self.load = load

    @cached_property
    def rows(self) -> list:
        return self.load()

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, item):
        return self.rows[item]
