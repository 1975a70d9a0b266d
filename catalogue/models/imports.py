"""Suggestions the importer leaves for names it could not match to an authority record.

The importer never creates a person, place or organisation on its own: a name in a heading,
signature or place line that matches no record (by name or variant, see
AuthorityQuerySet.matching_name) becomes a suggestion. The archivist links it to an existing
record (the spelling is then added as a variant, so the next import matches it) or has a new
record created; either way the correspondent, mention or place of origin is then added to the
document. Open suggestions for the same name on other documents are resolved together.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from catalogue.text import name_key

from .documents import Correspondent, CorrespondentRole, Document, Mention
from .people import Organisation, OrganisationName, Person, PersonName
from .places import Place, PlaceName
from .vocabularies import Status


class SuggestionKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    PLACE = "place", "Place"


class SuggestionRole(models.TextChoices):
    AUTHOR = CorrespondentRole.AUTHOR.value, "Author"
    SIGNATORY = CorrespondentRole.SIGNATORY.value, "Signatory"
    RECIPIENT = CorrespondentRole.RECIPIENT.value, "Recipient"
    INTERLOCUTOR = CorrespondentRole.INTERLOCUTOR.value, "Interlocutor"
    MENTION = "mention", "Mentioned"
    PLACE_OF_ORIGIN = "place_of_origin", "Place of origin"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    LINKED = "linked", "Linked to an existing record"
    CREATED = "created", "New record created"
    REJECTED = "rejected", "Rejected"


CORRESPONDENT_ROLES = {
    SuggestionRole.AUTHOR,
    SuggestionRole.SIGNATORY,
    SuggestionRole.RECIPIENT,
    SuggestionRole.INTERLOCUTOR,
}


class AuthoritySuggestionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=SuggestionStatus.OPEN)

    def same_name(self, suggestion):
        return self.filter(kind=suggestion.kind, name_key=suggestion.name_key)


class AuthoritySuggestion(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="authority_suggestions"
    )
    kind = models.CharField(max_length=20, choices=SuggestionKind.choices)
    role = models.CharField(max_length=20, choices=SuggestionRole.choices)
    name_as_printed = models.CharField(max_length=255)
    name_key = models.CharField(max_length=255, editable=False, db_index=True)
    office_as_stated = models.CharField(max_length=500, blank=True)
    reason = models.CharField(
        max_length=500,
        blank=True,
        help_text="Why the importer suggests this record, e.g. the office held on the date.",
    )
    # Mentions found by pattern or gazetteer (catalogue.importers.mentions): how sure the
    # importer is, the preferred name it proposes and, for a place, its GeoNames id.
    confidence = models.FloatField(null=True, blank=True, editable=False)
    suggested_name = models.CharField(max_length=255, blank=True)
    geonames_id = models.CharField("GeoNames", max_length=20, blank=True)
    status = models.CharField(
        max_length=20,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.OPEN,
        db_index=True,
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    place = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = AuthoritySuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["status", "name_key", "pk"]
        verbose_name = "authority suggestion"
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "role", "name_key"],
                name="unique_authority_suggestion",
            )
        ]

    def __str__(self):
        return f"{self.name_as_printed} ({self.get_kind_display()}, {self.get_role_display()})"

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name_as_printed)
        super().save(*args, **kwargs)

    @property
    def target(self):
        return getattr(self, self.kind)

    @property
    def is_open(self):
        return self.status == SuggestionStatus.OPEN

    def matching_records(self):
        """Existing records spelled like this name (or like the name the importer proposes)."""
        model = model_for(self.kind)
        found = model.objects.matching_name(self.name_as_printed)
        if self.suggested_name and not found.exists():
            found = model.objects.matching_name(self.suggested_name)
        return found

    # --- Resolving ---------------------------------------------------------------------------

    def link(self, record, user=None):
        """Link this name (and the same open name elsewhere) to an existing record."""
        if not isinstance(record, model_for(self.kind)):
            raise ValidationError(f"Choose a {self.get_kind_display().lower()}.")
        with transaction.atomic():
            add_variant(record, self.name_as_printed)
            self._resolve_all(record, SuggestionStatus.LINKED, user)

    def create_record(self, user=None):
        """Create a new record for this name, unless one now matches it (then link to that).

        Raises ValidationError when several records match: the archivist must choose.
        """
        proposed = self.target
        if proposed is not None:  # the record the importer proposed (a place by GeoNames id)
            self.link(proposed, user)
            return proposed
        matches = list(self.matching_records()[:2])
        if len(matches) > 1:
            raise ValidationError(
                f"“{self.name_as_printed}” matches several records; link it to one of them."
            )
        if matches:
            self.link(matches[0], user)
            return matches[0]
        with transaction.atomic():
            record = create_authority(self.kind, self.suggested_name or self.name_as_printed)
            if self.geonames_id and isinstance(record, Place):
                record.geonames_id = self.geonames_id
                record.save(update_fields=["geonames_id"])
            add_variant(record, self.name_as_printed)
            self._resolve_all(record, SuggestionStatus.CREATED, user)
        return record

    def reject(self, user=None):
        self.status = SuggestionStatus.REJECTED
        self.resolved_at, self.resolved_by = timezone.now(), user
        self.save(update_fields=["status", "resolved_at", "resolved_by"])

    def _resolve_all(self, record, status, user):
        others = AuthoritySuggestion.objects.open().same_name(self).exclude(pk=self.pk)
        for suggestion in [self, *others.select_related("document")]:
            suggestion._resolve(record, status, user)
            status = SuggestionStatus.LINKED  # the others link to the record made for this one

    def _resolve(self, record, status, user):
        setattr(self, self.kind, record)
        self.status = status
        self.resolved_at, self.resolved_by = timezone.now(), user
        self.save()
        self.apply_to_document(record, user)

    def apply_to_document(self, record, user=None):
        """Add the correspondent, mention or place of origin this suggestion stood for.

        A published document is not changed unless `user` may publish: the link is then
        proposed as a revision for an editor (issue 11: one path to the public)."""
        document = self.document
        if document.status == Status.PUBLISHED and not may_publish(user):
            from catalogue.revisions import propose_suggested_link

            propose_suggested_link(self, record, user)
            return
        if self.role == SuggestionRole.PLACE_OF_ORIGIN:
            if document.place_of_origin_id is None:
                document.place_of_origin = record
                document.save(update_fields=["place_of_origin"])
        elif self.role in CORRESPONDENT_ROLES:
            Correspondent.objects.get_or_create(
                document=document,
                role=self.role,
                **{self.kind: record},
                defaults={
                    "name_as_printed": self.name_as_printed[:255],
                    "office_as_stated": self.office_as_stated,
                    "order": document.correspondents.count(),
                },
            )
        else:
            Mention.objects.get_or_create(
                document=document,
                **{self.kind: record},
                defaults={"name_as_printed": self.name_as_printed[:255]},
            )


def may_publish(user) -> bool:
    return user is not None and user.has_perm("catalogue.publish_document")


def model_for(kind):
    return {
        SuggestionKind.PERSON: Person,
        SuggestionKind.ORGANISATION: Organisation,
        SuggestionKind.PLACE: Place,
    }[kind]


def add_variant(record, name):
    """Record a spelling as a variant, unless the record already answers to it."""
    key = name_key(name)
    if record.name_key == key or record.variants.filter(key=key).exists():
        return
    variant_model = {Person: PersonName, Organisation: OrganisationName, Place: PlaceName}
    relation = {Person: "person", Organisation: "organisation", Place: "place"}
    model = type(record)
    variant_model[model].objects.create(**{relation[model]: record, "name": name[:255]})


def unique_slug(model, name):
    base = slugify(name)[:240].strip("-") or model.__name__.lower()
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def sort_name(name):
    """ "G. V. Chicherin" -> "Chicherin, G. V."; a single word stays as it is."""
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name


def create_authority(kind, name):
    name = name.strip()[:255]
    model = model_for(kind)
    if model is Person:
        return Person.objects.create(
            preferred_name=name, sort_name=sort_name(name), slug=unique_slug(Person, name)
        )
    if model is Organisation:
        return Organisation.objects.create(name=name, slug=unique_slug(Organisation, name))
    return Place.objects.create(name=name, slug=unique_slug(Place, name))
