"""Rendering of printed text: paragraphs, footnote markers linked to their notes, editorial
brackets styled apart. Everything is HTML-escaped here; only the markup we add is trusted."""

import re
from dataclasses import dataclass

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from catalogue.markers import marker_spans

register = template.Library()

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Editorial brackets: "[Turks]", "[...]", "A [lkend]", "[Chicherin]"; never across a line.
_EDITORIAL = re.compile(r"\[[^\[\]\n]{1,200}\]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    html: str


def footnote_anchor(index: int) -> str:
    return f"fn-{index}"


def marker_anchor(index: int, occurrence: int) -> str:
    return f"fnref-{index}" if occurrence == 0 else f"fnref-{index}-{occurrence}"


def _marker_spans(text, footnotes):
    spans = []
    for index, footnote in enumerate(footnotes, start=1):
        for occurrence, (start, end) in enumerate(marker_spans(footnote.marker, text)):
            spans.append(
                Span(
                    start,
                    end,
                    format_html(
                        '<sup class="footnote-ref"><a id="{}" href="#{}" '
                        'aria-describedby="footnotes-heading" title="Footnote {}">{}</a></sup>',
                        marker_anchor(index, occurrence),
                        footnote_anchor(index),
                        footnote.marker,
                        text[start:end],
                    ),
                )
            )
    return spans


def _editorial_spans(text):
    return [
        Span(
            m.start(),
            m.end(),
            format_html('<span class="editorial" title="Editorial addition">{}</span>', m.group(0)),
        )
        for m in _EDITORIAL.finditer(text)
    ]


def _render_spans(text, spans):
    """Escape `text`, replacing the non-overlapping `spans` (earlier in the list wins)."""
    chosen, taken = [], []
    for span in spans:
        if not any(span.start < end and start < span.end for start, end in taken):
            chosen.append(span)
            taken.append((span.start, span.end))
    out, position = [], 0
    for span in sorted(chosen, key=lambda s: s.start):
        out.append(escape(text[position : span.start]))
        out.append(span.html)
        position = span.end
    out.append(escape(text[position:]))
    return "".join(out)


def render_printed_text(text, footnotes=()):
    """Paragraphs of `text` as HTML: footnote markers of `footnotes` linked, brackets styled."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return mark_safe("")
    paragraphs = []
    offset = 0
    marker_spans_all = _marker_spans(text, footnotes)
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[offset:end]
        spans = [
            Span(s.start - offset, s.end - offset, s.html)
            for s in marker_spans_all
            if offset <= s.start and s.end <= end
        ]
        html = _render_spans(chunk, spans + _editorial_spans(chunk))
        paragraphs.append("<p>" + html.replace("\n", "<br>\n") + "</p>")
        offset = match.end() if match else end
    return mark_safe("\n".join(paragraphs))


@register.simple_tag
def document_body(document, footnotes):
    """The body with its footnote markers linked: {% document_body document footnotes %}."""
    return render_printed_text(document.body, footnotes)


@register.filter
def printed_text(text):
    """Escaped paragraphs with editorial brackets styled, for footnotes and other printed text."""
    return render_printed_text(text)


@register.filter
def editorial(text):
    """One line of printed text with its editorial brackets styled (no paragraphs)."""
    return mark_safe(_render_spans(text or "", _editorial_spans(text or "")))


@register.simple_tag
def footnote_id(index):
    return footnote_anchor(index)


@register.simple_tag
def footnote_ref_id(index):
    return marker_anchor(index, 0)
