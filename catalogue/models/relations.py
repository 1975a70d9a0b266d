"""Typed, directional relations between documents: a reply, an enclosure, the other side's
record of the same conversation, a reference.

One row states a relation once, from its source: "D000007 refers to D000006". The target shows
the inverse ("is referred to by D000007") without a second row. "Another record of the same
conversation or event" is symmetric and reads the same from both ends.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Greatest, Least
from simple_history.models import HistoricalRecords

from .documents import Document
from .vocabularies import Status


class RelationKind(models.TextChoices):
    REPLIES_TO = "replies_to", "Replies to"
    ENCLOSES = "encloses", "Encloses"
    SAME_EVENT = "same_event", "Another record of the same conversation or event"
    REFERS_TO = "refers_to", "Refers to"


# What the target of a relation says of its source: (key, label).
INVERSES = {
    RelationKind.REPLIES_TO: ("replied_to_by", "Is replied to by"),
    RelationKind.ENCLOSES: ("enclosed_in", "Is enclosed in"),
    RelationKind.SAME_EVENT: ("same_event", RelationKind.SAME_EVENT.label),
    RelationKind.REFERS_TO: ("referred_to_by", "Is referred to by"),
}
SYMMETRIC_KINDS = {RelationKind.SAME_EVENT}


class DocumentRelationQuerySet(models.QuerySet):
    def public(self):
        """Relations the public may see: both ends published, and confirmed by an archivist
        (a suggestion of the importer is not shown until its check box is cleared)."""
        return self.filter(
            source__status=Status.PUBLISHED, target__status=Status.PUBLISHED, suggested=False
        )

    def of_document(self, document):
        return self.filter(models.Q(source=document) | models.Q(target=document))


class DocumentRelation(models.Model):
    """`source` <kind> `target`, e.g. a telegram replies to a note."""

    source = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="relations_out")
    kind = models.CharField(max_length=20, choices=RelationKind.choices)
    target = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="relations_in",
        verbose_name="related document",
    )
    note = models.CharField(
        max_length=500, blank=True, help_text="Why, in a few words (shown on the reading page)."
    )
    suggested = models.BooleanField(
        "suggested by the importer",
        default=False,
        help_text="Found by the importer; clear to confirm (suggestions are not public).",
    )
    history = HistoricalRecords()

    objects = DocumentRelationQuerySet.as_manager()

    class Meta:
        ordering = ["source", "kind", "target"]
        verbose_name = "relation to another document"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")),
                name="relation_not_to_itself",
                violation_error_message="A document cannot be related to itself.",
            ),
            models.UniqueConstraint(
                Least("source", "target"),
                Greatest("source", "target"),
                "kind",
                name="relation_once_per_pair_and_kind",
                violation_error_message="These two documents already have a relation of this "
                "kind (in one direction or the other).",
            ),
        ]

    def __str__(self):
        kind = self.get_kind_display().lower()
        return f"{self.source.identifier} {kind} {self.target.identifier}"

    @property
    def document_id(self):
        """The document this row belongs to, for the catalogue version (catalogue.versioning):
        a relation is public only if its source is published."""
        return self.source_id

    @property
    def inverse_label(self) -> str:
        return INVERSES[self.kind][1]

    def clean(self):
        super().clean()
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError("A document cannot be related to itself.")


@dataclass(frozen=True)
class RelatedDocument:
    """One relation as a document shows it: "Replies to D000006" from the source,
    "Is replied to by D000007" from the target."""

    key: str  # replies_to, replied_to_by, encloses, enclosed_in, same_event, refers_to …
    label: str
    document: Document
    note: str


def related_documents(document, relations) -> list[RelatedDocument]:
    """Each relation of `document` read from its own side, by label then date."""
    rows = []
    for relation in relations:
        if relation.source_id == document.pk:
            kind = RelationKind(relation.kind)
            rows.append(RelatedDocument(kind.value, kind.label, relation.target, relation.note))
        else:
            key, label = INVERSES[relation.kind]
            rows.append(RelatedDocument(key, label, relation.source, relation.note))
    return sorted(rows, key=_in_date_order)


def _in_date_order(row):
    start = row.document.date_start
    return (row.label, start is None, start or datetime.date.min, row.document.identifier)


RELATED_FIELDS = ("identifier", "heading", "title", "slug", "date_edtf", "date_start", "status")


def public_relation_prefetches():
    """Prefetches that put a document's public relations on `public_relations_out` and
    `public_relations_in` (two queries for a whole page or export chunk)."""
    relations = DocumentRelation.objects.public()
    return (
        models.Prefetch(
            "relations_out",
            queryset=relations.select_related("target").only(
                "source", "kind", "note", *(f"target__{f}" for f in RELATED_FIELDS)
            ),
            to_attr="public_relations_out",
        ),
        models.Prefetch(
            "relations_in",
            queryset=relations.select_related("source").only(
                "target", "kind", "note", *(f"source__{f}" for f in RELATED_FIELDS)
            ),
            to_attr="public_relations_in",
        ),
    )


def public_relations(document) -> list:
    """`document`'s relations the public may see, each as (label, other document, relation),
    from the prefetches above when made, else in one query."""
    if hasattr(document, "public_relations_out"):
        relations = [*document.public_relations_out, *document.public_relations_in]
    else:
        relations = list(
            DocumentRelation.objects.public()
            .of_document(document)
            .select_related("source", "target")
        )
    return related_documents(document, relations)
