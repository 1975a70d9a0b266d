"""The API's response shapes (documented in the OpenAPI schema).

DocumentDetail is meant to grow: a branch adding, say, relations between documents adds a field
here and fills it in catalogue.api.serialise.document_detail.
"""

from ninja import Schema


class Problem(Schema):
    detail: list[str]


class Link(Schema):
    """An authority or collection as other records point at it."""

    kind: str  # person, organisation, place, collection
    slug: str
    name: str
    url: str  # its public page
    api_url: str


class Party(Link):
    """An author or recipient with the office the document states."""

    role: str
    office_as_stated: str = ""
    name_as_printed: str = ""


class DocumentDate(Schema):
    as_written: str = ""
    edtf: str = ""
    start: str | None = None  # ISO date, for sorting and filtering
    end: str | None = None


class DocumentSummary(Schema):
    identifier: str
    url: str
    api_url: str
    title: str
    heading: str
    type: str
    type_label: str
    is_extract: bool
    date: DocumentDate
    authors: list[Party]
    recipients: list[Party]
    collection: str


class Footnote(Schema):
    marker: str
    text: str


class ArchivalReference(Schema):
    as_printed: str = ""
    archive: str = ""
    archive_name: str = ""
    fond: str = ""
    opis: str = ""
    papka: str = ""
    delo: str = ""
    folios: str = ""
    cited_as: str = ""


class PrintedSource(Schema):
    series: str = ""
    volume: str = ""
    page: str = ""
    number: str = ""
    year: str = ""


class SourceNote(Schema):
    as_printed: str
    gloss: str | None = None


class RelatedDocument(Schema):
    """Another published document and how this one relates to it, read from this side."""

    relation: str  # replies_to, replied_to_by, encloses, enclosed_in, same_event, refers_to …
    label: str
    identifier: str
    title: str
    url: str
    api_url: str
    note: str = ""


class DocumentDetail(DocumentSummary):
    place_of_origin: Link | None = None
    place_of_origin_as_written: str = ""
    addressee_line: str = ""
    reference_number: str = ""
    classification: str
    priority: str
    markings_as_printed: str = ""
    distribution: str = ""
    body: str
    signature: str = ""
    signature_supplied: bool = False
    source_note: SourceNote | None = None
    archival_reference: ArchivalReference
    printed_source: PrintedSource | None = None
    original_language: str
    translation_language: str
    translator: str = ""
    themes: list[str]
    footnotes: list[Footnote]
    persons_mentioned: list[Link]
    organisations_mentioned: list[Link]
    places_mentioned: list[Link]
    related: list[RelatedDocument]
    csl: dict
    citation_downloads: dict[str, str]


class Page(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    next: str | None
    previous: str | None


class DocumentPage(Page):
    results: list[DocumentSummary]


class FacetValue(Schema):
    value: str
    label: str
    count: int
    selected: bool


class Facet(Schema):
    name: str
    label: str
    values: list[FacetValue]
    has_more: bool


class Office(Schema):
    title: str
    organisation: str = ""
    person: str = ""
    start: str = ""
    end: str = ""


class AuthoritySummary(Schema):
    slug: str
    name: str
    url: str
    api_url: str


class PersonDetail(AuthoritySummary):
    sort_name: str
    variants: list[str]
    birth: str = ""
    death: str = ""
    biography: str = ""
    wikidata_id: str = ""
    viaf_id: str = ""
    offices: list[Office]
    documents: dict[str, str]


class OrganisationDetail(AuthoritySummary):
    abbreviation: str = ""
    variants: list[str]
    description: str = ""
    wikidata_id: str = ""
    viaf_id: str = ""
    offices: list[Office]
    documents: dict[str, str]


class PlaceDetail(AuthoritySummary):
    variants: list[str]
    kind: str
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    description: str = ""
    geonames_id: str = ""
    wikidata_id: str = ""
    documents: dict[str, str]


class CollectionDetail(AuthoritySummary):
    description: str = ""
    series_title: str = ""
    series_title_translated: str = ""
    series_publisher: str = ""
    series_place: str = ""
    series_year: str = ""
    archive: str = ""
    published_documents: int
    documents: str


class AuthorityPage(Page):
    results: list[AuthoritySummary]
