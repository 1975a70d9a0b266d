"""The correspondence network: who wrote to whom, how often, between which dates (issue 15).

An edge joins a sender (a correspondent in the role author or signatory) to a recipient (recipient
or copy recipient: the list's Author and Recipient facets use the same roles, so an edge's count
is exactly the number of documents its "list the letters" link finds) on the same published
document. The documents are any DocumentFilter's result (date range, theme, type …), optionally
narrowed to those of one person or body (the "focus"), whose edges alone are kept.

The edges are counted by the facet index when it is current (catalogue.network_index: the pairs
of the documents matching the filters, counted with numpy; no query), otherwise in one aggregate
SQL query (GROUP BY sender and recipient, with COUNT of distinct documents and the first and last
date). Both give the same rows in the same order: most letters first, then by sender, then by
recipient (a person 2 × id, a body 2 × id + 1). Two more queries name the persons and bodies. The
query count does not grow with the data.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connections

from catalogue import catalogue_index, network_index
from catalogue.facets import AUTHORS, RECIPIENTS, links_of
from catalogue.models import Correspondent, Document, Organisation, Person

DEFAULT_LIMIT = 50
MAX_LIMIT = 300


@dataclass
class Node:
    """A person or body in the network."""

    key: str  # "person:<slug>" or "organisation:<slug>"
    label: str
    kind: str
    url: str  # its page
    sent: int = 0  # letters in the shown edges
    received: int = 0


@dataclass
class Edge:
    """Letters from one sender to one recipient."""

    source: str
    target: str
    letters: int
    first: object  # datetime.date or None
    last: object


@dataclass
class Network:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    truncated: bool = False  # more pairs exist than the top N shown

    def labels(self) -> dict[str, str]:
        return {node.key: node.label for node in self.nodes}


# The order of a correspondent as in the facet index: 2 × id for a person, 2 × id + 1 for a
# body (exactly one of the two is set), so that ties are broken alike on every database and path.
AGENT_ORDER = "COALESCE(2 * {0}.person_id, 2 * {0}.organisation_id + 1)"


def edge_rows(documents, every_published: bool, focus=None, limit: int = DEFAULT_LIMIT):
    """[(sender person id, sender body id, recipient person id, recipient body id, letters,
    first date, last date)], most letters first, at most `limit` + 1 rows (one aggregate query).

    `focus` is ("person", pk) or ("organisation", pk): only edges that touch it.
    """
    senders = Correspondent.objects.filter(role__in=AUTHORS)
    if focus:
        kind, pk = focus
        theirs = Correspondent.objects.filter(**{f"{kind}_id": pk}).values("document_id")
        senders = senders.filter(document_id__in=theirs)
    senders = (
        links_of(senders, documents, every_published)
        .order_by()
        .values("person_id", "organisation_id", "document_id")
    )
    inner, params = senders.query.sql_with_params()
    quote = connections[senders.db].ops.quote_name
    roles = ", ".join(["%s"] * len(RECIPIENTS))
    where, where_params = "", []
    if focus:
        column = f"{focus[0]}_id"
        where = f"WHERE (s.{column} = %s OR r.{column} = %s) "
        where_params = [focus[1], focus[1]]
    sql = (
        "SELECT s.person_id, s.organisation_id, r.person_id, r.organisation_id, "
        "COUNT(DISTINCT s.document_id) AS n, MIN(d.date_start), MAX(d.date_end) "
        f"FROM ({inner}) s "
        f"JOIN {quote(Correspondent._meta.db_table)} r "
        f"ON r.document_id = s.document_id AND r.role IN ({roles}) "
        f"JOIN {quote(Document._meta.db_table)} d ON d.id = s.document_id "
        f"{where}"
        "GROUP BY s.person_id, s.organisation_id, r.person_id, r.organisation_id "
        f"ORDER BY n DESC, {AGENT_ORDER.format('s')}, {AGENT_ORDER.format('r')} "
        "LIMIT %s"
    )
    with connections[senders.db].cursor() as cursor:
        cursor.execute(sql, [*params, *RECIPIENTS, *where_params, limit + 1])
        return cursor.fetchall()


def indexed_edge_rows(filterset, focus=None, limit: int = DEFAULT_LIMIT, using=None):
    """The rows of `edge_rows` counted by the facet index (no query), or None when the index
    cannot answer (off, behind the database, or a filter it does not read): count in SQL."""
    using = using or catalogue_index.read_alias()
    if not filterset._base_is_published:
        return None
    if any(name not in catalogue_index.COLUMNS for name, _ in filterset.facet_filters()):
        return None
    index = catalogue_index.current_index(using)
    if index is None:
        return None
    masks = catalogue_index.filter_masks(index, filterset, using)
    if masks is None:
        return None
    mask = index.published.copy()
    for other in masks.values():
        mask &= other
    code = catalogue_index.agent_code(*focus) if focus else None
    rows = network_index.top_edges(index, mask, code, limit + 1)
    return [(*row[:5], _from_day(row[5]), _from_day(row[6])) for row in rows]


def network_rows(filterset, focus=None, limit: int = DEFAULT_LIMIT):
    """The top `limit` + 1 edges of the filtered documents: from the index, else in SQL."""
    rows = indexed_edge_rows(filterset, focus, limit)
    if rows is not None:
        return rows
    documents = filterset.qs.order_by()
    every_published = not filterset.is_filtered()  # the base is every published document
    rows = edge_rows(documents, every_published, focus, limit)
    return [(*row[:5], _as_date(row[5]), _as_date(row[6])) for row in rows]


def _from_day(day):
    return None if day is None else datetime.date.fromordinal(day)


def _as_date(value):
    """SQLite returns MIN/MAX of dates as text."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def build_network(filterset, focus=None, limit: int = DEFAULT_LIMIT):
    """The top `limit` edges of a DocumentFilter's documents with their nodes: counted by the
    facet index or by one aggregate query, then two queries for the names."""
    return named_network(network_rows(filterset, focus, limit), limit)


def named_network(rows, limit: int = DEFAULT_LIMIT):
    """A Network from `edge_rows`-like rows (at most `limit` + 1): its nodes named."""
    truncated, rows = len(rows) > limit, rows[:limit]
    person_ids = {pk for row in rows for pk in (row[0], row[2]) if pk}
    body_ids = {pk for row in rows for pk in (row[1], row[3]) if pk}
    persons = (
        Person.objects.filter(pk__in=person_ids).only("slug", "preferred_name")
        if person_ids
        else []
    )
    bodies = Organisation.objects.filter(pk__in=body_ids).only("slug", "name") if body_ids else []
    nodes = {}
    for person in persons:
        nodes[("person", person.pk)] = Node(
            f"person:{person.slug}", person.preferred_name, "person", person.get_absolute_url()
        )
    for body in bodies:
        nodes[("organisation", body.pk)] = Node(
            f"organisation:{body.slug}", body.name, "organisation", body.get_absolute_url()
        )
    network = Network(truncated=truncated)
    for s_person, s_body, r_person, r_body, letters, first, last in rows:
        sender = nodes[("person", s_person) if s_person else ("organisation", s_body)]
        recipient = nodes[("person", r_person) if r_person else ("organisation", r_body)]
        sender.sent += letters
        recipient.received += letters
        network.edges.append(Edge(sender.key, recipient.key, letters, first, last))
    network.nodes = sorted(nodes.values(), key=lambda n: (-(n.sent + n.received), n.label))
    return network
