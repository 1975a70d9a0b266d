"""The site's one date style, for every template (see catalogue.dates.display_date).

{% load catalogue_dates %}
{{ document|display_date }}             a document's EDTF date: "26 December 1921"
{{ "1939-08-20/1939-08-26"|display_date }}   "20–26 August 1939"
{% display_period office.start office.end %}  "1918–1930", "1918 – ?"
{% iso_date document %}                 machine-readable form for <time datetime>
"""

from django import template

from catalogue import dates

register = template.Library()


def edtf_of(value) -> str:
    """The EDTF string of a document (its `date_edtf`) or of a string."""
    return getattr(value, "date_edtf", value) or ""


@register.filter
def display_date(value) -> str:
    return dates.display_date(str(edtf_of(value)))


@register.simple_tag
def display_period(start, end) -> str:
    return dates.display_period(start or "", end or "")


@register.filter
def iso_date(document) -> str:
    """A valid HTML `datetime` value for a document's date (a year, a month or the first day;
    HTML has no ranges); "" when undated."""
    start = getattr(document, "date_start", None)
    if start is None:
        return ""
    precision = getattr(document, "date_precision", "")
    if precision == "year":
        return f"{start.year:04d}"
    if precision == "month":
        return f"{start.year:04d}-{start.month:02d}"
    return start.isoformat()
