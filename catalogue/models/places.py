"""Places with their historical names (Angora for Ankara)."""

from concurrency.fields import AutoIncVersionField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from catalogue.text import name_key

from .authorities import AuthorityQuerySet, NameVariant, geonames_validator, wikidata_validator


class PlaceKind(models.TextChoices):
    CITY = "city", "City or town"
    DISTRICT = "district", "District"
    REGION = "region", "Region"
    COUNTRY = "country", "Country"
    RIVER = "river", "River"
    SEA = "sea", "Sea or strait"
    MOUNTAINS = "mountains", "Mountains"
    OTHER = "other", "Other"


class Place(models.Model):
    name = models.CharField(max_length=255, help_text="Preferred modern name.")
    slug = models.SlugField(max_length=255, unique=True)
    name_key = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField(max_length=20, choices=PlaceKind.choices, default=PlaceKind.CITY)
    country = models.CharField(
        "modern country", max_length=100, blank=True, help_text="As of today, e.g. “Turkey”."
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    description = models.TextField(blank=True)
    geonames_id = models.CharField(
        "GeoNames", max_length=20, blank=True, validators=[geonames_validator]
    )
    wikidata_id = models.CharField(
        "Wikidata", max_length=20, blank=True, validators=[wikidata_validator]
    )
    # When the record last changed (site maps give it as the page's lastmod).
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # Optimistic locking (django-concurrency): every save adds 1 and is refused when the row
    # moved on since it was loaded; edit forms carry it (see catalogue.edits).
    edit_version = AutoIncVersionField(help_text="Grows with every save; edit forms carry it.")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = AuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="place_coordinates_both_or_neither",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalogue:place-detail", kwargs={"slug": self.slug})


class PlaceName(NameVariant):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="variants")
    history = HistoricalRecords()

    class Meta(NameVariant.Meta):
        verbose_name = "name variant"
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="unique_place_variant")
        ]
