"""CMIF: the TEI Correspondence SIG's Correspondence Metadata Interchange Format (issue 15).

One TEI file with a `correspDesc` per published document: who sent it (`correspAction
type="sent"`: authors and signatories, the place of origin, the date) and to whom
(`type="received"`: recipients), persons with their VIAF or Wikidata URI, bodies as `orgName`,
places with their GeoNames URI. correspSearch (https://correspsearch.net) harvests such files.
The schema is https://github.com/TEI-Correspondence-SIG/CMIF (schema/cmi-customization.rng; a
copy is in tests/data/cmif/ and every test output is validated against it).

Dates come from the document's EDTF fields: a day, month or year known for certain is `when`
("1921-12-26", "1921-12", "1921"); a range ("1939-08-20/1939-08-26") or an uncertain or
approximate date ("1921-12-26?", "1921~") is `notBefore`/`notAfter` from the derived start
and end, with the date as written as the element's text. CMIF allows only YYYY, YYYY-MM and
YYYY-MM-DD.

The file is written as it is read (documents in chunks, each `correspDesc` serialised on its
own), so memory stays flat for a whole collection.
"""

import datetime
import uuid
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from lxml import etree

from catalogue.models import Collection, Correspondent, CorrespondentRole

TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_TEXT = "This file is licensed under the terms of the Creative Commons License CC-BY 4.0"
CHUNK_SIZE = 500
SENDER_ROLES = (CorrespondentRole.AUTHOR, CorrespondentRole.SIGNATORY)
RECIPIENT_ROLES = (CorrespondentRole.RECIPIENT,)
CONTENT_TYPE = "application/tei+xml; charset=utf-8"


def tei(tag: str, text: str = "", **attributes) -> etree._Element:
    element = etree.Element(f"{{{TEI}}}{tag}", nsmap={None: TEI})
    for name, value in attributes.items():
        if value:
            element.set(name, value)
    if text:
        element.text = text
    return element


def child(parent, tag: str, text: str = "", **attributes) -> etree._Element:
    element = tei(tag, text, **attributes)
    parent.append(element)
    return element


# --- Authorities ------------------------------------------------------------------------------


def authority_uri(record) -> str:
    """VIAF first (CMIF's first recommendation), else Wikidata."""
    if getattr(record, "viaf_id", ""):
        return f"http://viaf.org/viaf/{record.viaf_id}"
    if getattr(record, "wikidata_id", ""):
        return f"http://www.wikidata.org/entity/{record.wikidata_id}"
    return ""


def place_uri(place) -> str:
    return f"http://www.geonames.org/{place.geonames_id}" if place.geonames_id else ""


# --- Dates ------------------------------------------------------------------------------------


def date_attributes(document) -> dict[str, str]:
    """`when`, or `notBefore`/`notAfter`, from the document's EDTF fields; {} when undated."""
    if not document.date_start:
        return {}
    edtf = document.date_edtf
    exact = not (document.date_uncertain or document.date_approximate or "/" in edtf)
    if exact and _cmif_date(edtf):
        return {"when": edtf}
    start, end = document.date_start.isoformat(), document.date_end.isoformat()
    if start == end:
        return {"when": start} if exact else {"notBefore": start, "notAfter": end}
    return {"notBefore": start, "notAfter": end}


def _cmif_date(value: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD: the only forms CMIF accepts."""
    parts = value.split("-")
    lengths = [len(part) for part in parts]
    return all(part.isdigit() for part in parts) and lengths in ([4], [4, 2], [4, 2, 2])


# --- One document -----------------------------------------------------------------------------


def correspondents(document, roles) -> list:
    return [c for c in document.correspondents.all() if c.role in roles]


def party(parent, correspondent):
    if correspondent.person_id:
        person = correspondent.person
        child(parent, "persName", person.preferred_name, ref=authority_uri(person))
    else:
        body = correspondent.organisation
        child(parent, "orgName", body.name, ref=authority_uri(body))


def corresp_desc(document, url: str, source: str) -> etree._Element:
    """The `correspDesc` of one document; `source` is the xml:id of its collection's `bibl`."""
    desc = tei("correspDesc", ref=url, source=f"#{source}")
    if document.printed_number:
        desc.set("key", document.printed_number)
    sent = child(desc, "correspAction", type="sent")
    senders = correspondents(document, SENDER_ROLES)
    for correspondent in senders:
        party(sent, correspondent)
    if not senders:
        child(sent, "persName", "Unknown")
    if document.place_of_origin:
        place = document.place_of_origin
        child(sent, "placeName", place.name, ref=place_uri(place))
    dates = date_attributes(document)
    if dates:
        written = document.date_written if "when" not in dates else ""
        child(sent, "date", written, **dates)
    received = child(desc, "correspAction", type="received")
    recipients = correspondents(document, RECIPIENT_ROLES)
    for correspondent in recipients:
        party(received, correspondent)
    if not recipients:
        child(received, "persName", "Unknown")
    return desc


# --- The file ---------------------------------------------------------------------------------


def for_cmif(documents):
    """What corresp_desc reads, joined or prefetched: 2 queries per chunk of documents."""
    return (
        documents.select_related("place_of_origin")
        .only(
            "identifier",
            "collection_id",
            "date_edtf",
            "date_written",
            "date_start",
            "date_end",
            "date_uncertain",
            "date_approximate",
            "printed_number",
            "place_of_origin__name",
            "place_of_origin__geonames_id",
        )
        .prefetch_related(
            Prefetch(
                "correspondents",
                queryset=Correspondent.objects.filter(role__in=[*SENDER_ROLES, *RECIPIENT_ROLES])
                .select_related("person", "organisation")
                .order_by("order", "pk"),
            )
        )
    )


def source_id(collection) -> str:
    """A stable UUID for the collection's `bibl` (an xml:id must not start with a digit)."""
    return "c" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"collection:{collection.slug}"))


def header(title: str, file_url: str, site_url: str, collections, updated: datetime.datetime):
    """The TEI root with its `teiHeader`, empty `profileDesc` and minimal text."""
    root = tei("TEI")
    header = child(root, "teiHeader")
    file_desc = child(header, "fileDesc")
    title_stmt = child(file_desc, "titleStmt")
    child(title_stmt, "title", title)
    editor = child(title_stmt, "editor", f"The editors of {settings.SITE_NAME}")
    email = getattr(settings, "OAI_ADMIN_EMAIL", "")
    if email:
        child(editor, "email", email)
    publication = child(file_desc, "publicationStmt")
    child(child(publication, "publisher"), "ref", settings.SITE_NAME, target=site_url)
    child(publication, "idno", file_url, type="url")
    child(publication, "date", when=updated.isoformat(timespec="seconds"))
    child(child(publication, "availability"), "licence", LICENCE_TEXT, target=LICENCE_URL)
    source_desc = child(file_desc, "sourceDesc")
    if not collections:  # an empty selection still names where it comes from
        bibl = child(source_desc, "bibl", settings.SITE_NAME, type="online")
        bibl.set(XML_ID, "site")
        child(bibl, "ref", site_url, target=site_url)
    for collection in collections:
        bibl = child(source_desc, "bibl", collection.title, type="online")
        bibl.set(XML_ID, source_id(collection))
        child(bibl, "ref", f"{site_url.rstrip('/')}{collection.get_absolute_url()}").set(
            "target", f"{site_url.rstrip('/')}{collection.get_absolute_url()}"
        )
    child(header, "profileDesc")
    child(child(child(root, "text"), "body"), "p")
    return root


def stream(
    documents,
    *,
    title: str,
    file_url: str,
    site_url: str,
    url_for: Callable,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[str]:
    """The CMIF file for `documents` (already the public ones), piece by piece."""
    collection_ids = documents.order_by().values("collection_id").distinct()
    collections = list(Collection.objects.filter(pk__in=collection_ids).order_by("title"))
    sources = {collection.pk: source_id(collection) for collection in collections}
    root = header(title, file_url, site_url, collections, timezone.now())
    text = etree.tostring(root, encoding="unicode")
    before, after = text.split("<profileDesc/>")

    def written():
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield before + "<profileDesc>"
        with transaction.atomic(using=documents.db):
            for document in for_cmif(documents).iterator(chunk_size=chunk_size):
                desc = corresp_desc(document, url_for(document), sources[document.collection_id])
                yield "\n" + etree.tostring(desc, encoding="unicode").replace(
                    f' xmlns="{TEI}"', "", 1
                )
        yield "\n</profileDesc>" + after + "\n"

    return written()
