"""/network/: the correspondence network of the collection, a filtered list, or one person or
body (issue 15). Drawn by static/catalogue/network.js (Cytoscape.js) from a json_script block;
the table below the drawing shows the same edges and works without JavaScript."""

import re

from django.urls import reverse
from django.views.generic import TemplateView

from catalogue import caching
from catalogue.facets import AgentFacet
from catalogue.filters import DocumentFilter, shown
from catalogue.models import Collection, Theme
from catalogue.network import DEFAULT_LIMIT, MAX_LIMIT, build_network

from .documents import published_documents, query_string, unknown_parameter_notices

NETWORK_PARAMETERS = {"focus", "limit"}  # read by this view, not by DocumentFilter
FORM_PARAMETERS = {"date_from", "date_to", "theme", "collection", *NETWORK_PARAMETERS}


def parse_limit(params, notices) -> int:
    values = [v for v in params.getlist("limit") if v.strip()]
    if not values:
        return DEFAULT_LIMIT
    raw = values[-1].strip()
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= MAX_LIMIT:
        notices.append(
            f"Number of pairs {shown(raw)} ignored: give 1 to {MAX_LIMIT}; showing {DEFAULT_LIMIT}."
        )
        return DEFAULT_LIMIT
    return int(raw)


def parse_focus(params, notices):
    """The person or body whose network is shown: (Choice, ("person", pk)) or (None, None)."""
    values = [v for v in params.getlist("focus") if v.strip()]
    if not values:
        return None, None
    facet = AgentFacet("Correspondent", [])
    found = facet.resolve([values[-1].strip()])
    if not found:
        notices.append(f"Correspondent {shown(values[-1])} is not known; showing everyone.")
        return None, None
    (choice,) = found.values()
    return choice, choice.key


def letters_url(params, edge) -> str:
    """The document list of an edge's letters: the network's own filters, with this sender as
    author and this recipient as recipient."""
    query = query_string(
        params, author=[edge.source], recipient=[edge.target], focus=None, limit=None
    )
    return reverse("catalogue:document-list") + query


def graph_data(network, params) -> dict:
    """What static/catalogue/network.js draws (rendered with json_script)."""
    base = reverse("catalogue:network")
    return {
        "nodes": [
            {
                "id": node.key,
                "label": node.label,
                "kind": node.kind,
                "url": node.url,
                "letters": node.sent + node.received,
                "network_url": base + query_string(params, focus=[node.key]),
            }
            for node in network.nodes
        ],
        "edges": [
            {
                "id": f"{edge.source}>{edge.target}",
                "source": edge.source,
                "target": edge.target,
                "letters": edge.letters,
                "first": edge.first.isoformat() if edge.first else "",
                "last": edge.last.isoformat() if edge.last else "",
                "letters_url": letters_url(params, edge),
            }
            for edge in network.edges
        ],
    }


class NetworkView(TemplateView):
    """Who wrote to whom, how often, between which dates."""

    template_name = "catalogue/network.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = without_empty_values(self.request.GET)
        notices = []
        limit = parse_limit(params, notices)
        focus, focus_key = parse_focus(params, notices)
        filterset = DocumentFilter(params, queryset=published_documents(), request=self.request)
        network = caching.remember(
            "network",
            [caching.query_parts(params, ignore=("limit",)), limit],
            lambda: build_network(filterset, focus_key, limit),
        )
        labels = network.labels()
        context.update(
            network=network,
            edges=[
                (edge, labels[edge.source], labels[edge.target], letters_url(params, edge))
                for edge in network.edges
            ],
            graph=graph_data(network, params),
            focus=focus,
            limit=limit,
            notices=[
                *filterset.notices,
                *notices,
                *unknown_parameter_notices_for_network(params, filterset),
            ],
            date_from=(params.getlist("date_from") or [""])[-1][:64],
            date_to=(params.getlist("date_to") or [""])[-1][:64],
            themes=Theme.objects.order_by("name").only("slug", "name"),
            selected_themes=set(params.getlist("theme")),
            collections=Collection.objects.order_by("title").only("slug", "title"),
            selected_collections=set(params.getlist("collection")),
            hidden_params=[
                (name, value)
                for name in params
                if name not in FORM_PARAMETERS
                for value in params.getlist(name)
            ],
            list_url=reverse("catalogue:document-list")
            + query_string(params, focus=None, limit=None),
        )
        return context


def without_empty_values(params):
    """The query without empty fields (an unchosen theme submits `theme=`), so links and cache
    keys carry only what was asked."""
    cleaned = params.copy()
    for name in list(cleaned):
        values = [value for value in cleaned.getlist(name) if value.strip()]
        if values:
            cleaned.setlist(name, values)
        else:
            del cleaned[name]
    return cleaned


def unknown_parameter_notices_for_network(params, filterset):
    known = params.copy()
    for name in NETWORK_PARAMETERS:
        known.pop(name, None)
    return unknown_parameter_notices(known, filterset)
