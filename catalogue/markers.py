"""Footnote markers in a document body: "1", "*", "**", "[1]".

Asterisk groups and bracketed numbers are unambiguous. A bare number is a marker only when it
stands alone between words ("Enver 1 is a fairy tale"), never when it belongs to a list item,
a date or a figure; so bare numbers are only looked for, never guessed.
"""

import re

_ASTERISKS = re.compile(r"(?<!\*)\*{1,6}(?!\*)")
_BRACKETED = re.compile(r"\[(\d{1,3})\]")


def bare_number_pattern(number: str) -> re.Pattern:
    # A lone number after a word and before a space, punctuation or the end of the text.
    return re.compile(rf"(?<=[^\W\d]\s){re.escape(number)}(?=[\s.,;:)]|$)")


def unambiguous_markers(body: str) -> list[str]:
    """Asterisk and bracketed-number markers found in the body, in order, without repeats."""
    found = []
    for match in sorted(
        [*_ASTERISKS.finditer(body or ""), *_BRACKETED.finditer(body or "")],
        key=lambda m: m.start(),
    ):
        marker = match.group(0)
        if marker not in found:
            found.append(marker)
    return found


def marker_in_body(marker: str, body: str) -> bool:
    marker = marker.strip()
    body = body or ""
    if marker.isdigit():
        return bool(bare_number_pattern(marker).search(body)) or f"[{marker}]" in body
    if set(marker) == {"*"}:
        return marker in unambiguous_markers(body)
    return marker in body


def marker_spans(marker: str, body: str) -> list[tuple[int, int]]:
    """Where a footnote's marker occurs in the body: (start, end) of each occurrence, in order.

    Uses the same rules as `marker_in_body`: a number as a lone word or in brackets, an exact
    asterisk group, any other marker literally.
    """
    marker, body = marker.strip(), body or ""
    if not marker:
        return []
    if marker.isdigit():
        matches = [
            *bare_number_pattern(marker).finditer(body),
            *re.finditer(re.escape(f"[{marker}]"), body),
        ]
    elif set(marker) == {"*"}:
        matches = [m for m in _ASTERISKS.finditer(body) if m.group(0) == marker]
    else:
        matches = list(re.finditer(re.escape(marker), body))
    return sorted(match.span() for match in matches)


def mismatched_markers(body: str, footnote_markers: list[str]) -> tuple[list[str], list[str]]:
    """(markers in the body with no footnote, footnote markers absent from the body)."""
    footnote_markers = [m.strip() for m in footnote_markers]
    without_note = [m for m in unambiguous_markers(body) if m not in footnote_markers]
    without_marker = [m for m in footnote_markers if not marker_in_body(m, body)]
    return without_note, without_marker


# Footnote texts after a document begin with their marker: "1 Enver pasha is ...", "* see doc.",
# "[1] ...". Several may share one line: "* see doc. .49 152.170. ** means Francesco salata."
_NOTE_START = re.compile(r"^(?P<marker>\*{1,6}|\[\d{1,3}\]|\d{1,3})\s+(?=\S)")
# Inside a line, a marker starts a new text only after the end of a sentence.
_NOTE_IN_LINE = re.compile(r"(?<=[.;!?)\"\u02ba\u201d]\s)(?P<marker>\*{1,6}|\[\d{1,3}\])\s+(?=\S)")


def footnote_start(line: str) -> str | None:
    """The marker a footnote text line begins with, or None."""
    match = _NOTE_START.match(line or "")
    return match.group("marker") if match else None


def split_footnote_line(line: str) -> list[tuple[str, str]]:
    """A line of footnote texts -> [(marker, text), ...]; marker "" for unmarked text.

    Only asterisk and bracketed markers are split inside a line; a bare number inside a
    sentence is never taken for a marker.
    """
    marker = footnote_start(line) or ""
    rest = line[len(_NOTE_START.match(line).group(0)) :] if marker else line
    notes = []
    position = 0
    for match in _NOTE_IN_LINE.finditer(rest):
        if match.group("marker") == marker:
            continue
        notes.append((marker, rest[position : match.start()].strip()))
        marker, position = match.group("marker"), match.end()
    notes.append((marker, rest[position:].strip()))
    return [(m, text) for m, text in notes if text]
