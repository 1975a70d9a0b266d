"""Citation box and head metadata for a document page; both need only `document` and `request`.

{% load citations %}
{% citation_head document %}              in <head>: Highwire, Dublin Core, JSON-LD
{% citation_box_data document as cite %}   the styles and downloads for the citation box
"""

from django import template
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.safestring import mark_safe

from catalogue.citations import metadata, styles
from catalogue.citations.csl import PREFETCH_RELATED, csl_item
from catalogue.citations.formats import FORMATS

register = template.Library()


def document_csl(context, document) -> dict:
    """The document's CSL-JSON item, computed once per page."""
    cached = getattr(document, "_csl_item", None)
    if cached is None:
        prefetch_related_objects([document], *PREFETCH_RELATED)
        url = document.get_absolute_url()
        request = context.get("request")
        cached = csl_item(document, url=request.build_absolute_uri(url) if request else url)
        document._csl_item = cached
    return cached


def selected_style(context) -> str:
    request = context.get("request")
    key = request.GET.get("style", "") if request else ""
    return key if key in styles.STYLES else styles.DEFAULT_STYLE


@register.simple_tag(takes_context=True)
def citation_head(context, document):
    return metadata.head_html(document_csl(context, document), document.display_title)


@register.simple_tag(takes_context=True)
def citation_box_data(context, document):
    item = document_csl(context, document)
    selected = selected_style(context)
    return {
        "styles": [
            {
                "key": style.key,
                "label": style.label,
                "text": styles.render(item, style.key, "text"),
                # Safe: the renderer escapes every value of the item (tested).
                "html": mark_safe(styles.render(item, style.key, "html")),
                "selected": style.key == selected,
            }
            for style in styles.STYLES.values()
        ],
        "downloads": [
            {
                "label": export_format.label,
                "extension": export_format.extension,
                "url": reverse(
                    "catalogue:document-cite",
                    kwargs={"identifier": document.identifier, "extension": key},
                ),
            }
            for key, export_format in FORMATS.items()
            if export_format.for_reference_managers
        ],
    }
