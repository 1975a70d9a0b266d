"""The XML of OAI-PMH responses, written with lxml."""

import datetime
import re

from django.conf import settings
from django.urls import reverse
from lxml import etree

from . import records
from .dublin_core import dc_fields
from .protocol import GRANULARITY, OAIError, Request, format_datestamp, resumption_token

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"

# metadataPrefix -> (schema, namespace)
FORMATS = {"oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC)}

DC_ORDER = [
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
]  # fmt: skip


# Characters XML 1.0 cannot carry; a harvester's argument may hold them (a NUL byte …).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """A harvester's text as it can be echoed in XML: characters XML forbids become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _q(name, namespace=OAI):
    return f"{{{namespace}}}{name}"


def _sub(parent, name, text=None, namespace=OAI, **attributes):
    element = etree.SubElement(parent, _q(name, namespace), **attributes)
    if text is not None:
        element.text = text
    return element


class Response:
    """One response envelope: responseDate, request, then the verb's element or errors."""

    def __init__(self, base_url: str, arguments: dict | None):
        self.root = etree.Element(_q("OAI-PMH"), nsmap={None: OAI, "xsi": XSI})
        self.root.set(_q("schemaLocation", XSI), f"{OAI} {OAI_SCHEMA}")
        now = datetime.datetime.now(datetime.UTC)
        _sub(self.root, "responseDate", format_datestamp(now))
        request = _sub(self.root, "request", base_url)
        for name, value in (arguments or {}).items():
            request.set(name, xml_safe(value))

    def body(self, verb):
        return _sub(self.root, verb)

    def error(self, error: OAIError):
        _sub(self.root, "error", xml_safe(error.message), code=error.code)

    def bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def error_response(base_url: str, error: OAIError, arguments: dict) -> bytes:
    response = Response(base_url, arguments if error.echoes_arguments else None)
    response.error(error)
    return response.bytes()


def check_prefix(prefix: str):
    if prefix not in FORMATS:
        raise OAIError(
            "cannotDisseminateFormat",
            f"“{prefix[:40]}” is not a metadata format here; see ListMetadataFormats.",
        )


def identify(response: Response, base_url: str):
    element = response.body("Identify")
    _sub(element, "repositoryName", settings.SITE_NAME)
    _sub(element, "baseURL", base_url)
    _sub(element, "protocolVersion", "2.0")
    _sub(element, "adminEmail", settings.OAI_ADMIN_EMAIL)
    _sub(element, "earliestDatestamp", format_datestamp(records.earliest_datestamp()))
    _sub(element, "deletedRecord", "persistent")
    _sub(element, "granularity", GRANULARITY)
    description = _sub(element, "description")
    oai_id = etree.SubElement(
        description, _q("oai-identifier", OAI_IDENTIFIER), nsmap={None: OAI_IDENTIFIER}
    )
    oai_id.set(
        _q("schemaLocation", XSI),
        f"{OAI_IDENTIFIER} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd",
    )
    _sub(oai_id, "scheme", "oai", OAI_IDENTIFIER)
    _sub(oai_id, "repositoryIdentifier", records.repository_identifier(), OAI_IDENTIFIER)
    _sub(oai_id, "delimiter", ":", OAI_IDENTIFIER)
    _sub(oai_id, "sampleIdentifier", records.oai_identifier("D000001"), OAI_IDENTIFIER)


def list_metadata_formats(response: Response, request: Request):
    if request.identifier:
        records.header(records.document_identifier(request.identifier))
    element = response.body("ListMetadataFormats")
    for prefix, (schema, namespace) in FORMATS.items():
        entry = _sub(element, "metadataFormat")
        _sub(entry, "metadataPrefix", prefix)
        _sub(entry, "schema", schema)
        _sub(entry, "metadataNamespace", namespace)


def list_sets(response: Response):
    found = records.sets()
    if not found:
        raise OAIError("noSetHierarchy", "This repository has no sets.")
    element = response.body("ListSets")
    for spec, name, description in found:
        entry = _sub(element, "set")
        _sub(entry, "setSpec", spec)
        _sub(entry, "setName", name)
        if description:
            _dublin_core(_sub(entry, "setDescription"), [("description", description)])


def _header(parent, header: records.Header):
    attributes = {"status": "deleted"} if header.deleted else {}
    element = _sub(parent, "header", **attributes)
    _sub(element, "identifier", records.oai_identifier(header.identifier))
    _sub(element, "datestamp", format_datestamp(header.datestamp))
    if header.set_spec:
        _sub(element, "setSpec", header.set_spec)


def _dublin_core(parent, fields):
    dc = etree.SubElement(parent, _q("dc", OAI_DC), nsmap={"oai_dc": OAI_DC, "dc": DC})
    dc.set(_q("schemaLocation", XSI), f"{OAI_DC} {FORMATS['oai_dc'][0]}")
    for name in DC_ORDER:
        for element, value in fields:
            if element == name and value:
                _sub(dc, name, value, DC)


def _record(parent, header, document, url_for):
    record = _sub(parent, "record")
    _header(record, header)
    if not header.deleted:  # a deleted record has a header only, never its content
        _dublin_core(_sub(record, "metadata"), dc_fields(document, url_for(document)))


def get_record(response: Response, request: Request, url_for):
    check_prefix(request.metadata_prefix)
    header = records.header(records.document_identifier(request.identifier))
    documents = records.documents_by_identifier([header] if not header.deleted else [])
    _record(response.body("GetRecord"), header, documents.get(header.identifier), url_for)


def list_records(response: Response, request: Request, url_for, batch_size: int):
    """ListIdentifiers (headers only) or ListRecords, one page and its resumption token."""
    check_prefix(request.metadata_prefix)
    records.check_set(request)
    page = records.headers(request, batch_size + 1)
    if not page and request.after is None:
        raise OAIError("noRecordsMatch", "No record matches these arguments.")
    more, page = len(page) > batch_size, page[:batch_size]
    total = request.total if request.total is not None else records.count(request)
    element = response.body(request.verb)
    if request.verb == "ListIdentifiers":
        for header in page:
            _header(element, header)
    else:
        documents = records.documents_by_identifier(page)
        for header in page:
            _record(element, header, documents.get(header.identifier), url_for)
    if more or request.after is not None:
        _resumption(element, request, page, more, total)


def _resumption(element, request, page, more, total):
    """The token of the next page, or on the last page of a resumed list an empty one."""
    cursor = request.cursor
    attributes = {"completeListSize": str(total), "cursor": str(cursor)}
    token = ""
    if more:
        last = page[-1]
        token = resumption_token(
            request, (last.datestamp.isoformat(), last.identifier), cursor + len(page), total
        )
    _sub(element, "resumptionToken", token, **attributes)


def base_url(request) -> str:
    return request.build_absolute_uri(reverse("catalogue:oai"))
