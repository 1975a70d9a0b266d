"""A source note as printed, with the editors' gloss beside it where the translation garbled it.

{% load source_notes %}{{ document.source_note|with_gloss }}
"""

from django import template
from django.utils.html import format_html

from catalogue.sourcenotes import gloss

register = template.Library()


@register.filter
def with_gloss(note):
    """'Print. By architect.' -> the note, then "(editors' gloss: printed from the archive copy,
    Pechat. po arkh.)"; any other note unchanged (escaped)."""
    found = gloss(note or "")
    if found is None:
        return format_html('<span class="as-printed">{}</span>', note or "")
    return format_html(
        '<span class="as-printed">{}</span> <span class="gloss">(editors’ gloss: {}, '
        '<i lang="ru-Latn">{}</i>)</span>',
        note,
        found.text,
        found.original,
    )
