"""Documents, their correspondents and the authorities they mention."""

from concurrency.fields import AutoIncVersionField
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from catalogue.dates import EDTF_HELP, Precision, parse_date_range

from .collections import Archive, Collection
from .harvesting import WithdrawnDocument
from .people import Organisation, Person
from .places import Place
from .vocabularies import Classification, DocumentType, Language, Priority, Status, Theme

UNKNOWN_STATUS = object()


class DocumentQuerySet(models.QuerySet):
    def published(self):
        """What the public may see. Every public view, count, export and feed starts here."""
        return self.filter(status=Status.PUBLISHED)

    def drafts(self):
        return self.exclude(status=Status.PUBLISHED)

    def in_date_order(self):
        return self.order_by(models.F("date_start").asc(nulls_last=True), "date_end", "identifier")


class Document(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="documents")
    identifier = models.CharField(
        max_length=32,
        unique=True,
        blank=True,
        help_text="Stable identifier used in the permanent URL; assigned on first save.",
    )
    slug = models.SlugField(max_length=120, blank=True, help_text="Derived from the heading.")
    heading = models.TextField(help_text="As printed, typography included.")
    title = models.CharField(
        "short title",
        max_length=255,
        blank=True,
        help_text="A normalised title for lists and citations; the heading is used when empty.",
    )
    doc_type = models.CharField(
        "type", max_length=30, choices=DocumentType.choices, default=DocumentType.LETTER
    )
    is_extract = models.BooleanField(
        "extract", default=False, help_text="Printed as an extract (“from telegram …”)."
    )

    # Date: as written, its EDTF form, and the derived sortable range.
    date_written = models.CharField(
        "date as written", max_length=255, blank=True, help_text="e.g. “August 20‐26, 1939”"
    )
    date_edtf = models.CharField("date (EDTF)", max_length=64, blank=True, help_text=EDTF_HELP)
    date_start = models.DateField(null=True, blank=True, editable=False, db_index=True)
    date_end = models.DateField(null=True, blank=True, editable=False, db_index=True)
    date_precision = models.CharField(
        max_length=10, choices=Precision.CHOICES, blank=True, editable=False
    )
    date_uncertain = models.BooleanField(default=False, editable=False)
    date_approximate = models.BooleanField(default=False, editable=False)

    place_of_origin = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents_sent"
    )
    place_of_origin_as_written = models.CharField(max_length=255, blank=True)
    addressee_line = models.CharField(
        max_length=255, blank=True, help_text="The addressee as printed above the text."
    )
    reference_number = models.CharField(
        max_length=100, blank=True, help_text="Outgoing number as printed, e.g. “no. 11/930”."
    )
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.NONE
    )
    priority = models.CharField(max_length=20, choices=Priority.choices, default=Priority.NONE)
    marking_as_printed = models.CharField(
        "markings as printed",
        max_length=255,
        blank=True,
        help_text="Classification and priority as printed, e.g. “Out of line”, “top secret”.",
    )
    transmission = models.CharField(
        "transmission as printed",
        max_length=255,
        blank=True,
        help_text="How the document went, as the date line says: “Transmitted by telegraph on”.",
    )
    distribution = models.TextField(
        "distribution list", blank=True, help_text="e.g. “Sent to comrade Molotov, …”"
    )

    body = models.TextField(blank=True, help_text="As received, with footnote markers.")
    signature = models.CharField(max_length=255, blank=True, help_text="As printed.")
    signature_supplied = models.BooleanField(
        "signature supplied by editors",
        default=False,
        help_text="The signature is printed in square brackets: “[Chicherin]”.",
    )
    source_note = models.CharField(
        max_length=500, blank=True, help_text="As printed, e.g. “Print. By architect.”"
    )

    # Archival reference: as printed and parsed.
    archival_reference = models.CharField(
        max_length=255, blank=True, help_text="As printed: “avp rf, f.059, op.1, p.322, d.2216 …”"
    )
    archive = models.ForeignKey(
        Archive, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    fond = models.CharField(max_length=30, blank=True)
    opis = models.CharField(max_length=30, blank=True)
    papka = models.CharField(max_length=30, blank=True)
    delo = models.CharField(max_length=30, blank=True)
    folios = models.CharField(max_length=50, blank=True, help_text="listy, e.g. 161–162")

    # Printed source, e.g. Dokumenty vneshnei politiki SSSR, vol. 4, p. 270, doc. no. 187.
    printed_volume = models.CharField(max_length=30, blank=True)
    printed_page = models.CharField(max_length=30, blank=True)
    printed_number = models.CharField("printed document number", max_length=30, blank=True)
    printed_year = models.CharField(
        "year of the printed volume",
        max_length=20,
        blank=True,
        help_text="As on the volume’s title page, e.g. “1960”.",
    )

    original_language = models.CharField(
        max_length=10, choices=Language.choices, default=Language.RUSSIAN
    )
    translation_language = models.CharField(
        max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    translator = models.CharField(max_length=255, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="documents")

    source_url = models.URLField(
        max_length=500, blank=True, help_text="Web page the transcription was taken from."
    )
    import_checksum = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    import_warnings = models.JSONField(
        default=list, blank=True, help_text="Problems found on import, to resolve and clear."
    )
    editorial_note = models.TextField(blank=True, help_text="Internal; never shown publicly.")

    # Search index (issue 3), maintained by catalogue.search: never edited by hand.
    search_text = models.TextField(
        blank=True, editable=False, help_text="Folded text for the SQLite search fallback."
    )
    search_vector = SearchVectorField(null=True, editable=False)

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Optimistic locking (django-concurrency): every save adds 1 and is refused when the row
    # moved on since it was loaded; edit forms carry it (see catalogue.edits).
    edit_version = AutoIncVersionField(help_text="Grows with every save; edit forms carry it.")

    history = HistoricalRecords(
        excluded_fields=["updated_at", "search_text", "search_vector"], m2m_fields=[themes]
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["date_start", "identifier"]
        permissions = [("publish_document", "Can publish and unpublish documents")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_end__gte=models.F("date_start"))
                | models.Q(date_start__isnull=True)
                | models.Q(date_end__isnull=True),
                name="document_date_end_not_before_start",
                violation_error_message="The end date may not be before the start date.",
            ),
            models.CheckConstraint(
                condition=models.Q(date_start__isnull=True) | ~models.Q(date_edtf=""),
                name="document_date_range_needs_edtf",
                violation_error_message="A derived date range needs an EDTF date.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "date_start"], name="document_status_date"),
            # The importer's duplicate checks (catalogue.importers.persist.PageDuplicates):
            # the same date as written, or the same EDTF date, as a document on the page.
            models.Index(fields=["date_written"], name="document_date_written"),
            models.Index(fields=["date_edtf"], name="document_date_edtf"),
            # OAI-PMH lists published documents by datestamp (catalogue.oai).
            models.Index(
                fields=["updated_at", "identifier"],
                name="document_published_datestamp",
                condition=models.Q(status=Status.PUBLISHED),
            ),
        ]

    def __str__(self):
        return self.display_title

    def save(self, *args, **kwargs):
        self.derive_dates()
        if not self.slug:
            self.slug = slugify(self.display_title)[:120].strip("-") or "document"
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        was_published = self.was_published
        if was_published is None:
            was_published = type(self).objects.filter(pk=self.pk, status=Status.PUBLISHED).exists()
        super().save(*args, **kwargs)
        if not self.identifier:
            self.identifier = f"D{self.pk:06d}"
            type(self).objects.filter(pk=self.pk).update(identifier=self.identifier)
        self._status_in_db = self.status
        WithdrawnDocument.objects.follow(self, was_published)

    def get_absolute_url(self):
        return reverse("catalogue:document-detail", kwargs={"identifier": self.identifier})

    @property
    def display_title(self):
        return self.title or self.heading

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    @classmethod
    def from_db(cls, db, field_names, values):
        document = super().from_db(db, field_names, values)
        document._status_in_db = document.__dict__.get("status", UNKNOWN_STATUS)
        return document

    @property
    def was_published(self) -> bool | None:
        """Whether the row was published when this instance was loaded or last saved; None when
        that is not known (made in memory with a primary key, or loaded without its status)."""
        if self._state.adding:
            return False
        status = getattr(self, "_status_in_db", UNKNOWN_STATUS)
        return None if status is UNKNOWN_STATUS else status == Status.PUBLISHED

    def refresh_search_index(self):
        """Recompute this document's stored search text and vector (see catalogue.search)."""
        from catalogue.search import refresh_search_index

        refresh_search_index(type(self).objects.filter(pk=self.pk))

    def get_admin_url(self):
        return reverse("admin:catalogue_document_change", args=[self.pk])

    def clean(self):
        super().clean()
        try:
            self.derive_dates()
        except ValidationError as error:
            raise ValidationError({"date_edtf": error.messages}) from error

    def derive_dates(self):
        """Set the sortable range and precision from the EDTF date (cleared when empty)."""
        if not self.date_edtf:
            self.date_start = self.date_end = None
            self.date_precision = ""
            self.date_uncertain = self.date_approximate = False
            return
        derived = parse_date_range(self.date_edtf)
        self.date_start, self.date_end = derived.start, derived.end
        self.date_precision = derived.precision
        self.date_uncertain, self.date_approximate = derived.uncertain, derived.approximate

    @property
    def archival_location(self):
        """The archival reference as cited: "f. 059, op. 1, p. 322, d. 2216, l. 161–162"."""
        parts = [
            ("f.", self.fond),
            ("op.", self.opis),
            ("p.", self.papka),
            ("d.", self.delo),
            ("l.", self.folios),
        ]
        return ", ".join(f"{label} {value}" for label, value in parts if value)


def on_published_documents(links):
    """The rows of a link table (mentions, correspondents, theme links) whose document is
    published, as "not on an unpublished document": an anti-join with the small partial index
    of unpublished ids (migration 0007) rather than a semi-join with every published id."""
    unpublished = Document.objects.filter(pk=models.OuterRef("document_id")).exclude(
        status=Status.PUBLISHED
    )
    return links.filter(~models.Exists(unpublished))


class CorrespondentRole(models.TextChoices):
    AUTHOR = "author", "Author"
    SIGNATORY = "signatory", "Signatory"
    RECIPIENT = "recipient", "Recipient"
    COPY_RECIPIENT = "copy_recipient", "Copy recipient"
    INTERLOCUTOR = "interlocutor", "Interlocutor (other party of a conversation)"


def _exactly_one(*fields):
    """A Q that holds when exactly one of the nullable foreign keys is set."""
    condition = models.Q()
    for field in fields:
        others = {f"{other}__isnull": True for other in fields if other != field}
        condition |= models.Q(**{f"{field}__isnull": False}, **others)
    return condition


class Correspondent(models.Model):
    """A person or body in a role on a document, with the office the document gives them."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="correspondents")
    role = models.CharField(max_length=20, choices=CorrespondentRole.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="correspondence"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correspondence",
    )
    office_as_stated = models.CharField(
        max_length=500, blank=True, help_text="The office as the document states it."
    )
    name_as_printed = models.CharField(max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one("person", "organisation"),
                name="correspondent_person_xor_organisation",
                violation_error_message="Choose a person or an organisation (exactly one).",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.agent}"

    @property
    def agent(self):
        return self.person or self.organisation

    def clean(self):
        super().clean()
        if bool(self.person_id) == bool(self.organisation_id):
            raise ValidationError("Choose a person or an organisation (exactly one).")


class Mention(models.Model):
    """A person, body or place a document mentions."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    name_as_printed = models.CharField(
        max_length=255, blank=True, help_text="The spelling in the text, e.g. “angora”."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one("person", "organisation", "place"),
                name="mention_exactly_one_target",
                violation_error_message="A mention names exactly one person, body or place.",
            ),
            models.UniqueConstraint(
                fields=["document", "person"],
                condition=models.Q(person__isnull=False),
                name="unique_person_mention",
                violation_error_message="This person is already listed as mentioned.",
            ),
            models.UniqueConstraint(
                fields=["document", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="unique_organisation_mention",
                violation_error_message="This body is already listed as mentioned.",
            ),
            models.UniqueConstraint(
                fields=["document", "place"],
                condition=models.Q(place__isnull=False),
                name="unique_place_mention",
                violation_error_message="This place is already listed as mentioned.",
            ),
        ]

    def __str__(self):
        return str(self.target)

    @property
    def target(self):
        return self.person or self.organisation or self.place

    def clean(self):
        super().clean()
        if sum(bool(x) for x in (self.person_id, self.organisation_id, self.place_id)) != 1:
            raise ValidationError("Choose exactly one person, organisation or place.")
