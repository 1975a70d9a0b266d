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

from catalogue.markers import footnote_start, marker_in_body, marker_spans, split_footnote_line
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
from .text import BAD_CHARACTER, PageError, PageText

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

# The document types of the collection, each with the words a heading uses for it: plurals,
# verb forms ("Recording the conversation") and an article ("Record of the conversation").
_RECORD = r"record(?:s|ing)?\s+(?:of\s+)?(?:(?:the|a)\s+)?"
DOCUMENT_TYPES = [
    (rf"{_RECORD}(?:conversation|talk|meeting|interview)s?|memorand(?:um|a)\s+of\s+"
     r"(?:(?:the|a)\s+)?conversations?|(?:conversation|talk|meeting|interview|reception)s?",
     DocumentType.RECORD_OF_CONVERSATION),
    (r"(?:cipher(?:ed)?\s+|encrypted\s+|coded\s+)?(?:telegram|cable(?:gram)?|radiogram)s?",
     DocumentType.TELEGRAM),
    (r"(?:verbal\s+)?notes?(?:\s+verbale)?", DocumentType.NOTE),
    (r"letters?|messages?", DocumentType.LETTER),
    (r"(?:diary|journal)(?:\s+entr(?:y|ies))?", DocumentType.DIARY_ENTRY),
    (r"memorand(?:um|a)|memo|aide[\s\-\u2010]m[eé]moire", DocumentType.MEMORANDUM),
    (r"(?:annual\s+|political\s+)?reports?", DocumentType.REPORT),
    (r"minutes|protocols?", DocumentType.MINUTES),
    (r"treat(?:y|ies)|agreements?|conventions?|pacts?", DocumentType.TREATY),
    (r"speech(?:es)?|address", DocumentType.SPEECH),
    (r"statements?|declarations?", DocumentType.STATEMENT),
    (r"communiqu[eé]s?|communications?|announcements?", DocumentType.COMMUNIQUE),
    (r"instructions?|directives?|resolutions?|decrees?|decisions?|appeals?",
     DocumentType.OTHER),
]  # fmt: skip
_TYPE_ALTERNATIVES = "|".join(f"(?:{pattern})" for pattern, _ in DOCUMENT_TYPES)
_EXTRACT = r"(?P<extract>(?:an?\s+)?(?:from|extract\s+from|excerpt\s+from|extracts?|excerpts?))"
_LINK = r"of|from|to|by|with|between|in|for|on|at|sent|addressed|handed"
_HEADING = re.compile(
    rf"^(?:{_EXTRACT}\s*[:;,.\-\u2010]?\s*(?:(?:the|a|an)\s+)?)?(?P<type>{_TYPE_ALTERNATIVES})"
    rf"(?:\s+(?:(?:no\.?|№|n\.)\s*[\w/\-\u2010]*\d[\w/\-\u2010]*\s+)?(?P<link>{_LINK})\s+"
    r"|\s+(?:no\.?|№)\s*\d[\w/\-\u2010]*\s*$"
    r"|\s+(?P<named>(?=(?:[A-Z][a-z]?\.\s*){1,3}[A-Z][a-z]|[A-Z][a-z]+\s+[A-Z]\.))"
    r"|\s*[,.:;\-\u2010\u2013]\s*|\s*$"
    r"|(?(extract)\s+(?=[a-z])|(?!)))",  # "From letter interim attorney ...": any word
    re.IGNORECASE,
)
# A heading without a type word: "G. A. Astakhov to the peopleʹs commissariat of ...".
_PARTIES_ONLY = re.compile(r"^(?P<sender>.{2,200}?)\s+(?P<link>to|in)\s+(?:the\s+)?\S", re.I)
_DANGLING = re.compile(
    r"(?:\b(?:of|the|to|and|in|with|for|from|at|by|between)|\s(?:[A-Za-z]\.){1,2})$", re.I
)
_BARE_TYPE = re.compile(
    rf"^(?:{_EXTRACT}\s*[:;,.\-\u2010]?\s*(?:(?:the|a|an)\s+)?)?(?:{_TYPE_ALTERNATIVES})[.:]?$",
    re.IGNORECASE,
)
_TRAILING_MARKER = re.compile(r"\s+(\*{1,6}|\[\d{1,3}\])$")
_HEADING_PLACE = re.compile(r",\s*from\s+(?P<place>[A-Z][\w\u02b9'\-\u2010]+(?:\s[A-Z][\w]+)?)\.?$")
_DATE_SEPARATOR = re.compile(r"^[\s,.\-\u2010\u2013\u2014]*$")
MAX_HEADING_CHARACTERS = 500


def _doc_type(type_text: str) -> str:
    for pattern, doc_type in DOCUMENT_TYPES:
        if re.fullmatch(pattern, type_text, re.IGNORECASE):
            return doc_type
    return DocumentType.OTHER


@dataclass
class Heading:
    text: str  # as printed (a heading broken over two lines joined by a space)
    core: str  # without date prefix/suffix, place and trailing marker
    doc_type: str
    is_extract: bool
    date: FoundDate | None
    place: str
    link: str  # the word after the type: of / from / to ...
    rest: str  # what follows the link word: offices and names
    typed: bool = True  # False for a heading with no type word ("X to Y")


def leading_date(line: str) -> tuple[FoundDate | None, str]:
    """ "March 18, 1938, telegram from ..." -> (the date, "telegram from ...")."""
    found = find_date(line)
    if found and found.start == 0:
        rest = line[found.end :]
        if rest.startswith((",", ".", " -", " \u2010", " \u2013", " \u2014")):
            return found, rest.lstrip(",.-\u2010\u2013\u2014 ").strip()
    return None, line


def trailing_date(line: str) -> tuple[FoundDate | None, str]:
    """ "... Ali Fuad - 13 August 1921" / "... Ataturk. June 1, 1937" -> (the date, heading).

    A date printed twice at the end ("Aras. July 15‐17, 1937 July 15‐17, 1937") goes as one.
    """
    found = _last_date(line)
    if found is None:
        return None, line
    head = line[: found.start]
    while (earlier := _last_date(head.rstrip())) is not None:
        head = head[: earlier.start]  # the same date printed twice
    separator = re.search(r"[\s,.\-\u2010\u2013\u2014]+$", head)
    if not separator or not re.search(r"[,.\-\u2010\u2013\u2014]", separator.group(0)):
        return None, line
    return found, head[: separator.start()].strip()


def _last_date(line: str) -> FoundDate | None:
    """The date that ends the line (after it only spaces and full stops), or None."""
    found = find_date(line)
    while found and line[found.end :].strip(" .") != "":
        later = find_date(line[found.end :])
        if not later:
            return None
        offset = found.end
        found = FoundDate(later.written, later.edtf, later.start + offset, later.end + offset)
    return found


def _heading_match(text: str) -> re.Match | None:
    match = _HEADING.match(text)
    unlinked = match and not match.group("link") and len(text) > match.end() + 40
    # "Telegram, ..." must be followed by a date or an office, not a running sentence.
    if unlinked and text.rstrip().endswith((".", "!", "?")) and not find_date(text):
        return None
    return match


def parse_heading(line: str, untyped: bool = False) -> Heading | None:
    """A heading line -> Heading; with `untyped`, also a heading without a type word."""
    if len(line) > MAX_HEADING_CHARACTERS:
        return None
    date, rest = leading_date(line)
    match = _heading_match(rest)
    typed = match is not None
    if not typed and (not untyped or not (match := _PARTIES_ONLY.match(rest))):
        return None
    core = _TRAILING_MARKER.sub("", rest).strip()
    if date is None:
        date, core = trailing_date(core)
    place = ""
    if found_place := _HEADING_PLACE.search(core):
        place = found_place.group("place")
        core = core[: found_place.start()].strip()
    core = core.rstrip(" .")
    if typed:
        core_match = _heading_match(core)
        after_type = core[core_match.end() :] if core_match else ""
        link = match.group("link") or ("from" if match.group("named") is not None else "")
        link = link.lower()
        doc_type = _doc_type(match.group("type"))
        is_extract = bool(match.group("extract"))
    else:
        after_type, link, doc_type, is_extract = core, "of", DocumentType.OTHER, False
    if date is None and (inside := find_date(core)):
        date = inside  # "Telegram of 12 May 1921 from ...": a date anywhere in the heading
    return Heading(
        text=line,
        core=core,
        doc_type=doc_type,
        is_extract=is_extract,
        date=date,
        place=place,
        link=link,
        rest=after_type,
        typed=typed,
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
    "Grand National Central Executive Comrade Mr Mister Conference Congress Commission "
    "Delegation Front Army Party Pact Treaty Convention Caucasus Caucasian Transcaucasian "
    "Revolutionary Military Soviets Bureau Politburo League Nations Entente Allied Allies "
    "Lausanne Genoa Montreux Kars Baku Tiflis Erivan Batum Batumi Sofia Bucharest Athens "
    "Belgrade Warsaw Prague Vienna Budapest Tallinn Riga Helsinki Stockholm Cabinet Senate "
    "Majlis Mejlis Shah Emir Amir King Queen President Premier Prime Empire Imperial "
    "UK USA US SSR RSFSR USSR NKID CC CPSU TSR ZSFSR VKP GPU OGPU NKVD"
)
NOT_NAMES = {fold(word) for word in _NOT_NAME_WORDS.split()}
_INITIAL = re.compile(r"^(?!(?:mr|dr|st|no|mrs|ms)\.$)(?:[A-Za-z][a-z]?\.){1,3}$", re.IGNORECASE)
_CAPITAL_INITIALS = re.compile(r"^[A-Z]{1,3}$")  # "GK Ordzhonikidze"
_NAME_WORD = re.compile(
    r"^[A-Z][a-z\u00c0-\u024f\u02b9']+(?:[\-\u2010][A-Za-z\u00c0-\u024f\u02b9']+)*$"
)
_BOUNDARY = re.compile(
    r"\s(?:to|in(?=\s+the\s+(?:nkid|people\S*\s+commissariat)))\s", re.IGNORECASE
)
_CONVERSATION_BOUNDARY = re.compile(r"\s(?:with|and)\s", re.IGNORECASE)
OFFICE_WORDS = re.compile(
    r"\b(plenipotentiary|representative|ambassador|commissar|commissioner|charg[eé]|secretary|"
    r"minister|consul|attach[eé]|envoy|chairman|deputy|attorney|director|head|counsellor|"
    r"military|president|premier|polpred)\b",
    re.IGNORECASE,
)


def trailing_name(segment: str) -> tuple[str, str]:
    """The personal name closing a heading segment, and the office before it.

    "the charge dʹaffaires of the USSR in Germany g. A. Astakhov" -> ("g. A. Astakhov", ...).
    Only capitalised words and initials count, and no country, city, body or office word:
    names in the middle of a segment are left to the authority lookup (precision over recall).
    A segment that is only a name ("G. A. Astakhov") is a name with no office.
    """
    words = segment.split()
    taken = []
    for word in reversed(words):
        bare = word.strip(",.;:")
        is_initial = bool(_INITIAL.match(word))
        if taken and _CAPITAL_INITIALS.match(word) and fold(word) not in NOT_NAMES:
            is_initial = True
        if is_initial or (_NAME_WORD.match(bare) and fold(bare) not in NOT_NAMES):
            taken.insert(0, word)
            continue
        break
    while taken and _INITIAL.match(taken[-1]):
        taken.pop()
    if not any(not _INITIAL.match(word) for word in taken):
        return "", segment.strip()
    if len(taken) > 4:
        return "", segment.strip()
    office = " ".join(words[: len(words) - len(taken)])
    return " ".join(taken).rstrip(".,"), office.strip()


def _strip_article(text: str) -> str:
    return re.sub(r"^the\s+", "", text.strip(" ,."), flags=re.IGNORECASE)


@dataclass
class Parties:
    sender: tuple[str, str] = ("", "")  # (name, office)
    recipient: tuple[str, str] = ("", "")
    other_party: tuple[str, str] = ("", "")  # the interlocutor of a record of conversation


def _named(segment: str) -> tuple[str, str]:
    if not segment.strip():
        return "", ""
    name, office = trailing_name(segment.strip(" ,."))
    return name, _strip_article(office)


_RECEIVED_BY = re.compile(r"\s(?:by|at)\s(?=(?:comrade\s|the\s|[A-Z]))", re.IGNORECASE)
# "From the diary of V. M. Molotov. Reception of the ambassador of Turkey Aktay"
_DIARY_SUBJECT = re.compile(
    r"^(?P<who>.+?)\.\s+(?:reception|conversation|talk|meeting)\s+(?:of|with)\s+(?P<other>.+)$",
    re.IGNORECASE,
)


def _conversation_parties(heading: Heading) -> Parties:
    rest = heading.rest
    if heading.link == "with":
        return Parties(other_party=_named(rest))
    if heading.link in ("of", "by", "from", "between", "") and (
        boundary := _CONVERSATION_BOUNDARY.search(rest)
    ):
        return Parties(
            sender=_named(rest[: boundary.start()]), other_party=_named(rest[boundary.end() :])
        )
    if heading.link == "of" and (received := _RECEIVED_BY.search(rest)):
        # "Reception of the ambassador of Turkey Aktay by comrade Molotov"
        return Parties(
            sender=_named(rest[received.end() :]), other_party=_named(rest[: received.start()])
        )
    return Parties(sender=_named(rest))


def heading_parties(heading: Heading) -> Parties:
    """Sender, recipient and (for a conversation) the other party named by the heading."""
    rest = heading.rest
    if heading.doc_type == DocumentType.RECORD_OF_CONVERSATION:
        return _conversation_parties(heading)
    if heading.doc_type == DocumentType.DIARY_ENTRY:
        if subject := _DIARY_SUBJECT.match(rest):
            return Parties(
                sender=_named(subject.group("who")), other_party=_named(subject.group("other"))
            )
        return Parties(sender=_named(rest))
    if heading.link == "to":
        return Parties(recipient=_named(rest))
    boundary = _BOUNDARY.search(rest)
    sender, recipient = (rest, "")
    if boundary:
        sender, recipient = rest[: boundary.start()], rest[boundary.end() :]
    if not heading.typed and boundary is None:
        return Parties()
    return Parties(sender=_named(sender), recipient=_named(recipient))


# --- Lines before the body ---------------------------------------------------------------------

_TOP_SECRET = (
    r"\b(?:top|strictly|completely|absolutely|soviet|sov|quite|very|most)\s*[.,]?\s*secret(?:ly)?\b"
)
_MARKING = re.compile(
    rf"{_TOP_SECRET}|\bsecret(?:ly)?\b|\bconfidential(?:ly)?\b|"
    r"\b(?:highly|very|extremely)\s+important\b|"
    r"\bout\s+of\s+(?:line|turn|order|queue|priority)\b|\bvne\s+ocheredi\b|"
    r"\bimmediate(?:ly)?\b|\b(?:extremely\s+|very\s+)?urgent(?:ly)?\b|\bpriority\b|"
    r"\bpersonal(?:ly)?\b|\bcopy\b|\bspecial\s+(?:folder|file|stick|papka|dossier)\b",
    re.IGNORECASE,
)
_PRIORITY_WORDS = re.compile(r"out of|ocheredi|immediate|urgent|important|priority", re.IGNORECASE)
_REFERENCE_NUMBER = re.compile(
    r"(?:\bno\b\.?|\bnr\b\.?|№|\bN\b\.?|\bm\b\.?|#)\s*"
    r"(?:[A-Za-z\u0400-\u04ff]{1,4}\s*/\s*)?\d[\w\u2010\-]*(?:\s*/\s*[\w\u2010\-]+)*",
    re.IGNORECASE,
)
_TRANSMISSION = re.compile(
    r"^(?P<phrase>(?:transmitted|sent|received|delivered|dispatched|handed(?:\s+over)?|"
    r"broadcast|telegraphed|radioed)\b(?:[\s\w]{0,40}?)(?:\s+(?:on|at|in))?)\s*$",
    re.IGNORECASE,
)
_DATE_PLACE = re.compile(
    r"^(?:from\s+)?(?P<place>[A-Za-z][\w\u02b9'\-\u2010]+(?:\s[A-Z][\w]+)?)\s*[,.]?$"
)
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b,?", re.IGNORECASE)
_EXTRACT_WORD = re.compile(r"^[(\[]?(?:extract|excerpt|extracts|excerpts)[)\]]?\.?$", re.I)
_NOISE_WORDS = re.compile(r"\b(?:g|y|year|dated|of|on|the)\b\.?", re.IGNORECASE)
_LEFTOVER = re.compile(r"^[\s,.;:()\[\]\-\u2010\u2013\u2014]*$")
MAX_DATE_LINE = 160
MAX_LEFTOVER_WORDS = 3
_SALUTATION = re.compile(
    r"^(?:(?:my\s+)?dear|mr\.?|mister|mrs\.?|madam|sir|comrade|comrades|esteemed|respected|"
    r"highly\s+respected|your\s+(?:excellency|highness|majesty)|gentlemen|excellency|"
    r"lord\s+commissioner)\b.*[,:!]$",
    re.IGNORECASE,
)
_DISTRIBUTION = re.compile(
    r"^(?:sent(?:\s+out)?\s+to|copy\s+to|copies\s+to|distribution\s*:|distributed\s+to|"
    r"send\s+to)\b",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^(?:with\b.*\bgreetings|yours\b|respectfully|sincerely|with\s+(?:deep\s+)?respect|"
    r"please\s+accept|accept,?\s|i\s+take\s+this\s+opportunity|i\s+avail\s+myself)",
    re.IGNORECASE,
)
# After the signature: the reply, the note that occasioned the document, editors' remarks.
_APPENDIX = re.compile(
    r"^(?:the\s+following\s+(?:reply|answer|response|note|letter|telegram)|"
    r"(?:this|the\s+present)\s+(?:note|letter|telegram|reply|message)\s+was\b|"
    r"in\s+the\s+(?:mentioned|above|said)\s+(?:letter|note|telegram)|"
    r"(?:the\s+)?(?:reply|answer)\s+(?:to|of|from)\s+this\b|\(?see\s+(?:also\s+)?doc|"
    r"notes?\s*:?$|comments?\s*:?$)",
    re.IGNORECASE,
)
# The first word of a signing office, the rest cut off with the page: "Charge" (d'affaires).
_OFFICE_FRAGMENT = re.compile(r"^(?:charg[eé]|deputy|first|acting|people\S?s)\.?$", re.I)
_HONORIFIC = re.compile(r"^(?:to\s+)?(?:(?:comrade|mr\.?|mister|his\s+excellency)\s+)?", re.I)
_TERMINAL = (".", "!", "?", '"', "\u02ba", "\u201d", "\u00bb", ")", "]", ":", ";", "\u2026", "'")


@dataclass
class DateLine:
    date: FoundDate
    markings: list[str]
    reference_number: str
    place: str
    transmission: str = ""
    is_extract: bool = False
    unread: str = ""  # what was left unrecognised, quoted in a warning


def markings_only(line: str) -> list[str] | None:
    markings = [m.group(0) for m in _MARKING.finditer(line)]
    if markings and _LEFTOVER.match(_MARKING.sub("", line)) and len(line) <= 80:
        return markings
    return None


def _year_only(line: str) -> FoundDate | None:
    match = re.fullmatch(r"(\[)?\s*(1[89]\d\d)\s*(\])?(\?)?\.?", line.strip())
    if not match:
        return None
    uncertain = "?" if match.group(1) or match.group(4) else ""
    return FoundDate(line.strip(), f"{match.group(2)}{uncertain}", 0, len(line))


def _read_around_date(text: str, before: bool, found: dict) -> str:
    """Take markings, the reference number, transmission phrase and place out of `text`."""
    found["markings"] += [m.group(0) for m in _MARKING.finditer(text)]
    text = _MARKING.sub(" ", text)
    if number := _REFERENCE_NUMBER.search(text):
        found["reference"] = found["reference"] or number.group(0).strip()
        text = text[: number.start()] + " " + text[number.end() :]
    text = text.strip(" ,.;:\u2010\u2013\u2014-")
    if _EXTRACT_WORD.match(text.split()[-1] if text.split() else ""):
        found["extract"] = True
        text = " ".join(text.split()[:-1])
    if before and text and (transmission := _TRANSMISSION.match(text)):
        found["transmission"] = transmission.group("phrase")
        return ""
    if before and (weekday := _WEEKDAY.search(text)):  # "Monday, May 5, 1921"
        found["weekday"] = weekday.group(0)
        text = _WEEKDAY.sub(" ", text).strip(" ,.;:")
    place = _DATE_PLACE.match(text) if text and not found["place"] else None
    if place and not before and not text.lower().startswith("from "):
        place = None  # after the date only "from Ankara" is a place
    if place and not _NOISE_WORDS.fullmatch(text):
        found["place"] = place.group("place")
        return ""
    return _NOISE_WORDS.sub(" ", text).strip(" ,.;:\u2010\u2013\u2014-")


def parse_date_line(line: str) -> DateLine | None:
    """A date line read token by token: "Lausanne, January 21, 1923 No. 84", "Out of line 24
    November 1938", "Transmitted by telegraph on April 12, 1921", "Immediately top secret".

    Not a date line (None) when too much text is left beside the date: then it is a sentence.
    """
    if len(line) > MAX_DATE_LINE:
        return None
    found_date = find_date(line) or _year_only(line)
    if not found_date:
        return None
    found = {"markings": [], "reference": "", "place": "", "transmission": "", "extract": False}
    before = _read_around_date(line[: found_date.start], True, found)
    after = _read_around_date(line[found_date.end :], False, found)
    unread = " ".join(part for part in (before, after) if part)
    counted = re.sub(r"[(\[][^()\[\]]*[)\]]", " ", unread)  # "(no later than the 15th)"
    counted = counted.strip(" ()[]")
    unread = re.sub(r"\s+", " ", unread).strip(" ()[]")
    if len(counted.split()) > MAX_LEFTOVER_WORDS or re.search(r"[.!?]\s+\w", counted):
        return None
    return DateLine(
        date=found_date,
        markings=found["markings"],
        reference_number=found["reference"],
        place=found["place"],
        transmission=found["transmission"],
        is_extract=found["extract"],
        unread=unread,
    )


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
    if re.fullmatch(r"\[[^\[\]]{2,60}\]\.?", line):
        return True
    return (
        is_short(line, words=5)
        and not line.endswith((",", ":", ";", "!", "?"))
        and (not line.endswith(".") or bool(re.search(r"\b[A-Z]\.\s?[A-Z][a-z]+\.$", line)))
        and (line[0].isupper())
        and not _CLOSING.match(line)
        and not is_salutation(line)
        and not _MARKING.fullmatch(line)
        and not find_date(line)
    )


# Endnote numbers of the printed volume fused to the word before them: "agreement136",
# "morning.21", "convention95". Only after a word of three letters or more, never in a figure.
FUSED_MARKER = re.compile(
    r"(?<=[a-z\u00df-\u024f\u02b9]{3})(?P<a>\d{1,3})(?![\d\w])|"
    r"(?<=[a-z\u00df-\u024f]{3}[.,;:)\u02ba\u201d])(?P<b>\d{1,3})(?=\s|$)"
)


def fused_markers(text: str) -> list[str]:
    """The endnote numbers fused to words in the text, in order, without repeats."""
    found = []
    for match in FUSED_MARKER.finditer(text or ""):
        number = match.group("a") or match.group("b")
        if number not in found:
            found.append(number)
    return found


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
    transmission: str = ""
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
    other_party_name: str = ""
    other_party_office: str = ""
    footnote_markers: list[str] = field(default_factory=list)
    footnotes: list[ParsedFootnote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""  # set when the document cannot be imported (bad bytes, no text)

    def content_checksum(self) -> str:
        """Same for the same document whether read from the text or the HTML page (worked
        out once for a heading and body: the import asks for it several times)."""
        cached = self.__dict__.get("_checksum")
        if cached is None or cached[:2] != (self.heading, self.body):
            content = f"{fold(self.heading)}\n{fold(self.body)}"
            cached = (self.heading, self.body, hashlib.sha256(content.encode("utf-8")).hexdigest())
            self.__dict__["_checksum"] = cached
        return cached[2]

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

    def __init__(self, heading: Heading, lines: list[str], is_last: bool, bad_spots=None):
        self.heading = heading
        self.lines = lines
        self.is_last = is_last
        self.bad_spots = bad_spots or {}
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
        parties = heading_parties(heading)
        doc.sender_name, doc.sender_office = parties.sender
        doc.recipient_name, doc.recipient_office = parties.recipient
        doc.other_party_name, doc.other_party_office = parties.other_party

    def add_markings(self, markings: list[str]):
        self.markings += markings
        folded = " ".join(fold(m) for m in self.markings)
        doc = self.doc
        if re.search(r"(top|strictly|completely|absolutely|soviet|sov|quite|very|most)\W*secret",
                     folded):  # fmt: skip
            doc.classification = Classification.TOP_SECRET
        elif "secret" in folded:
            doc.classification = Classification.SECRET
        if _PRIORITY_WORDS.search(folded):
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
            elif _EXTRACT_WORD.match(line):
                doc.is_extract = True
            elif _DISTRIBUTION.match(line) and not doc.distribution:
                doc.distribution = line
            elif is_source_note(line) and not doc.source_note:
                self.set_source_note(line)
            elif doc.source_note.endswith(":") and not date_line:  # "A source:" / the source
                self.set_source_note(f"{doc.source_note} {line}")
            elif archival_reference(line) and not doc.archival_reference:
                self.set_archival_reference(line)
            elif date_line is None and not doc.addressee_line and self.addressee_at(index):
                doc.addressee_line = line
            elif date_line is None and not doc.place_of_origin and self.place_at(index):
                doc.place_of_origin = _DATE_PLACE.match(line).group("place")
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
            and not re.match(r"^from\s", line, re.IGNORECASE)
            and any(parse_date_line(other) for other in following)
        )

    def place_at(self, index: int) -> bool:
        """ "from Ankara" (or "Ankara.") on its own line above the date line."""
        line = self.lines[index]
        following = self.lines[index + 1 : index + 2]
        return bool(_DATE_PLACE.match(line)) and any(parse_date_line(o) for o in following)

    def set_date(self, date_line: DateLine):
        doc = self.doc
        doc.date_written, doc.date_edtf = date_line.date.written, date_line.date.edtf
        doc.reference_number = date_line.reference_number
        doc.place_of_origin = doc.place_of_origin or date_line.place
        doc.transmission = date_line.transmission
        doc.is_extract = doc.is_extract or date_line.is_extract
        if date_line.unread:
            doc.warnings.append(
                f"the date line “{date_line.date.written}” has text that was not recognised: "
                f"“{date_line.unread}”"
            )
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

    def signature_index(self, lines: list[str]) -> int | None:
        """Where the document's own text ends with a signature: the last line, or the line
        before an appended reply or note ("The following reply was received ...")."""
        candidates = [len(lines) - 1]
        candidates += [i - 1 for i in range(2, len(lines)) if _APPENDIX.match(lines[i])]
        for index in candidates:
            if index < 1 or not is_signature(lines[index]):
                continue
            before = lines[index - 1]
            complete = (
                before.endswith(_TERMINAL)
                or is_office_line(before)
                or _CLOSING.match(before)
                or lines[index].startswith("[")
            )
            at_page_end = index == len(lines) - 1 and self.is_last
            cut_off = at_page_end and (not complete or _OFFICE_FRAGMENT.match(lines[index]))
            if complete and not cut_off:
                return index
        return None

    def read_body(self, lines: list[str]):
        doc = self.doc
        lines = list(lines)
        closing = None  # "Moscow, December 26, 1921" after the signature
        if len(lines) >= 3 and (closing := parse_date_line(lines[-1])):
            closing_line = lines.pop()
        index = self.signature_index(lines) if len(lines) >= 2 else None
        if index is not None:
            signature = lines.pop(index)
            doc.signature_supplied = signature.startswith("[") and "]" in signature
            doc.signature = signature.strip("[]. ").strip() if doc.signature_supplied else signature
            if index >= 1 and is_office_line(lines[index - 1]):
                doc.signatory_office = lines[index - 1].rstrip(".,")
        if closing and not doc.date_written:
            self.set_date(closing)  # the document's only date: read, not left in the body
        elif closing:
            lines.append(closing_line)
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
        if _APPENDIX.match(line):  # a reply or remark after a footnote is no part of it
            notes.append(ParsedFootnote(marker="", text=line))
            return
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
        complete = (
            last_line.endswith(_TERMINAL)
            or (doc.signature and last_line.strip("[]. ") == doc.signature.strip("[]. "))
            or parse_date_line(last_line) is not None
            or is_source_note(last_line)
            or archival_reference(last_line) is not None
        )
        if self.is_last and not complete:
            warn("the page ends mid-sentence: it looks truncated")
        self.check_bad_characters()
        if not self.lines:
            doc.error = (
                f"The heading “{doc.heading[:80]}” is followed by no text: there is no document "
                "to import."
            )

    def check_bad_characters(self):
        spots = []
        for line in [self.heading.text, *self.lines]:
            if BAD_CHARACTER in line:
                spots += self.bad_spots.get(line, ["an unreadable character"])
        if spots:
            self.doc.error = (
                "The document holds bytes that are not text ("
                + "; ".join(dict.fromkeys(spots))
                + "): it was not imported. Correct the file and import it again."
            )

    def check_footnotes(self):
        doc, warn = self.doc, self.doc.warnings.append
        text = f"{doc.heading}\n{doc.body}"
        noted = [note.marker for note in doc.footnotes]
        unambiguous = markers_in(text)
        for marker in unambiguous:
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
        doc.footnote_markers = self.markers_in_order(text, noted, unambiguous)

    @staticmethod
    def markers_in_order(text: str, noted: list[str], unambiguous: list[str]) -> list[str]:
        """Every footnote marker in the heading and body, in the order of the text: asterisks,
        [n], numbers with a note text, and endnote numbers fused to a word ("agreement136")."""
        first_at: dict[str, int] = {}
        for marker in [*unambiguous, *(m for m in noted if m and marker_in_body(m, text))]:
            spans = marker_spans(marker, text)
            first_at.setdefault(marker, spans[0][0] if spans else len(text))
        for match in FUSED_MARKER.finditer(text):
            first_at.setdefault(match.group("a") or match.group("b"), match.start())
        return sorted(first_at, key=first_at.get)


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


HEADER_LOOKAHEAD = 4


def _dated_soon(lines: list[str], index: int) -> bool:
    """A date line among the next few lines (after source notes, markings, addressee)."""
    return any(parse_date_line(line) for line in lines[index + 1 : index + 1 + HEADER_LOOKAHEAD])


_CONTINUATION = re.compile(r"^(?:of|from|to|with|between|by)\s", re.IGNORECASE)


def _typed_soon(lines: list[str]) -> bool:
    """A heading with a type word among the page's next lines (the first line is then a
    blog post's title, not a heading without a type word)."""
    return any(parse_heading(line) for line in lines[1 : 1 + HEADER_LOOKAHEAD])


def _join_broken_heading(lines: list[str], index: int) -> tuple[str, int]:
    """A heading broken over lines ("... of the" / "RSFSR to ... Moshaver‐ol‐me‐" / "Malek",
    or "Record of conversation" / "with the ambassador ..."): (joined text, lines used)."""
    text, used = lines[index], 1
    while index + used < len(lines) and used < 3:
        hyphen = text.endswith(("-", "\u2010"))
        bare_type = used == 1 and bool(_BARE_TYPE.match(text))
        if bare_type and _CONTINUATION.match(lines[index + used]):
            text, used = f"{text} {lines[index + used]}", used + 1
            continue
        if not (hyphen or _DANGLING.search(text)):
            break
        following = lines[index + used]
        if not is_short(following, words=20) or parse_date_line(following):
            break
        if is_source_note(following) or _DISTRIBUTION.match(following):
            break
        text = f"{text}{following}" if hyphen else f"{text} {following}"
        used += 1
    return text, used


def find_headings(lines: list[str]) -> list[tuple[Heading, int, int]]:
    """(heading, first line, lines used) for every heading on the page.

    The first heading may be any heading form, or, when nothing else matches before a date
    line, the page's first line ("G. A. Astakhov to the NKID"). Later headings must be
    followed by a date line or carry a date, so that a sentence starting with "Conversation
    with ..." in the body does not cut a document in two.
    """
    found = []
    index = 0
    while index < len(lines):
        text, used = _join_broken_heading(lines, index)
        first = not found
        untyped = first and index == 0 and _dated_soon(lines, index) and not _typed_soon(lines)
        heading = parse_heading(text, untyped=untyped)
        if heading is None and used == 2:
            heading, used = parse_heading(lines[index]), 1
        if heading and not first:
            short = len(text) <= 300
            if not (short and (heading.date or _dated_soon(lines, index + used - 1))):
                heading = None
        if heading:
            found.append((heading, index, used))
            index += used
        else:
            index += 1
    return found


def parse_lines(lines: list[str], bad_spots: dict | None = None) -> list[ParsedDocument]:
    lines = content_lines(lines)
    headings = find_headings(lines)
    blocks: list[tuple[Heading, list[str]]] = []
    for number, (heading, start, used) in enumerate(headings):
        end = headings[number + 1][1] if number + 1 < len(headings) else len(lines)
        blocks.append((heading, lines[start + used : end]))
    if len(blocks) > 1 and not blocks[0][1]:
        blocks.pop(0)  # a title right above the real heading (a blog post's title)
    if headings and headings[0][1]:
        # "Top secret" or "Out of line" printed above the first heading belongs to it.
        above = [line for line in lines[: headings[0][1]] if markings_only(line) is not None]
        blocks[0] = (blocks[0][0], above + blocks[0][1])
    kept, earlier = [], []
    for heading, block_lines in blocks:
        if is_caption(heading, earlier, bool(block_lines)):
            continue
        earlier.append(heading)
        kept.append((heading, block_lines))
    return [
        _DocumentBuilder(
            heading, block_lines, is_last=index == len(kept) - 1, bad_spots=bad_spots
        ).build()
        for index, (heading, block_lines) in enumerate(kept)
    ]


def parse_page(page: PageText) -> ParsedPage:
    documents = parse_lines(page.lines, page.bad_spots)
    if not documents:
        raise PageError(
            "No document found on this page: no heading such as “Letter from …”, "
            "“Telegram of …”, “Record of the conversation …” or “From the diary of …”."
        )
    if all(not document.body for document in documents):
        raise PageError(
            f"The page holds only a heading (“{documents[0].heading[:80]}”) and no document "
            "text: nothing was imported."
        )
    for document in documents:
        document.warnings = page.warnings + document.warnings
    return ParsedPage(source_url=page.source_url, documents=documents, warnings=page.warnings)
