"""Page metadata for reference managers, rendered from the CSL-JSON item.

Zotero's connector reads Highwire ``citation_*`` and Dublin Core ``DC.*`` meta tags from a page
head; search engines and other harvesters read schema.org JSON-LD. All three come from the one
CSL-JSON item, so they never disagree with the downloads.
"""

import json

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import dates, names, titles

# Characters that could end the <script> element or open markup inside it, written as JSON escapes.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _archive_source(item: dict) -> str:
    parts = (item.get("archive"), item.get("archive-place"), item.get("archive_location"))
    return ", ".join(part for part in parts if part)


def _printed_source(item: dict) -> str:
    if not item.get("container-title"):
        return ""
    parts = [item["container-title"]]
    volume = item.get("volume", "")
    if "event-date" in item:  # issued is then the printed volume's year
        volume = f"{volume} ({dates.year(item.get('issued'))})".strip()
    parts += [f"vol. {volume}"] if volume else []
    parts += [f"no. {item['number']}"] if item.get("number") else []
    parts += [f"p. {item['page']}"] if item.get("page") else []
    return ", ".join(parts)


def highwire(item: dict, title: str = "") -> list[tuple[str, str]]:
    """`title`: the page's own title of the document, where it has one (else the item's)."""
    issued = dates.document_date(item)
    pairs = [("citation_title", title or titles.title(item))]
    pairs += [("citation_author", names.inverted(name)) for name in item.get("author", [])]
    pairs += [
        ("citation_date", dates.slashed_date(issued)),
        ("citation_publication_date", dates.slashed_date(issued)),
        ("citation_publisher", settings.SITE_NAME),
        ("citation_archive", item.get("archive", "")),
        ("citation_archive_location", item.get("archive_location", "")),
        ("citation_series_title", item.get("container-title", "")),
        ("citation_volume", item.get("volume", "")),
        ("citation_firstpage", item.get("page", "")),
        ("citation_technical_report_number", item.get("number", "")),
        ("citation_language", item.get("language", "")),
        ("citation_public_url", item.get("URL", "")),
    ]
    return [(name, value) for name, value in pairs if value]


def dublin_core(item: dict, title: str = "") -> list[tuple[str, str]]:
    pairs = [("DC.title", title or titles.title(item))]
    pairs += [("DC.creator", names.inverted(name)) for name in item.get("author", [])]
    pairs += [
        ("DC.date", dates.iso_date(dates.document_date(item))),
        ("DC.type", item.get("genre", "")),
        ("DC.source", _archive_source(item)),
        ("DC.source", _printed_source(item)),
        ("DC.identifier", item.get("URL", "")),
        ("DC.identifier", item["id"]),
        ("DC.relation", item.get("collection-title", "")),
        ("DC.language", item.get("language", "")),
        ("DC.publisher", settings.SITE_NAME),
    ]
    return [(name, value) for name, value in pairs if value]


def _schema_person(name: dict) -> dict:
    if "literal" in name:
        return {"@type": "Organization", "name": name["literal"]}
    return {
        "@type": "Person",
        "name": names.natural(name),
        "familyName": name.get("family", ""),
        "givenName": name.get("given", ""),
    }


# Relations between documents (CSL-JSON ``custom.relations``) as schema.org properties of a
# CreativeWork. schema.org has none for "is replied to by", "is referred to by" or "another
# record of the same event"; those stay on the page and in the API.
SCHEMA_RELATIONS = {
    "replies_to": "parentItem",  # "the parent of a question, answer or item in general"
    "encloses": "hasPart",
    "enclosed_in": "isPartOf",
    "refers_to": "citation",
}


def json_ld(item: dict, title: str = "") -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": ["ArchiveComponent", "Message"],
        "@id": item.get("URL"),
        "url": item.get("URL"),
        "identifier": item["id"],
        "name": title or titles.title(item),
        "genre": item.get("genre"),
        "sender": [_schema_person(name) for name in item.get("author", [])],
        "recipient": [_schema_person(name) for name in item.get("recipient", [])],
        "translator": [_schema_person(name) for name in item.get("translator", [])],
        "dateCreated": dates.iso_date(dates.document_date(item)),
        "inLanguage": item.get("language"),
        "itemLocation": item.get("archive_location"),
        "isPartOf": {"@type": "Collection", "name": item["collection-title"]}
        if item.get("collection-title")
        else None,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
    }
    for relation in item.get("custom", {}).get("relations", []):
        prop = SCHEMA_RELATIONS.get(relation["relation"])
        if prop:
            linked = {"@id": relation["URL"], "identifier": relation["id"]}
            present = data.get(prop)
            data[prop] = (
                [*(present if isinstance(present, list) else [present]), linked]
                if present
                else [linked]
            )
    if item.get("archive"):
        data["holdingArchive"] = {
            "@type": "ArchiveOrganization",
            "name": item["archive"],
            "address": item.get("archive-place") or None,
        }
    return {key: value for key, value in data.items() if value}


def json_ld_script(item: dict, title: str = "") -> str:
    """The JSON-LD block; characters that could close the script are escaped."""
    text = json.dumps(json_ld(item, title), ensure_ascii=False, indent=2).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def head_html(item: dict, title: str = "") -> str:
    """Meta tags and JSON-LD; `title` is the document's title on the page (untitled letters
    have none in CSL, but a page and its meta tags should name them as the page does)."""
    tags = format_html_join(
        "\n", '<meta name="{}" content="{}">', highwire(item, title) + dublin_core(item, title)
    )
    schema = format_html('<link rel="schema.DC" href="{}">', "http://purl.org/dc/elements/1.1/")
    return format_html("{}\n{}\n{}", schema, tags, json_ld_script(item, title))
