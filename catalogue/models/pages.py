"""Pages of the site written by its editors: About (the collection, method, sources, rights).

Archivists and editors edit a working copy in the admin; the public sees the published copy,
which only an editor's "Publish" replaces, as with documents (one path to the public).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class SitePageQuerySet(models.QuerySet):
    def published(self):
        """Pages the public may see: published at least once."""
        return self.exclude(published_at=None)


class SitePage(models.Model):
    """A page of prose in Markdown, e.g. /about/."""

    slug = models.SlugField(max_length=100, unique=True, help_text="Its address: /<slug>/.")
    title = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Markdown: ## headings, *emphasis*, [links](https://…), lists. "
        "HTML is shown as text, not interpreted."
    )
    published_title = models.CharField(max_length=200, blank=True, editable=False)
    published_body = models.TextField(blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = SitePageQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = "site page"
        permissions = [("publish_sitepage", "Can publish site pages")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.slug == "about":
            return reverse("catalogue:about")
        return reverse("catalogue:site-page", kwargs={"slug": self.slug})

    @property
    def has_unpublished_changes(self) -> bool:
        return (self.title, self.body) != (self.published_title, self.published_body)

    def publish(self, user=None):
        """Make the working copy the public one."""
        self.published_title, self.published_body = self.title, self.body
        self.published_at = timezone.now()
        self.updated_by = user or self.updated_by
        self.save()
