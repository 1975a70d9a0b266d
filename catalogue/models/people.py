"""Persons, organisations and the offices persons held."""

from concurrency.fields import AutoIncVersionField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from catalogue.dates import EDTF_HELP, validate_edtf
from catalogue.text import name_key

from .authorities import (
    AuthorityQuerySet,
    NameVariant,
    viaf_validator,
    wikidata_validator,
)


class Person(models.Model):
    preferred_name = models.CharField(max_length=255, help_text="As a historian would cite it.")
    sort_name = models.CharField(
        max_length=255, help_text="Surname first, for alphabetical lists: “Chicherin, G. V.”"
    )
    slug = models.SlugField(max_length=255, unique=True)
    name_key = models.CharField(max_length=255, editable=False, db_index=True)
    birth = models.CharField(
        "born (EDTF)", max_length=64, blank=True, validators=[validate_edtf], help_text=EDTF_HELP
    )
    death = models.CharField(
        "died (EDTF)", max_length=64, blank=True, validators=[validate_edtf], help_text=EDTF_HELP
    )
    biography = models.TextField(blank=True)
    wikidata_id = models.CharField(
        "Wikidata", max_length=20, blank=True, validators=[wikidata_validator]
    )
    viaf_id = models.CharField("VIAF", max_length=30, blank=True, validators=[viaf_validator])
    # When the record last changed (site maps give it as the page's lastmod).
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # Optimistic locking (django-concurrency): every save adds 1 and is refused when the row
    # moved on since it was loaded; edit forms carry it (see catalogue.edits).
    edit_version = AutoIncVersionField(help_text="Grows with every save; edit forms carry it.")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = AuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name"]

    def __str__(self):
        return self.preferred_name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.preferred_name)
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalogue:person-detail", kwargs={"slug": self.slug})


class PersonName(NameVariant):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="variants")
    history = HistoricalRecords()

    class Meta(NameVariant.Meta):
        verbose_name = "name variant"
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="unique_person_variant")
        ]


class Organisation(models.Model):
    """A body acting as sender, recipient or subject: NKID, the Grand National Assembly ..."""

    name = models.CharField(max_length=255)
    abbreviation = models.CharField(max_length=50, blank=True)
    slug = models.SlugField(max_length=255, unique=True)
    name_key = models.CharField(max_length=255, editable=False, db_index=True)
    description = models.TextField(blank=True)
    wikidata_id = models.CharField(
        "Wikidata", max_length=20, blank=True, validators=[wikidata_validator]
    )
    viaf_id = models.CharField("VIAF", max_length=30, blank=True, validators=[viaf_validator])
    # When the record last changed (site maps give it as the page's lastmod).
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # Optimistic locking (django-concurrency): every save adds 1 and is refused when the row
    # moved on since it was loaded; edit forms carry it (see catalogue.edits).
    edit_version = AutoIncVersionField(help_text="Grows with every save; edit forms carry it.")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = AuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalogue:organisation-detail", kwargs={"slug": self.slug})


class OrganisationName(NameVariant):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="variants"
    )
    history = HistoricalRecords()

    class Meta(NameVariant.Meta):
        verbose_name = "name variant"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="unique_organisation_variant"
            )
        ]


class Office(models.Model):
    """An office a person held over a period, e.g. People's Commissar for Foreign Affairs."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="offices")
    title = models.CharField(max_length=255)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="offices"
    )
    start = models.CharField(
        "from (EDTF)", max_length=64, blank=True, validators=[validate_edtf], help_text=EDTF_HELP
    )
    end = models.CharField(
        "to (EDTF)", max_length=64, blank=True, validators=[validate_edtf], help_text=EDTF_HELP
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "start"]

    def __str__(self):
        period = "–".join(part for part in (self.start, self.end) if part)
        return f"{self.title} ({period})" if period else self.title
