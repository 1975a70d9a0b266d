"""The catalogue's version and the log of what each version changed (see catalogue.versioning)."""

from django.db import models


class CatalogueVersion(models.Model):
    """One row: a number that grows with every change the public can see.

    It changes in the same transaction as the change itself, so whoever reads the data of a
    version also reads that version or a later one. Cached pages and derived indexes are keyed
    by it: no worker, cache backend or outage can serve what an older version showed.
    """

    SINGLETON = 1

    number = models.BigIntegerField()
    log_starts_at = models.BigIntegerField(
        help_text="The first version whose changes are all in the change log."
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "catalogue version"

    def __str__(self):
        return f"Catalogue version {self.number}"


class CatalogueChange(models.Model):
    """A record whose public appearance a version changed: what a derived index applies to
    catch up. `object_id` is empty when every record of the model may have changed (a bulk
    load), which asks for a rebuild."""

    version = models.BigIntegerField(db_index=True)
    model = models.CharField(max_length=40, help_text="Model name, e.g. “document”, “person”.")
    object_id = models.BigIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "pk"]

    def __str__(self):
        target = self.object_id if self.object_id is not None else "all"
        return f"v{self.version}: {self.model} {target}"
