"""Generated facsimiles: typewritten-looking pages set from a document's transcription.

The seed collection has no photographs of its originals, so that the viewer and the IIIF
manifest can be seen after `make run`, `manage.py make_facsimiles` typesets a few documents'
texts as pages. They are not photographs and say so three times: on the image itself (a banner
and a footer), in each scan's caption, and in its rights statement (Rights.GENERATED).

Rendering is deterministic: the same text, font (Courier Prime, SIL Open Font License, shipped
in catalogue/fonts/) and Pillow give the same bytes.
"""

from __future__ import annotations

import io
import random
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from catalogue.text import normalise_typography

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "courier-prime" / "CourierPrime-Regular.ttf"
PAGE_SIZE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 110
TEXT_SIZE = 26
LINE_HEIGHT = 38
COLUMNS = 62  # a typewriter's line at this size
PAPER = (244, 238, 222)
INK = (38, 36, 40)
BANNER_INK = (150, 30, 30)
BANNER = "GENERATED FACSIMILE - typeset from the catalogue's transcription"
BANNER_SECOND = "Not a photograph of the original document"
CAPTION = (
    "Generated facsimile, page {page} of {pages}: typeset from the transcription, "
    "not a photograph of the original"
)


def font(size=TEXT_SIZE) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


def typed_lines(document) -> list[str]:
    """The document's text as a typist would set it: heading, date, addressee, body, signature.

    The translations' typographic look-alikes (U+02B9 for an apostrophe …) become the plain
    characters a typewriter has; the stored text is untouched.
    """
    parts = [document.heading.upper(), ""]
    for line in (document.date_written, document.addressee_line):
        if line:
            parts.append(line)
    parts.append("")
    parts.extend(document.body.splitlines())
    if document.signature:
        parts.extend(["", " " * 30 + document.signature])
    lines = []
    for part in parts:
        text = normalise_typography(part).rstrip()
        lines.extend(textwrap.wrap(text, COLUMNS, break_long_words=True) or [""])
    return lines


def lines_per_page() -> int:
    usable = PAGE_SIZE[1] - 2 * MARGIN - 170  # banner and footer
    return usable // LINE_HEIGHT


def paginate(lines: list[str]) -> list[list[str]]:
    size = lines_per_page()
    return [lines[start : start + size] for start in range(0, len(lines), size)] or [[]]


def render_page(document, lines: list[str], page: int, pages: int) -> bytes:
    """One page as PNG bytes."""
    image = Image.new("RGB", PAGE_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    speckle(draw, seed=f"{document.identifier}-{page}")
    banner(draw)
    text_font = font()
    top = MARGIN + 150
    for number, line in enumerate(lines):
        draw.text((MARGIN, top + number * LINE_HEIGHT), line, font=text_font, fill=INK)
    footer = f"Generated facsimile  ·  {document.identifier}  ·  page {page} of {pages}"
    small = font(20)
    width = draw.textlength(footer, font=small)
    draw.text(
        ((PAGE_SIZE[0] - width) / 2, PAGE_SIZE[1] - MARGIN + 20),
        footer,
        font=small,
        fill=BANNER_INK,
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def banner(draw: ImageDraw.ImageDraw) -> None:
    box = (MARGIN - 20, MARGIN - 40, PAGE_SIZE[0] - MARGIN + 20, MARGIN + 70)
    draw.rectangle(box, outline=BANNER_INK, width=3)
    heading_font = font(24)
    for row, text in enumerate((BANNER, BANNER_SECOND)):
        width = draw.textlength(text, font=heading_font)
        draw.text(
            ((PAGE_SIZE[0] - width) / 2, MARGIN - 22 + row * 40),
            text,
            font=heading_font,
            fill=BANNER_INK,
        )


def speckle(draw: ImageDraw.ImageDraw, seed: str) -> None:
    """A little deterministic grain, so the page reads as paper."""
    rng = random.Random(seed)
    for _ in range(1800):
        x, y = rng.randrange(PAGE_SIZE[0]), rng.randrange(PAGE_SIZE[1])
        shade = rng.randrange(205, 235)
        draw.point((x, y), fill=(shade, shade - 6, shade - 20))


def facsimile_pages(document) -> list[bytes]:
    """The document's generated pages, as PNG bytes, in order."""
    pages = paginate(typed_lines(document))
    return [render_page(document, lines, n, len(pages)) for n, lines in enumerate(pages, 1)]


def caption(page: int, pages: int) -> str:
    return CAPTION.format(page=page, pages=pages)
