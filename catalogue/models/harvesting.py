"""What harvesters must be told after the public has lost a document.

OAI-PMH promises that a record once given out is reported as deleted for ever
(``deletedRecord`` = persistent): a document that was published and no longer is, because an
editor withdrew it or someone deleted it, keeps a row here with the moment it was withdrawn.
Republishing removes the row. Drafts that were never public never get one.
"""

from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from .collections import Collection
from .vocabularies import Status


class WithdrawnDocumentQuerySet(models.QuerySet):
    def follow(self, document, was_published: bool):
        """Keep the record in step with a document just saved: withdrawn when it leaves the
        public (at that moment), forgotten when it is published again."""
        if document.status == Status.PUBLISHED:
            self.filter(identifier=document.identifier).delete()
        elif was_published:
            self.withdraw(document)

    def withdraw(self, document):
        self.update_or_create(
            identifier=document.identifier,
            defaults={"withdrawn_at": timezone.now(), "collection_id": document.collection_id},
        )


class WithdrawnDocument(models.Model):
    """A document the public could once see and no longer can (a tombstone for harvesters)."""

    identifier = models.CharField(max_length=32, unique=True)
    withdrawn_at = models.DateTimeField(db_index=True)
    collection = models.ForeignKey(
        Collection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = WithdrawnDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["withdrawn_at", "identifier"]

    def __str__(self):
        return f"{self.identifier} (withdrawn {self.withdrawn_at:%Y-%m-%d})"


@receiver(post_delete, sender="catalogue.Document", dispatch_uid="withdraw-deleted-document")
def withdraw_deleted_document(sender, instance, **kwargs):
    """A published document deleted outright is withdrawn, not silently forgotten."""
    if instance.status == Status.PUBLISHED and instance.identifier:
        WithdrawnDocument.objects.withdraw(instance)
