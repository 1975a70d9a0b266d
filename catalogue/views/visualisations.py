"""The timeline and the map of the published documents, with the document list's filters.

Both are drawn on the server as SVG (no JavaScript) and come with a table of the same numbers.
"""

from django.urls import reverse
from django.views.generic import TemplateView

from catalogue import caching, geography, timeline
from catalogue.filters import DocumentFilter, shown

from .documents import (
    VIEW_PARAMETERS,
    active_filter_chips,
    published_documents,
    query_string,
    unknown_parameter_notices,
)

SCALE_PARAMETER = "by"
DATE_PARAMETERS = ("date_from", "date_to")
IGNORED_FOR_COUNTS = ("page", "sort", "more")


def list_url(params, **changes):
    """The document list with `params` (the filters), changed as given."""
    query = query_string(params, **{SCALE_PARAMETER: None, "more": None, **changes})
    return reverse("catalogue:document-list") + query.rstrip("?")


def view_links(params, current):
    """The same documents as a list, a timeline and a map: (label, url, is current)."""
    filters = query_string(params, **{SCALE_PARAMETER: None, "more": None}).rstrip("?")
    pages = [
        ("List", "catalogue:document-list"),
        ("Timeline", "catalogue:timeline"),
        ("Map", "catalogue:map"),
    ]
    return [(label, reverse(name) + filters, name == current) for label, name in pages]


class FilteredDocumentsView(TemplateView):
    """A view of the published documents that the document list's filters select."""

    url_name = ""
    view_parameters = VIEW_PARAMETERS

    def filtered(self):
        params = self.request.GET
        self.filterset = DocumentFilter(
            params, queryset=published_documents(), request=self.request
        )
        return self.filterset.filter_queryset(self.filterset.queryset.all()).order_by()

    def count_key(self, *extra):
        return [caching.query_parts(self.request.GET, ignore=IGNORED_FOR_COUNTS), *extra]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        context.update(self.visualisation(params))
        filterset = self.filterset
        known = params.copy()
        for name in self.view_parameters - VIEW_PARAMETERS:
            known.pop(name, None)
        context.update(
            filterset=filterset,
            chips=active_filter_chips(filterset, params),
            notices=[
                *filterset.notices,
                *unknown_parameter_notices(known, filterset),
                *context.get("notices", []),
            ],
            view_links=view_links(params, f"catalogue:{self.url_name}"),
            hidden_params=[
                (name, value)
                for name in params
                if name not in (*DATE_PARAMETERS, "more", "page")
                for value in params.getlist(name)
            ],
            date_from=(params.getlist("date_from") or [""])[-1][:64],
            date_to=(params.getlist("date_to") or [""])[-1][:64],
            params=params,
        )
        return context

    def visualisation(self, params) -> dict:
        raise NotImplementedError


class TimelineView(FilteredDocumentsView):
    """/timeline/: the filtered documents per year or month, uncertain dates drawn as such."""

    template_name = "catalogue/timeline.html"
    url_name = "timeline"
    view_parameters = VIEW_PARAMETERS | {SCALE_PARAMETER}

    def visualisation(self, params):
        notices = []
        scale = (params.getlist(SCALE_PARAMETER) or [None])[-1]
        if scale is not None and scale not in timeline.SCALES:
            notices.append(f"Timeline: {shown(scale)} ignored; draw it by “year” or by “month”.")
            scale = None
        documents = self.filtered()
        drawn = caching.remember(
            "timeline", self.count_key(scale), lambda: timeline.timeline_of(documents, scale)
        )

        def bar_url(item):
            return list_url(params, date_from=[item.edtf], date_to=[item.edtf])

        scale_links = [
            (
                label,
                reverse("catalogue:timeline") + query_string(params, **{SCALE_PARAMETER: [value]}),
                value == drawn.scale,
            )
            for value, label in ((timeline.YEAR, "By year"), (timeline.MONTH, "By month"))
        ]
        return {
            "timeline": drawn,
            "chart": timeline.chart_of(drawn, bar_url),
            "scale_links": scale_links,
            "notices": notices,
        }


class MapView(FilteredDocumentsView):
    """/map/: the places of the filtered documents, written at and mentioned."""

    template_name = "catalogue/map.html"
    url_name = "map"

    def visualisation(self, params):
        documents = self.filtered()
        drawn = caching.remember("map", self.count_key(), lambda: geography.map_of(documents))
        for item in drawn.places:
            item.written_url = list_url(params, origin=[item.place.slug])
            item.mentioned_url = list_url(params, place=[item.place.slug])
        return {"map": drawn}
