"""A document as unqualified Dublin Core (oai_dc), from the same CSL-JSON item as its citations.

The page's DC.* meta tags (catalogue.citations.metadata.dublin_core) give title, creator, date,
type, source, identifier, relation, language and publisher; harvesters get those, and the
recipients and translator as contributors, the heading as printed as a description, the themes
and the persons and bodies mentioned as subjects, and the places (of origin and mentioned) as
coverage. Never anything of a document the public cannot see.
"""

from django.db.models import Prefetch

from catalogue.citations import metadata, names
from catalogue.citations.csl import csl_item, for_citation
from catalogue.models import Mention
from catalogue.sourcenotes import gloss

DCMI_TEXT = "Text"


def documents_for_records(queryset):
    """What dc_fields reads, joined or prefetched: a constant number of queries per page."""
    return (
        for_citation(queryset)
        .select_related("place_of_origin")
        .prefetch_related(
            "themes",
            Prefetch(
                "mentions",
                queryset=Mention.objects.select_related("person", "organisation", "place"),
            ),
        )
    )


def dc_fields(document, url: str) -> list[tuple[str, str]]:
    """(element, value) pairs in the order of the oai_dc schema's element list."""
    item = csl_item(document, url=url)
    pairs = metadata.dublin_core(item, document.display_title)
    fields = [(name.removeprefix("DC."), value) for name, value in pairs]
    mentions = list(document.mentions.all())
    contributors = [names.natural(name) for name in item.get("recipient", [])]
    contributors += [names.natural(name) for name in item.get("translator", [])]
    subjects = [theme.name for theme in document.themes.all()]
    subjects += sorted({str(m.person or m.organisation) for m in mentions if not m.place_id})
    places = [document.place_of_origin.name] if document.place_of_origin else []
    places += sorted({m.place.name for m in mentions if m.place_id} - set(places))
    fields += [("contributor", value) for value in contributors]
    fields += [("subject", value) for value in subjects]
    fields += [("coverage", value) for value in places]
    fields += [("type", DCMI_TEXT)]
    if document.heading != document.display_title:
        fields += [("description", f"Heading as printed: {document.heading}")]
    if document.source_note:
        note = gloss(document.source_note)
        explained = f" ({note.text})" if note else ""
        fields += [("description", f"Source note as printed: {document.source_note}{explained}")]
    fields += [("format", "text/html")]
    return fields
