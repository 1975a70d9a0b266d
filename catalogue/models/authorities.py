"""Shared pieces of the authority records (persons, organisations, places)."""

from django.core.validators import RegexValidator
from django.db import models

from catalogue.text import name_key

wikidata_validator = RegexValidator(r"^Q\d+$", "A Wikidata identifier looks like Q12345.")
viaf_validator = RegexValidator(r"^\d+$", "A VIAF identifier is a number.")
geonames_validator = RegexValidator(r"^\d+$", "A GeoNames identifier is a number.")


class NameVariant(models.Model):
    """A spelling under which an authority appears ("Angora", "Tchitcherine")."""

    name = models.CharField(max_length=255)
    key = models.CharField(
        max_length=255, editable=False, db_index=True, help_text="Folded form used for matching."
    )
    note = models.CharField(max_length=255, blank=True, help_text="Language, period or source.")

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = name_key(self.name)
        super().save(*args, **kwargs)


class AuthorityQuerySet(models.QuerySet):
    """Look-ups shared by persons, organisations and places."""

    variant_relation = "variants"

    def matching_name(self, name):
        """Records whose preferred name or any variant spells `name`, ignoring case and type."""
        key = name_key(name)
        if not key:
            return self.none()
        return self.filter(
            models.Q(name_key=key) | models.Q(**{f"{self.variant_relation}__key": key})
        ).distinct()
