"""Revisions: changes proposed to a published document, waiting for an editor.

Someone who may not publish cannot change what the public sees. When they save a published
document, what they submitted (the document's fields and every inline: correspondents,
mentions, footnotes, page images) is kept here as a JSON snapshot, beside the public version
it started from. An editor compares the two side by side and publishes the revision (its
snapshot becomes the document, see catalogue.revisions.publish_revision) or sends it back
with a comment for its author. The live document is never touched until then.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .documents import Document


class RevisionState(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    PUBLISHED = "published", "Published"
    SENT_BACK = "sent_back", "Sent back"


class RevisionQuerySet(models.QuerySet):
    def pending(self):
        """Revisions an editor has still to publish or send back."""
        return self.filter(state=RevisionState.PENDING)

    def of(self, document):
        return self.filter(document=document)


class Revision(models.Model):
    """The state of a published document as someone without the right to publish saved it."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    snapshot = models.JSONField(
        encoder=DjangoJSONEncoder,
        help_text="The document's fields and inlines as submitted (catalogue.revisions).",
    )
    base = models.JSONField(
        encoder=DjangoJSONEncoder,
        help_text="The public version the revision was made from.",
    )
    base_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The document's edit version the revision was made from (unknown for "
        "revisions made before it was recorded).",
    )
    change_summary = models.TextField(blank=True, help_text="What the form said was changed.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="Last saved by its author.")
    state = models.CharField(
        max_length=20, choices=RevisionState.choices, default=RevisionState.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewer_comment = models.TextField(
        blank=True, help_text="Why the revision was sent back; its author sees it."
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "document"], name="revision_state_document")]

    def __str__(self):
        return f"Revision of {self.document.identifier} by {self.author or 'unknown'}"

    def get_absolute_url(self):
        """The review page (the admin's change page of the revision)."""
        return reverse("admin:catalogue_revision_change", args=[self.pk])

    @property
    def is_pending(self):
        return self.state == RevisionState.PENDING

    def send_back(self, user, comment: str):
        """Return the revision to its author with the editor's comment; the document stays."""
        comment = (comment or "").strip()
        if not self.is_pending:
            raise ValidationError("This revision was already reviewed.")
        if not comment:
            raise ValidationError("Say what should change: the author sees this comment.")
        self._reviewed(user, RevisionState.SENT_BACK, comment)

    def mark_published(self, user):
        """Record the review; catalogue.revisions.publish_revision applies the snapshot."""
        self._reviewed(user, RevisionState.PUBLISHED, self.reviewer_comment)

    def _reviewed(self, user, state, comment):
        self.state, self.reviewer_comment = state, comment
        self.reviewed_by, self.reviewed_at = user, timezone.now()
        self.save(update_fields=["state", "reviewer_comment", "reviewed_by", "reviewed_at"])
