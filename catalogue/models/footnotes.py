"""Editorial footnotes attached to a document by their printed marker."""

from django.db import models
from simple_history.models import HistoricalRecords

from .documents import Document
from .people import Person
from .places import Place


class FootnoteKind(models.TextChoices):
    EDITORIAL = "editorial", "Editorial commentary"
    BIOGRAPHICAL = "biographical", "Biographical"
    CROSS_REFERENCE = "cross_reference", "Cross-reference"
    TEXTUAL = "textual", "Textual"


class Footnote(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="footnotes")
    marker = models.CharField(max_length=10, help_text="As printed: “1”, “*”, “**”, “[1]”.")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    kind = models.CharField(
        max_length=20, choices=FootnoteKind.choices, default=FootnoteKind.EDITORIAL
    )
    persons = models.ManyToManyField(Person, blank=True, related_name="footnotes")
    places = models.ManyToManyField(Place, blank=True, related_name="footnotes")
    history = HistoricalRecords(m2m_fields=[persons, places])

    class Meta:
        ordering = ["document", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "marker"],
                name="unique_footnote_marker",
                violation_error_message="This document already has a footnote with this marker.",
            ),
        ]

    def __str__(self):
        return f"[{self.marker}] {self.text[:60]}"
