from .collections import Archive, Collection
from .documents import (
    Correspondent,
    CorrespondentRole,
    Document,
    DocumentQuerySet,
    Mention,
    on_published_documents,
)
from .footnotes import Footnote, FootnoteKind
from .harvesting import WithdrawnDocument
from .imports import (  # noqa: F401  (issue 5: the importer's suggestions)
    AuthoritySuggestion,
    SuggestionKind,
    SuggestionRole,
    SuggestionStatus,
)
from .pages import SitePage
from .people import Office, Organisation, OrganisationName, Person, PersonName
from .places import Place, PlaceKind, PlaceName
from .relations import (
    DocumentRelation,
    RelatedDocument,
    RelationKind,
    public_relation_prefetches,
    public_relations,
)
from .revisions import Revision, RevisionState
from .scans import Rights, Scan
from .transcriptions import OtherTranscription, TranscriptionStatus  # noqa: F401
from .versions import CatalogueChange, CatalogueVersion
from .vocabularies import (
    Classification,
    DocumentType,
    Language,
    Priority,
    Status,
    Theme,
)

__all__ = [
    "Archive",
    "CatalogueChange",
    "CatalogueVersion",
    "Classification",
    "Collection",
    "Correspondent",
    "CorrespondentRole",
    "Document",
    "DocumentQuerySet",
    "DocumentRelation",
    "DocumentType",
    "Footnote",
    "FootnoteKind",
    "Language",
    "Mention",
    "Office",
    "Organisation",
    "OrganisationName",
    "Person",
    "PersonName",
    "Place",
    "PlaceKind",
    "PlaceName",
    "Priority",
    "Revision",
    "RevisionState",
    "RelatedDocument",
    "RelationKind",
    "Rights",
    "Scan",
    "SitePage",
    "Status",
    "Theme",
    "WithdrawnDocument",
    "on_published_documents",
    "public_relation_prefetches",
    "public_relations",
]
