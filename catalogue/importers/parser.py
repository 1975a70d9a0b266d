"""A page's lines -> one ParsedDocument for every document printed on it.

The anatomy (see DOMAIN.md): page furniture; per document a heading, optional addressee line,
date line (with reference number, markings, place), classification, distribution list,
salutation and body through the closing, signature; then source note, archival reference and
footnote texts; sometimes a closing caption repeating date and heading. Whatever cannot be
recognised becomes a warning on the document, never a failure.
"""

import hashlib
import re
from dataclasses import asdict, dataclass, field

from catalogue.markers import footnote_start, marker_in_body, split_footnote_line
from catalogue.markers import unambiguous_markers as markers_in
from catalogue.models.vocabularies import Classification, DocumentType, Priority
from catalogue.text import fold

from .dates import FoundDate, find_date
from .references import (
    archival_reference,
    is_source_note,
    printed_source,
    split_reference_from_line,
)
from .text import PageError, PageText

# --- Page furniture ---------------------------------------------------------------------------

_FURNITURE = [
    re.compile(pattern)
    for pattern in (
        r"^selected secret documents from soviet foreign policy",
        r"^concentrated on 1st and",
        r"^marx engels\b.*\bhome page$",
        r"^download pdf$",
        r"^header ads$",
        r"^home page$",
        r"^(newer post|older post|home)( (newer post|older post|home))*$",
        r"^subscribe to post comments",
        r"^post a comment$",
        r"^share this post$",
        r"^(no comments|\d+ comments?)$",
        r"^labels\b",
        r"^posted by\b",
        r"^popular posts$",
        r"^blog archive$",
        r"^powered by blogger$",
    )
]


def is_furniture(line: str) -> bool:
    folded = fold(line)
    return not folded or any(pattern.search(folded) for pattern in _FURNITURE)


# --- Headings ---------------------------------------------------------------------------------

DOCUMENT_TYPES = [
    (r"record\s+of\s+(?:a\s+)?conversation|recording\s+of\s+(?:a\s+)?conversation",
     DocumentType.RECORD_OF_CONVERSATION),
    (r"(?:cipher\s+)?telegram|cable(?:gram)?", DocumentType.TELEGRAM),
    (r"(?:verbal\s+)?note(?:\s+verbale)?", DocumentType.NOTE),
    (r"letter", DocumentType.LETTER),
    (r"diary|diary\s+entry", DocumentType.DIARY_ENTRY),
    (r"memorandum|memo|aide[\s\-\u2010]memoire", DocumentType.MEMORANDUM),
    (r"report", DocumentType.REPORT),
    (r"minutes|protocol", DocumentType.MINUTES),
    (r"treaty|agreement", DocumentType.TREATY),
    (r"speech", DocumentType.SPEECH),
    (r"statement|declaration|instruction|directive|resolution", DocumentType.OTHER),
]  # fmt: skip
_TYPE_ALTERNATIVES = "|".join(f"(?:{pattern})" for pattern, _ in DOCUMENT_TYPES)
_HEADING = re.compile(
    rf"^(?P<extract>from\s+)?(?P<type>{_TYPE_ALTERNATIVES})\s+(?P<link>of|from|to|by|with|between)\s+",
    re.IGNORECASE,
)
_TRAILING_MARKER = re.compile(r"\s+(\*{1,6}|\[\d{1,3}\])$")
_HEADING_PLACE = re.compile(r",\s*from\s+(?P<place>[A-Z][\w\u02b9'\-\u2010]+(?:\s[A-Z][\w]+)?)\.?$")
_DATE_SEPARATOR = re.compile(r"^[\s,.\-\u2010\u2013\u2014]*$")


def _doc_type(type_text: str) -> str:
    for pattern, doc_type in DOCUMENT_TYPES:
        if re.fullmatch(pattern, type_text, re.IGNORECASE):
            return doc_type
    return DocumentType.OTHER


@dataclass
class Heading:
    text: str  # as printed
    core: str  # without date prefix/suffix, place and trailing marker
    doc_type: str
    is_extract: bool
    date: FoundDate | None
    place: str
    link: str  # the word after the type: of / from / to ...
    rest: str  # what follows the link word: offices and names


def leading_date(line: str) -> tuple[FoundDate | None, str]:
    """ "March 18, 1938, telegram from ..." -> (the date, "telegram from ...")."""
    found = find_date(line)
    if found and found.start == 0:
        rest = line[found.end :]
        if rest.startswith(","):
            return found, rest[1:].strip()
    return None, line


def trailing_date(line: str) -> tuple[FoundDate | None, str]:
    """ "... Ali Fuad - 13 August 1921" -> (the date, "... Ali Fuad")."""
    found = find_date(line)
    while found and line[found.end :].strip(" .") != "":
        later = find_date(line[found.end :])
        if not later:
            return None, line
        offset = found.end
        found = FoundDate(later.written, later.edtf, later.start + offset, later.end + offset)
    if found is None:
        return None, line
    head = line[: found.start]
    separator = re.search(r"[\s,\-\u2010\u2013\u2014]+$", head)
    if not separator or not re.search(r"[,\-\u2010\u2013\u2014]", separator.group(0)):
        return None, line
    return found, head[: separator.start()].strip()


def parse_heading(line: str) -> Heading | None:
    date, rest = leading_date(line)
    match = _HEADING.match(rest)
    if not match or len(line) > 500:
        return None
    core = _TRAILING_MARKER.sub("", rest).strip()
    if date is None:
        date, core = trailing_date(core)
    place = ""
    if found_place := _HEADING_PLACE.search(core):
        place = found_place.group("place")
        core = core[: found_place.start()].strip()
    core = core.rstrip(" .")
    core_match = _HEADING.match(core)
    return Heading(
        text=line,
        core=core,
        doc_type=_doc_type(match.group("type")),
        is_extract=bool(match.group("extract")),
        date=date,
        place=place,
        link=match.group("link").lower(),
        rest=core[core_match.end() :] if core_match else "",
    )


# --- Names of sender and recipient in a heading ------------------------------------------------

_NOT_NAME_WORDS = (
    "Turkey Turkish Germany German Afghanistan Iran Persia Persian Britain British Great "
    "England France French Italy Italian Japan China Poland Romania Bulgaria Yugoslavia "
    "Greece Russia Russian Ukraine Ukrainian Georgia Armenia Azerbaijan Latvia Estonia "
    "Lithuania Finland Hungary Austria India Iraq Egypt Syria Moscow Ankara Angora Berlin "
    "London Paris Rome Kabul Tehran Teheran Istanbul Constantinople Washington Tokyo "
    "Soviet Union Republic Kingdom Government Assembly Embassy Ambassador Representative "
    "Plenipotentiary Commissar Commissariat Committee Council People Foreign Affairs "
    "Minister Ministry Consul Consulate General Secretary Deputy Chairman Extraordinary "
    "Grand National Central Executive Comrade Mr Mister"
)
NOT_NAMES = {fold(word) for word in _NOT_NAME_WORDS.split()}
_INITIAL = re.compile(r"^(?:[A-Za-z]\.){1,3}$")
_NAME_WORD = re.compile(r"^[A-Z][a-z\u00c0-\u024f\u02b9'\-]+$")
_BOUNDARY = re.compile(
    r"\s(?:to|in(?=\s+the\s+(?:nkid|people\S*\s+commissariat)))\s", re.IGNORECASE
)
OFFICE_WORDS = re.compile(
    r"\b(plenipotentiary|representative|ambassador|commissar|charg[eé]|secretary|minister|"
    r"consul|attach[eé]|envoy|chairman|deputy|attorney|director|head|counsellor|military)\b",
    re.IGNORECASE,
)


def trailing_name(segment: str) -> tuple[str, str]:
    """The personal name closing a heading segment, and the office before it.

    "the charge dʹaffaires of the USSR in Germany g. A. Astakhov" -> ("g. A. Astakhov", ...).
    Only capitalised words and initials count, and no country, city or office word: names
    in the middle of a segment are left to the authority lookup (precision over recall).
    """
    words = segment.split()
    taken = []
    for word in reversed(words):
        bare = word.strip(",.;:")
        is_initial = bool(_INITIAL.match(word))
        if is_initial or (_NAME_WORD.match(bare) and fold(bare) not in NOT_NAMES):
            taken.insert(0, word)
            continue
        break
    while taken and _INITIAL.match(taken[-1]):
        taken.pop()
    if not any(not _INITIAL.match(word) for word in taken):
        return "", segment.strip()
    office = " ".join(words[: len(words) - len(taken)])
    return " ".join(taken).rstrip(".,"), office.strip()


def _strip_article(text: str) -> str:
    return re.sub(r"^the\s+", "", text.strip(" ,."), flags=re.IGNORECASE)


def heading_parties(heading: Heading) -> tuple[tuple[str, str], tuple[str, str]]:
    """((sender name, sender office), (recipient name, recipient office)) from the heading."""
    rest = heading.rest
    if heading.link == "to":
        sender, recipient = "", rest
    else:
        boundary = _BOUNDARY.search(rest)
        sender, recipient = (
            (rest[: boundary.start()], rest[boundary.end() :]) if boundary else (rest, "")
        )
    sender_name, sender_office = trailing_name(sender) if sender else ("", "")
    recipient_name, recipient_office = trailing_name(recipient) if recipient else ("", "")
    return (
        (sender_name, _strip_article(sender_office)),
        (recipient_name, _strip_article(recipient_office)),
    )


# --- Lines before the body ---------------------------------------------------------------------

_MARKING = re.compile(
    r"\b(?:top|strictly|completely|absolutely)\s+secret\b|\bsecret\b|"
    r"\bout\s+of\s+(?:line|turn)\b|\b(?:extremely\s+|very\s+)?urgent\b",
    re.IGNORECASE,
)
_REFERENCE_NUMBER = re.compile(r"\bno\.?\s*[\w/\u2010\-]*\d[\w/\u2010\-]*", re.IGNORECASE)
_DATE_PLACE = re.compile(r"^(?:from\s+)?(?P<place>[A-Z][a-z\u02b9'\-]+)\s*,?$")
_LEFTOVER = re.compile(r"^[\s,.;:\-\u2010\u2013\u2014]*$")
_SALUTATION = re.compile(
    r"^(?:(?:my\s+)?dear|mr\.?|mister|mrs\.?|madam|sir|comrade|comrades|esteemed|respected|"
    r"highly\s+respected|your\s+(?:excellency|highness|majesty)|gentlemen|excellency)\b.*[,:!]$",
    re.IGNORECASE,
)
_DISTRIBUTION = re.compile(
    r"^(?:sent\s+to|copy\s+to|copies\s+to|distribution\s*:|distributed\s+to)\b", re.IGNORECASE
)
_CLOSING = re.compile(
    r"^(?:with\b.*\bgreetings|yours\b|respectfully|sincerely|with\s+(?:deep\s+)?respect)",
    re.IGNORECASE,
)
_HONORIFIC = re.compile(r"^(?:to\s+)?(?:(?:comrade|mr\.?|mister|his\s+excellency)\s+)?", re.I)
_TERMINAL = (".", "!", "?", '"', "\u02ba", "\u201d", "\u00bb", ")", "]", ":", ";", "\u2026", "'")


@dataclass
class DateLine:
    date: FoundDate
    markings: list[str]
    reference_number: str
    place: str


def markings_only(line: str) -> list[str] | None:
    markings = [m.group(0) for m in _MARKING.finditer(line)]
    if markings and _LEFTOVER.match(_MARKING.sub("", line)):
        return markings
    return None


def parse_date_line(line: str) -> DateLine | None:
    """ "Out of line 24 November 1938", "May 13, 1921 no. 11/930", "August 20‐26, 1939 secret"."""
    found = find_date(line)
    if not found:
        return None
    markings, reference, place = [], "", ""
    for text in (line[: found.start], line[found.end :]):
        markings += [m.group(0) for m in _MARKING.finditer(text)]
        text = _MARKING.sub(" ", text)
        if number := _REFERENCE_NUMBER.search(text):
            reference = reference or number.group(0)
            text = text.replace(number.group(0), " ")
        text = text.strip(" ,.;:\u2010\u2013\u2014-")
        if text and (found_place := _DATE_PLACE.match(text)):
            place, text = found_place.group("place"), ""
        if not _LEFTOVER.match(text):
            return None
    return DateLine(date=found, markings=markings, reference_number=reference, place=place)


def is_salutation(line: str) -> bool:
    return len(line) <= 80 and bool(_SALUTATION.match(line))


def is_short(line: str, words: int = 8) -> bool:
    return len(line) <= 80 and len(line.split()) <= words


def is_office_line(line: str) -> bool:
    """ "Representative of the peopleʹs commissariat of the RSFSR" above a signature."""
    return (
        bool(OFFICE_WORDS.search(line))
        and is_short(line, words=12)
        and "," not in line
        and not line.endswith(_TERMINAL)
    )


def is_signature(line: str) -> bool:
    if re.fullmatch(r"\[[^\[\]]{2,60}\]", line):
        return True
    return (
        is_short(line, words=5)
        and not line.endswith((",", ":", ";", "!", "?"))
        and (not line.endswith(".") or bool(re.search(r"\b[A-Z]\.\s?[A-Z][a-z]+\.$", line)))
        and (line[0].isupper())
        and not _CLOSING.match(line)
        and not is_salutation(line)
    )


# --- The document ------------------------------------------------------------------------------


@dataclass
class ParsedFootnote:
    marker: str
    text: str


@dataclass
class ParsedDocument:
    heading: str
    doc_type: str = DocumentType.OTHER
    is_extract: bool = False
    date_written: str = ""
    date_edtf: str = ""
    place_of_origin: str = ""
    addressee_line: str = ""
    reference_number: str = ""
    classification: str = Classification.NONE
    priority: str = Priority.NONE
    marking_as_printed: str = ""
    distribution: str = ""
    salutation: str = ""
    body: str = ""
    signature: str = ""
    signature_supplied: bool = False
    signatory_office: str = ""
    source_note: str = ""
    archival_reference: str = ""
    archive: str = ""
    fond: str = ""
    opis: str = ""
    papka: str = ""
    delo: str = ""
    folios: str = ""
    printed_volume: str = ""
    printed_page: str = ""
    printed_number: str = ""
    sender_name: str = ""
    sender_office: str = ""
    recipient_name: str = ""
    recipient_office: str = ""
    footnotes: list[ParsedFootnote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def content_checksum(self) -> str:
        """Same for the same document whether read from the text or the HTML page."""
        content = f"{fold(self.heading)}\n{fold(self.body)}"
        return hashlib.sha256(content.encode("utf-8")).hexdigest()

    def as_dict(self) -> dict:
        data = asdict(self)
        data["footnotes"] = [[note["marker"], note["text"]] for note in data["footnotes"]]
        return data

    @property
    def signature_name(self) -> str:
        """The signature when it names someone ("Chicherin"), not an office ("Plenipotentiary")."""
        if not self.signature or OFFICE_WORDS.search(self.signature):
            return ""
        return self.signature


@dataclass
class ParsedPage:
    source_url: str
    documents: list[ParsedDocument]
    warnings: list[str] = field(default_factory=list)


class _DocumentBuilder:
    """Fills one ParsedDocument from its heading and the lines up to the next heading."""

    def __init__(self, heading: Heading, lines: list[str], is_last: bool):
        self.heading = heading
        self.lines = lines
        self.is_last = is_last
        self.doc = ParsedDocument(
            heading=heading.text, doc_type=heading.doc_type, is_extract=heading.is_extract
        )
        self.markings: list[str] = []

    def build(self) -> ParsedDocument:
        self.read_heading()
        position = self.read_header()
        body_end = self.find_trailer(position)
        self.read_body(self.lines[position:body_end])
        self.read_trailer(self.lines[body_end:])
        self.finish()
        return self.doc

    def read_heading(self):
        heading, doc = self.heading, self.doc
        doc.place_of_origin = heading.place
        (doc.sender_name, doc.sender_office), (doc.recipient_name, doc.recipient_office) = (
            heading_parties(heading)
        )

    def add_markings(self, markings: list[str]):
        self.markings += markings
        folded = " ".join(fold(m) for m in self.markings)
        doc = self.doc
        if re.search(r"(top|strictly|completely|absolutely) secret", folded):
            doc.classification = Classification.TOP_SECRET
        elif "secret" in folded:
            doc.classification = Classification.SECRET
        if "out of" in folded or "urgent" in folded:
            doc.priority = Priority.URGENT
        doc.marking_as_printed = ", ".join(self.markings)

    def read_header(self) -> int:
        doc, date_line = self.doc, None
        for index, line in enumerate(self.lines):
            if is_salutation(line):
                return index
            if date_line is None and (date_line := parse_date_line(line)):
                self.set_date(date_line)
            elif (markings := markings_only(line)) is not None:
                self.add_markings(markings)
            elif _DISTRIBUTION.match(line) and not doc.distribution:
                doc.distribution = line
            elif is_source_note(line) and not doc.source_note:
                self.set_source_note(line)
            elif archival_reference(line) and not doc.archival_reference:
                self.set_archival_reference(line)
            elif date_line is None and not doc.addressee_line and self.addressee_at(index):
                doc.addressee_line = line
            else:
                return index
        return len(self.lines)

    def addressee_at(self, index: int) -> bool:
        """A short line just above the date line: "M.V. Frunze."."""
        line = self.lines[index]
        following = self.lines[index + 1 : index + 3]
        return (
            is_short(line)
            and not line.endswith((":", ","))
            and any(parse_date_line(other) for other in following)
        )

    def set_date(self, date_line: DateLine):
        doc = self.doc
        doc.date_written, doc.date_edtf = date_line.date.written, date_line.date.edtf
        doc.reference_number = date_line.reference_number
        doc.place_of_origin = doc.place_of_origin or date_line.place
        self.add_markings(date_line.markings)

    def set_source_note(self, line: str):
        self.doc.source_note = line
        printed = printed_source(line)
        self.doc.printed_volume = printed.volume
        self.doc.printed_page = printed.page
        self.doc.printed_number = printed.number

    def set_archival_reference(self, line: str):
        reference = archival_reference(line)
        self.doc.archival_reference = reference.as_printed
        self.doc.archive = reference.archive
        for part, value in reference.parts.items():
            setattr(self.doc, part, value)

    def starts_trailer(self, line: str, text_so_far: str) -> bool:
        if is_source_note(line) or archival_reference(line) or _DISTRIBUTION.match(line):
            return True
        marker = footnote_start(line)
        if marker is None:
            return False
        return not marker.isdigit() or marker_in_body(marker, text_so_far)

    def find_trailer(self, start: int) -> int:
        text = self.heading.text
        for index in range(start + 1, len(self.lines)):
            text += "\n" + self.lines[index - 1]
            if self.starts_trailer(self.lines[index], text):
                return index
        return len(self.lines)

    def read_body(self, lines: list[str]):
        doc = self.doc
        lines = list(lines)
        if len(lines) >= 2 and is_signature(lines[-1]):
            signature = lines.pop()
            doc.signature_supplied = signature.startswith("[") and signature.endswith("]")
            doc.signature = signature.strip("[]").strip() if doc.signature_supplied else signature
            if is_office_line(lines[-1]):
                doc.signatory_office = lines[-1].rstrip(".,")
        if lines and is_salutation(lines[0]):
            doc.salutation = lines[0]
        doc.body = "\n\n".join(lines)

    def read_trailer(self, lines: list[str]):
        doc = self.doc
        for line in lines:
            if is_source_note(line) and not doc.source_note:
                self.set_source_note(line)
            elif archival_reference(line) and not doc.archival_reference:
                self.set_archival_reference(line)
            elif _DISTRIBUTION.match(line) and not doc.distribution:
                doc.distribution = line
            else:
                self.add_footnote_line(line)

    def add_footnote_line(self, line: str):
        notes = self.doc.footnotes
        for marker, text in split_footnote_line(line):
            if marker or not notes:
                notes.append(ParsedFootnote(marker=marker, text=text))
            else:
                notes[-1].text += "\n\n" + text

    def finish(self):
        doc, warn = self.doc, self.doc.warnings.append
        if not doc.date_written and self.heading.date:
            doc.date_written, doc.date_edtf = self.heading.date.written, self.heading.date.edtf
        if not doc.date_written:
            warn("no date line found")
        elif not doc.date_edtf:
            warn(f"the date “{doc.date_written}” is not a valid calendar date")
        if not doc.body:
            warn("no text found after the heading")
        elif not doc.signature:
            warn("no signature found")
        if not doc.recipient_name and doc.addressee_line:
            doc.recipient_name = _HONORIFIC.sub("", doc.addressee_line).rstrip(" .,")
        self.check_footnotes()
        last_line = self.lines[-1] if self.lines else self.heading.text
        if self.is_last and not last_line.endswith(_TERMINAL):
            warn("the page ends mid-sentence: it looks truncated")

    def check_footnotes(self):
        doc, warn = self.doc, self.doc.warnings.append
        text = f"{doc.heading}\n{doc.body}"
        noted = [note.marker for note in doc.footnotes]
        for marker in markers_in(text):
            if marker not in noted:
                warn(f"footnote {marker} has no text")
        for note in doc.footnotes:
            if not note.marker:
                warn("a note follows the document without a footnote marker")
            elif not marker_in_body(note.marker, text):
                warn(f"footnote {note.marker} has no marker in the text")
        seen = set()
        for marker in noted:
            if marker and marker in seen:
                warn(f"footnote {marker} appears twice")
            seen.add(marker)


# --- The page ----------------------------------------------------------------------------------


def content_lines(lines: list[str]) -> list[str]:
    """The page's lines without furniture, a signature split from a reference on its line."""
    kept = []
    for line in lines:
        if not is_furniture(line):
            kept += split_reference_from_line(line)
    return kept


def is_caption(heading: Heading, earlier: list[Heading], has_lines: bool) -> bool:
    """A closing caption repeats an earlier heading (with its date) and has no text of its own."""
    if has_lines or heading.date is None:
        return False
    core = fold(heading.core)
    return any(core.startswith(fold(other.core)) for other in earlier)


def parse_lines(lines: list[str]) -> list[ParsedDocument]:
    lines = content_lines(lines)
    blocks: list[tuple[Heading, list[str]]] = []
    for line in lines:
        heading = parse_heading(line)
        if heading:
            blocks.append((heading, []))
        elif blocks:
            blocks[-1][1].append(line)
    kept, headings = [], []
    for heading, block_lines in blocks:
        if is_caption(heading, headings, bool(block_lines)):
            continue
        headings.append(heading)
        kept.append((heading, block_lines))
    return [
        _DocumentBuilder(heading, block_lines, is_last=index == len(kept) - 1).build()
        for index, (heading, block_lines) in enumerate(kept)
    ]


def parse_page(page: PageText) -> ParsedPage:
    documents = parse_lines(page.lines)
    if not documents:
        raise PageError(
            "No document found on this page: no heading such as “Letter from …”, "
            "“Telegram of …” or “From diary of …”."
        )
    for document in documents:
        document.warnings = page.warnings + document.warnings
    return ParsedPage(source_url=page.source_url, documents=documents, warnings=page.warnings)
