"""Reading a page file: size limit, binary check, encodings, and HTML to plain lines.

A page is either plain text (first line "URL: ...", a blank line, then the text) or HTML as
saved from the web. Either way the result is a `PageText`: the source URL when the page names
one, the page's lines, and warnings about how it was read.
"""

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings

# Pages are a few kilobytes; anything this large is not a transcription. Settable in settings.
DEFAULT_MAX_PAGE_BYTES = 5 * 1024 * 1024
BINARY_SAMPLE_BYTES = 8192


class PageError(Exception):
    """A file that cannot be imported at all; the message says why, for the archivist."""


def max_page_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_PAGE_BYTES", DEFAULT_MAX_PAGE_BYTES)


@dataclass
class PageText:
    lines: list[str]
    source_url: str = ""
    is_html: bool = False
    warnings: list[str] = field(default_factory=list)
    bad_spots: dict[str, list[str]] = field(default_factory=dict)  # line -> where bad bytes are


def check_size(size: int) -> None:
    """Refuse a file above the limit, before anything reads it."""
    limit = max_page_bytes()
    if size > limit:
        raise PageError(
            f"The file is {size / 1_048_576:.1f} MB; pages larger than "
            f"{limit / 1_048_576:.1f} MB are refused (IMPORT_MAX_PAGE_BYTES)."
        )
    if size == 0:
        raise PageError("The file is empty.")


def read_limited(stream, limit: int | None = None) -> bytes:
    """Read at most the limit (plus one byte to notice a longer stream)."""
    limit = max_page_bytes() if limit is None else limit
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PageError(
            f"The file is larger than {limit / 1_048_576:.1f} MB and is refused "
            "(IMPORT_MAX_PAGE_BYTES)."
        )
    return data


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Encodings --------------------------------------------------------------------------------

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTERS = re.compile(r"[^\W\d_]")


def looks_binary(data: bytes) -> bool:
    """Many NUL or control bytes: a binary file. A few stray ones (a NUL inside one document)
    are not: the page is read and the document holding them is reported (see mark_bad_characters).
    """
    sample = data[:BINARY_SAMPLE_BYTES]
    if sample.count(b"\x00") > max(8, len(sample) * 0.01):
        return True
    control = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\f\x0b")
    return control > max(8, len(sample) * 0.05)


# NUL and other control characters, and the replacement character a failed decoding leaves.
_BAD_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")
BAD_CHARACTER = "\ufffd"


def mark_bad_characters(text: str) -> tuple[str, dict[str, list[str]]]:
    """Replace bad characters by U+FFFD; say where each was, by the line it is on.

    Returns the text and, for each (stripped) line holding one, where in the file they are:
    "byte 0x00 at line 14, column 37". The parser refuses the one document holding that line
    and keeps the others.
    """
    spots: dict[str, list[str]] = {}
    if not _BAD_CHARACTERS.search(text):
        return text, spots
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        found = list(_BAD_CHARACTERS.finditer(line))
        if not found:
            continue
        where = [
            f"{_describe(match.group(0))} at line {number}, column {match.start() + 1}"
            for match in found
        ]
        cleaned = _BAD_CHARACTERS.sub(BAD_CHARACTER, line)
        lines[number - 1] = cleaned
        spots.setdefault(cleaned.strip(" \t\r\n\u00a0\u200b\ufeff"), []).extend(where)
    return "\n".join(lines), spots


def _describe(character: str) -> str:
    if character == BAD_CHARACTER:
        return "an undecodable byte"
    return f"byte 0x{ord(character):02x}"


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode the bytes of a page: UTF-8 first, then a declared charset, then cp1251/cp1252.

    Returns the text and warnings about any fallback, so that an archivist checks the letters
    that a guessed encoding may have got wrong.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), []
    if not data.strip():
        raise PageError("The file is empty.")
    if looks_binary(data):
        raise PageError("This looks like a binary file, not a text or HTML page.")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace")
        try:
            return data.decode(name), []  # the page says what it is
        except (LookupError, UnicodeDecodeError):
            pass
    return _guess_single_byte(data)


def _guess_single_byte(data: bytes) -> tuple[str, list[str]]:
    """Windows-1251 if the text is mostly Cyrillic that way, otherwise Windows-1252/Latin-1."""
    as_cyrillic = data.decode("cp1251", errors="replace")
    letters = len(_LETTERS.findall(as_cyrillic)) or 1
    if len(_CYRILLIC.findall(as_cyrillic)) / letters > 0.3:
        encoding, text = "windows-1251", as_cyrillic
    else:
        try:
            encoding, text = "windows-1252", data.decode("cp1252")
        except UnicodeDecodeError:
            encoding, text = "latin-1", data.decode("latin-1")
    warning = (
        f"The file is not UTF-8; it was read as {encoding}. Check accented and typographic "
        "characters."
    )
    return text, [warning]


# --- HTML -------------------------------------------------------------------------------------

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
SKIPPED_TAGS = {"script", "style", "head", "title", "noscript", "template", "svg", "button"}
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)", re.IGNORECASE)


class _PageHTMLParser(HTMLParser):
    """Collects text by lines (one per block element) and the page's own address."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.source_url = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "link" and "canonical" in (attributes.get("rel") or "").lower().split():
            self.source_url = self.source_url or (attributes.get("href") or "")
        if tag == "meta" and attributes.get("property") == "og:url":
            self.source_url = self.source_url or (attributes.get("content") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in SKIPPED_TAGS:
            self.skipping -= 1

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            # Inside a block, source line breaks are just spaces.
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))

    def handle_comment(self, data):
        found = _SAVED_FROM.search(data)
        if found and not self.source_url:
            self.source_url = found.group(1)


def looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or ("<p" in head and "</" in head)


def html_to_lines(text: str) -> tuple[list[str], str]:
    parser = _PageHTMLParser()
    parser.feed(text)
    parser.close()
    return clean_lines("".join(parser.parts).split("\n")), parser.source_url.strip()


def clean_lines(raw_lines) -> list[str]:
    """Strip each line (non-breaking spaces included) and drop the empty ones."""
    lines = []
    for line in raw_lines:
        stripped = line.strip(" \t\r\n\u00a0\u200b\ufeff")
        if stripped:
            lines.append(stripped)
    return lines


_URL_LINE = re.compile(r"^URL:\s*(\S+)\s*$")


def page_from_text(text: str) -> PageText:
    """Turn the decoded text of a page (plain or HTML) into lines and its source URL."""
    if looks_like_html(text):
        lines, url = html_to_lines(text)
        return PageText(lines=lines, source_url=url, is_html=True)
    lines = clean_lines(text.splitlines())
    url = ""
    if lines and (match := _URL_LINE.match(lines[0])):
        url, lines = match.group(1), lines[1:]
    return PageText(lines=lines, source_url=url)


def read_page(data: bytes) -> PageText:
    """Decode and split a page's bytes; raise PageError for files that are not pages."""
    check_size(len(data))
    text, warnings = decode(data)
    text, bad_spots = mark_bad_characters(text)
    page = page_from_text(text)
    page.warnings = warnings + page.warnings
    page.bad_spots = bad_spots
    if not page.lines:
        raise PageError("The file holds no text.")
    return page
