"""Prose written by the editors (site pages) rendered from Markdown to safe HTML.

markdown-it-py in CommonMark mode with raw HTML off: anything that looks like a tag is shown
as text, and links with javascript:, vbscript: or data: addresses are not made links. Tables
are allowed for the pages' lists of sources.
"""

from functools import cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def render_markdown(text: str) -> SafeString:
    """HTML for Markdown `text`; safe because the parser escapes every raw tag."""
    return mark_safe(_parser().render(text or ""))  # raw HTML is escaped (html=False)
