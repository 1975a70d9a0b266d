"""Suggest "refers to" relations for an imported document (issue 15).

A body that names another catalogued document by its date and outgoing number ("our note of
May 13, 1921 no. 11/930") most likely refers to it. The importer calls `suggest_references`
once per new draft; each match becomes a DocumentRelation marked `suggested`, which the
archivist confirms (clears the mark) or deletes in the document's admin. Suggestions are never
public. Matching is deliberately strict: the number as printed must follow within a few words
of a date that parses to the same day as the other document's date.
"""

import re

from catalogue.dates import parse_date_range
from catalogue.importers.dates import DATE_PATTERNS, valid_edtf
from catalogue.importers.dates import _edtf as date_edtf
from catalogue.models import Document, DocumentRelation, RelationKind

# What may follow a cited date: "no. 11/930", ", No. 317", "under no. 11/930".
NUMBER_AFTER_DATE = re.compile(
    r"[,\s]+(?:\w+\s+){0,2}?(?:no\.|number|№)\s*(?P<number>\w[\w/.-]*\d[\w/-]*|\d[\w/-]*)",
    re.IGNORECASE,
)


def cited_documents(body: str) -> list[tuple]:
    """(day, number) pairs a body names, e.g. (date(1921, 5, 13), "11/930")."""
    found = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(body or ""):
            edtf = date_edtf(match)
            if "/" in edtf or not valid_edtf(edtf) or len(edtf) != len("1921-05-13"):
                continue
            number = NUMBER_AFTER_DATE.match(body, match.end())
            if number:
                day = parse_date_range(edtf).start
                found.append((day, number.group("number").rstrip(".")))
    return list(dict.fromkeys(found))


def suggest_references(document) -> list[DocumentRelation]:
    """Create the suggested "refers to" relations of `document`; returns the new ones."""
    created = []
    for day, number in cited_documents(document.body):
        targets = (
            Document.objects.filter(date_start=day, date_end=day)
            .filter(reference_number__iregex=rf"(^|[^\w/]){re.escape(number)}($|[^\w/])")
            .exclude(pk=document.pk)
        )
        for target in targets:
            relation, was_created = DocumentRelation.objects.get_or_create(
                source=document,
                target=target,
                kind=RelationKind.REFERS_TO,
                defaults={"suggested": True, "note": f"Suggested on import: “{number}”."},
            )
            if was_created:
                created.append(relation)
    return created
