"""Controlled vocabularies: document types, classifications, statuses, languages, themes."""

from django.db import models


class DocumentType(models.TextChoices):
    LETTER = "letter", "Letter"
    TELEGRAM = "telegram", "Telegram"
    NOTE = "note", "Note"
    RECORD_OF_CONVERSATION = "record_of_conversation", "Record of conversation"
    DIARY_ENTRY = "diary_entry", "Diary entry"
    MEMORANDUM = "memorandum", "Memorandum"
    REPORT = "report", "Report"
    MINUTES = "minutes", "Minutes"
    TREATY = "treaty", "Treaty"
    SPEECH = "speech", "Speech"
    STATEMENT = "statement", "Statement"
    COMMUNIQUE = "communique", "Communiqué"
    OTHER = "other", "Other"


class Classification(models.TextChoices):
    NONE = "none", "None"
    SECRET = "secret", "Secret"
    TOP_SECRET = "top_secret", "Top secret"


class Priority(models.TextChoices):
    NONE = "none", "None"
    URGENT = "urgent", "Urgent (“out of line”, vne ocheredi)"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


class Language(models.TextChoices):
    RUSSIAN = "ru", "Russian"
    ENGLISH = "en", "English"
    TURKISH = "tr", "Turkish"
    FRENCH = "fr", "French"
    GERMAN = "de", "German"
    PERSIAN = "fa", "Persian"
    UKRAINIAN = "uk", "Ukrainian"
    OTHER = "other", "Other"


class ThemeManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Theme(models.Model):
    """A theme or region the collection is organised by (Turkey, Balkans, Iran ...)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    objects = ThemeManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
