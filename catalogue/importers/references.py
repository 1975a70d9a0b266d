"""Source notes, archival references and printed sources.

- Source notes: "Print. By architect.", "Pgchat. About arch.", "Print. By srh." (garbled
  "Pechat. po arkh.", printed from the archive copy), "A source: USSR foreign policy documents.
  Volume 4. p. 270. Moscow. Gospolitizdat. 1960", a newspaper ("Izvestia, ...").
- Archival references: "avp rf, f.059, op.1, p.322, d.2216, l.161‐162" -> AVP RF, fond 059,
  opis 1, papka 322, delo 2216, folios 161‐162. A signature may precede it on the same line.
"""

import re
from dataclasses import dataclass, field

_SOURCE_NOTE = re.compile(
    r"^(?:print\.|printed\b|pgchat\.|pechat\b|pechat\.|a\s+source\s*:|source\s*:|"
    r"publ\s*\.?\s*:|published\s*:|opubl\s*\.?\s*:|"
    r"(?:ussr\s+)?foreign\s+policy\s+documents\b|documents\s+(?:on|of)\s+(?:the\s+)?foreign\s+policy|"
    r"dokumenty\s+vneshnei|"
    r"(?:izvestia|izvestiya|pravda)\b.*\d)",
    re.IGNORECASE,
)
_VOLUME = re.compile(r"\b(?:volume|vol\.|t\.)\s*(\w+)", re.IGNORECASE)
_PAGE = re.compile(r"\b(?:p|pp|page|s)\.\s*(\d+(?:\s*[-\u2010\u2013]\s*\d+)?)", re.IGNORECASE)
_NUMBER = re.compile(r"\b(?:doc(?:ument)?\.?\s*)?no\.?\s*(\d+)", re.IGNORECASE)

_ARCHIVE = r"(?P<archive>[A-Za-z]{2,8}(?:\s[A-Za-z]{1,3})?)"
_REFERENCE = re.compile(rf"{_ARCHIVE},\s*(?P<parts>f\.\s*\S.*?)\.?\s*$", re.IGNORECASE)
_REFERENCE_IN_LINE = re.compile(rf"(?<=\S)\s+(?={_ARCHIVE},\s*f\.\s*\S)", re.IGNORECASE)
_PART = re.compile(r"^(?P<label>f|op|p|d|ll|l)\.\s*(?P<value>.+)$", re.IGNORECASE)
PART_FIELDS = {"f": "fond", "op": "opis", "p": "papka", "d": "delo", "l": "folios", "ll": "folios"}


def is_source_note(line: str) -> bool:
    return bool(_SOURCE_NOTE.match(line))


@dataclass
class PrintedSource:
    volume: str = ""
    page: str = ""
    number: str = ""


def printed_source(note: str) -> PrintedSource:
    """Volume, page and document number named in a source note ("Volume 4. p. 270")."""
    if not re.search(r"\bvol(?:ume)?\b|\bdocuments\b", note, re.IGNORECASE):
        return PrintedSource()
    volume = _VOLUME.search(note)
    page = _PAGE.search(note)
    number = _NUMBER.search(note)
    return PrintedSource(
        volume=volume.group(1) if volume else "",
        page=page.group(1) if page else "",
        number=number.group(1) if number else "",
    )


@dataclass
class ArchivalReference:
    as_printed: str
    archive: str  # abbreviation, upper case: "AVP RF"
    parts: dict = field(default_factory=dict)  # fond, opis, papka, delo, folios


# A source note run on at the end of the last paragraph: "... any European power. ʺ Publ .:
# foreign policy of the USSR ... ‐t. I. ‐ s. 145‐146." ("Opubl.:", published in).
_SOURCE_NOTE_IN_LINE = re.compile(r"(?<=\S)\s+(?=(?:publ|opubl)\s*\.\s*:\s*\S)", re.IGNORECASE)


def split_reference_from_line(line: str) -> list[str]:
    """ "Mikhailov avp rf, f.059, ..." -> ["Mikhailov", "avp rf, f.059, ..."]; a source note
    run on at the end of a paragraph goes on a line of its own."""
    if (note := _SOURCE_NOTE_IN_LINE.search(line)) and len(line) - note.end() < 200:
        return [line[: note.start()].strip(), line[note.end() :].strip()]
    match = _REFERENCE_IN_LINE.search(line)
    if not match or _REFERENCE.match(line):
        return [line]
    return [line[: match.start()].strip(), line[match.end() :].strip()]


def archival_reference(line: str) -> ArchivalReference | None:
    match = _REFERENCE.match(line.strip())
    if not match:
        return None
    parts = {}
    for piece in match.group("parts").split(","):
        part = _PART.match(piece.strip())
        if part:
            parts[PART_FIELDS[part.group("label").lower()]] = part.group("value").strip()
    if "fond" not in parts:
        return None
    as_printed = line.strip().rstrip(".").strip()
    return ArchivalReference(
        as_printed=as_printed, archive=match.group("archive").upper(), parts=parts
    )
