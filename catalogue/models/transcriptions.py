"""Other transcriptions of a catalogued document, found by the importer on another site.

The collection is published on two sites, each with its own machine-assisted translation. An
imported page whose document is already catalogued from the other site (same date, and the
same reference number or a close heading) is not created a second time: its text is kept
here, beside the document, for the archivist to accept (as another transcription of it) or
reject (when it is in fact a different document, which can then be imported on its own).
"""

from django.conf import settings
from django.db import models


class TranscriptionStatus(models.TextChoices):
    OPEN = "open", "Awaiting a decision"
    ACCEPTED = "accepted", "Accepted as another transcription"
    REJECTED = "rejected", "Rejected: not the same document"


class OtherTranscription(models.Model):
    """The same document as transcribed on another page (another site, other wording)."""

    document = models.ForeignKey(
        "catalogue.Document", on_delete=models.CASCADE, related_name="other_transcriptions"
    )
    source_url = models.URLField(max_length=500, blank=True)
    heading = models.TextField(help_text="As printed on the other page.")
    date_written = models.CharField(max_length=255, blank=True)
    reference_number = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True, help_text="As received, with footnote markers.")
    import_checksum = models.CharField(max_length=64, db_index=True, editable=False)
    match_reason = models.CharField(max_length=255, help_text="Why the importer took it for "
                                    "the same document.")  # fmt: skip
    similarity = models.FloatField(help_text="Heading similarity, 0 to 1.")
    status = models.CharField(
        max_length=20,
        choices=TranscriptionStatus.choices,
        default=TranscriptionStatus.OPEN,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = "other transcription"
        constraints = [
            models.UniqueConstraint(
                fields=["document", "import_checksum"], name="unique_other_transcription"
            )
        ]

    def __str__(self):
        return f"{self.heading[:80]} ({self.source_url or 'no address'})"
