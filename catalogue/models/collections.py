"""Archives and the collections documents are published in."""

from concurrency.fields import AutoIncVersionField
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Archive(models.Model):
    """A repository holding originals, e.g. AVP RF."""

    name = models.CharField(max_length=255, help_text="Full name in English.")
    name_original = models.CharField(
        max_length=255, blank=True, help_text="Name in the original language, transliterated."
    )
    abbreviation = models.CharField(max_length=30, unique=True, help_text="e.g. AVP RF")
    place = models.CharField(max_length=100, blank=True, help_text="City, e.g. Moscow.")

    class Meta:
        ordering = ["abbreviation"]

    def __str__(self):
        return self.abbreviation


class Collection(models.Model):
    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    description = models.TextField(blank=True)
    series_title = models.CharField(
        "printed series", max_length=255, blank=True, help_text="The printed series drawn on."
    )
    series_title_translated = models.CharField(
        "printed series (English)", max_length=255, blank=True
    )
    series_volume = models.CharField(
        max_length=50, blank=True, help_text="Only if the whole collection is one volume."
    )
    series_publisher = models.CharField(max_length=255, blank=True)
    series_place = models.CharField(max_length=100, blank=True)
    series_year = models.CharField(max_length=20, blank=True, help_text="e.g. 1957–1977")
    archive = models.ForeignKey(
        Archive, on_delete=models.PROTECT, null=True, blank=True, related_name="collections"
    )
    url = models.URLField("web address", blank=True)
    # Optimistic locking (django-concurrency): every save adds 1 and is refused when the row
    # moved on since it was loaded; edit forms carry it (see catalogue.edits).
    edit_version = AutoIncVersionField(help_text="Grows with every save; edit forms carry it.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalogue:collection-detail", kwargs={"slug": self.slug})
