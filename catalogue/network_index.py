"""The correspondence network's pairs in the facet index (catalogue.catalogue_index), issue 15.

A pair is one (document position, sender, recipient): every sender (author or signatory) × every
recipient (recipient or copy recipient) of a document, exactly the join the SQL of
catalogue.network makes. They are read from the index's "author" and "recipient" link columns
(persons and bodies as agent codes: 2 × id for a person, 2 × id + 1 for a body; each link once
per document), so no query is needed to build them.

Each distinct (sender, recipient) is an edge, numbered in `keys` (sender code << 32 | recipient
code). A network request selects the pairs whose document is in the mask of matching documents
(the list's filters, computed as for the facets) and counts them per edge with `np.bincount`:
each pair is a distinct document, so the count is COUNT(DISTINCT document). The first and last
dates are the minimum start day and maximum end day of the pairs of the edges shown. Edges are
ordered by count (descending), then by sender code, then by recipient code, which is the order
of `keys`, and also the ORDER BY of the SQL version.

At a catch-up (catalogue_index._apply) the pairs of unchanged documents are moved to their new
positions and the changed documents' pairs are joined again from their new links; new edges are
appended to `keys` (which is therefore not sorted; ties are broken by the key, not its number).
"""

from dataclasses import dataclass

import numpy as np

NO_DAY_START = np.iinfo(np.int32).max  # as catalogue_index: no start date
NO_DAY_END = -1
ARRAYS = ("positions", "edges", "keys", "order")


@dataclass
class Pairs:
    """The (document position, edge) pairs of an index, and the (sender, recipient) of each edge."""

    positions: np.ndarray  # int64, per pair
    edges: np.ndarray  # int64, per pair: a number in `keys`
    keys: np.ndarray  # int64, per edge: sender code << 32 | recipient code, each once
    order: np.ndarray  # int64: the edge numbers in the order of their keys (keys[order] sorted)

    @property
    def senders(self) -> np.ndarray:
        return self.keys >> 32

    @property
    def recipients(self) -> np.ndarray:
        return self.keys & 0xFFFFFFFF

    def arrays(self) -> dict:
        return {f"network_{name}": getattr(self, name) for name in ARRAYS}

    @classmethod
    def from_arrays(cls, data) -> "Pairs | None":
        """Pairs saved with an index (None when the file has none: built again when used)."""
        if any(f"network_{name}" not in data for name in ARRAYS):
            return None
        return cls(**{name: data[f"network_{name}"] for name in ARRAYS})


def join(authors, recipients, size: int):
    """(positions, sender codes, recipient codes): every author × every recipient of the same
    position. `authors` and `recipients` are (positions, codes) link columns."""
    author_at, author_code = (np.asarray(a, dtype=np.int64) for a in authors)
    recipient_at, recipient_code = (np.asarray(a, dtype=np.int64) for a in recipients)
    order = np.argsort(recipient_at, kind="stable")
    recipient_code = recipient_code[order]
    per_position = np.bincount(recipient_at, minlength=size)
    starts = np.cumsum(per_position) - per_position  # first recipient of each position
    repeat = per_position[author_at] if len(author_at) else np.zeros(0, dtype=np.int64)
    author = np.repeat(np.arange(len(author_at)), repeat)
    offsets = np.arange(len(author)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    recipient = starts[author_at[author]] + offsets
    return author_at[author], author_code[author], recipient_code[recipient]


def build(links: dict, size: int) -> Pairs:
    """The pairs of every document of an index (its link columns and number of documents)."""
    positions, senders, recipients = join(links["author"], links["recipient"], size)
    keys, edges = np.unique((senders << 32) | recipients, return_inverse=True)
    order = np.arange(len(keys), dtype=np.int64)
    return Pairs(positions, edges.astype(np.int64).reshape(-1), keys, order)


def updated(pairs: Pairs | None, old_to_new, links: dict, changed_positions, size: int):
    """`pairs` after a catch-up: unchanged documents' pairs moved (`old_to_new`: new position of
    each old one, -1 for a changed or deleted document), the changed documents' pairs joined from
    their new links. None when there was nothing to update (built again when used)."""
    if pairs is None:
        return None
    moved = old_to_new[pairs.positions]
    kept = moved >= 0
    changed = np.zeros(size, dtype=bool)
    changed[np.asarray(changed_positions, dtype=np.int64)] = True
    fresh = {}
    for name in ("author", "recipient"):
        at, codes = links[name]
        chosen = changed[at]
        fresh[name] = (at[chosen], codes[chosen])
    positions, senders, recipients = join(fresh["author"], fresh["recipient"], size)
    keys, order, edges = _numbered(pairs.keys, pairs.order, (senders << 32) | recipients)
    return Pairs(
        np.concatenate([moved[kept], positions]),
        np.concatenate([pairs.edges[kept], edges]),
        keys,
        order,
    )


def _numbered(keys, order, new_keys):
    """(`keys` with the unseen `new_keys` appended, its sorting `order`, the number of each of
    `new_keys`): binary searches and one insertion, no sort of every key."""
    ordered = keys[order]
    candidates = np.unique(new_keys)
    at = np.searchsorted(ordered, candidates)
    seen = np.zeros(len(candidates), dtype=bool)
    if len(ordered):
        seen = (at < len(ordered)) & (ordered[np.minimum(at, len(ordered) - 1)] == candidates)
    unseen = candidates[~seen]
    numbers = np.arange(len(keys), len(keys) + len(unseen), dtype=np.int64)
    order = np.insert(order, at[~seen], numbers)
    keys = np.concatenate([keys, unseen])
    return keys, order, order[np.searchsorted(keys[order], new_keys)]


def of(index) -> Pairs:
    """The pairs of a catalogue index, built once when it has none (an index loaded from a file
    of an older build)."""
    if index.network is None:
        index.network = build(index.links, index.size)
    return index.network


def agent(code: int) -> tuple[int | None, int | None]:
    """(person id, body id) of an agent code."""
    return (None, code // 2) if code % 2 else (code // 2, None)


def top_edges(index, mask, focus_code: int | None, limit: int) -> list[tuple]:
    """Rows as catalogue.network.edge_rows gives them (sender person, sender body, recipient
    person, recipient body, letters, first day, last day as ordinals or None), for the documents
    in `mask` (published ones), at most `limit` rows, most letters first."""
    pairs = of(index)
    chosen = mask[pairs.positions]
    if focus_code is not None:
        touching = (pairs.senders == focus_code) | (pairs.recipients == focus_code)
        chosen &= touching[pairs.edges]
    edges, positions = pairs.edges[chosen], pairs.positions[chosen]
    counts = np.bincount(edges, minlength=len(pairs.keys))
    top = _top(counts, pairs.keys, limit)
    first, last = _dates(index, edges, positions, top, len(pairs.keys))
    rows = []
    for rank, edge in enumerate(top.tolist()):
        key = int(pairs.keys[edge])
        rows.append(
            (
                *agent(key >> 32),
                *agent(key & 0xFFFFFFFF),
                int(counts[edge]),
                None if first[rank] == NO_DAY_START else int(first[rank]),
                None if last[rank] == NO_DAY_END else int(last[rank]),
            )
        )
    return rows


def _top(counts, keys, limit) -> np.ndarray:
    """The `limit` edges with the most letters, ties by key (sender, then recipient)."""
    found = np.flatnonzero(counts)
    if len(found) > limit:
        cut = len(found) - limit
        threshold = np.partition(counts[found], cut)[cut]
        found = found[counts[found] >= threshold]
    order = np.lexsort((keys[found], -counts[found]))
    return found[order[:limit]]


def _dates(index, edges, positions, top, edge_count):
    """The first start day and last end day of each of the `top` edges' documents."""
    rank = np.full(edge_count, -1, dtype=np.int64)
    rank[top] = np.arange(len(top))
    ranks = rank[edges]
    shown = ranks >= 0
    ranks, positions = ranks[shown], positions[shown]
    first = np.full(len(top), NO_DAY_START, dtype=np.int64)
    last = np.full(len(top), NO_DAY_END, dtype=np.int64)
    np.minimum.at(first, ranks, index.day_start[positions].astype(np.int64))
    np.maximum.at(last, ranks, index.day_end[positions].astype(np.int64))
    return first, last
