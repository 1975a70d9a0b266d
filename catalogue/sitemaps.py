"""The site map: published documents, authority and collection pages, and the fixed pages.

Only published documents are listed; drafts and documents in review never appear. Each entry
has a lastmod: a document's last change; an authority's last change or that of the latest
published document it wrote, received or is mentioned in (its page lists them); a
collection's latest published document. Django's sitemap views split sections into pages of
50,000 URLs under one index (/sitemap.xml).
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import DateTimeField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse

from catalogue.models import (
    Collection,
    Correspondent,
    Document,
    Mention,
    Organisation,
    Person,
    Place,
    SitePage,
    Status,
)

EPOCH = Value("1900-01-01T00:00:00Z", output_field=DateTimeField())


def latest_published(links, field):
    """Subquery: the newest updated_at of the published documents linked to the outer row."""
    newest = (
        links.filter(**{field: OuterRef("pk")}, document__status=Status.PUBLISHED)
        .order_by()
        .values(field)
        .annotate(newest=Max("document__updated_at"))
        .values("newest")
    )
    return Coalesce(Subquery(newest, output_field=DateTimeField()), EPOCH)


def with_lastmod(queryset, *linked):
    """`queryset` annotated with `lastmod`: its own updated_at or the newest linked document's."""
    return queryset.annotate(lastmod=Greatest("updated_at", *linked)).order_by("pk")


class DocumentSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return (
            Document.objects.published()
            .only("identifier", "updated_at")
            .order_by("updated_at", "identifier")
        )

    def lastmod(self, document):
        return document.updated_at


class AuthoritySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5
    model = None
    link_field = ""

    def items(self):
        linked = [latest_published(Mention.objects, self.link_field)]
        if self.link_field != "place":
            linked.append(latest_published(Correspondent.objects, self.link_field))
        else:
            linked.append(latest_published_origin())
        return with_lastmod(self.model.objects.only("slug", "updated_at"), *linked)

    def lastmod(self, authority):
        return authority.lastmod


def latest_published_origin():
    newest = (
        Document.objects.published()
        .filter(place_of_origin=OuterRef("pk"))
        .order_by()
        .values("place_of_origin")
        .annotate(newest=Max("updated_at"))
        .values("newest")
    )
    return Coalesce(Subquery(newest, output_field=DateTimeField()), EPOCH)


class PersonSitemap(AuthoritySitemap):
    model = Person
    link_field = "person"


class OrganisationSitemap(AuthoritySitemap):
    model = Organisation
    link_field = "organisation"


class PlaceSitemap(AuthoritySitemap):
    model = Place
    link_field = "place"


class CollectionSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Collection.objects.annotate(
            lastmod=Max("documents__updated_at", filter=Q(documents__status=Status.PUBLISHED))
        ).order_by("pk")

    def lastmod(self, collection):
        return collection.lastmod


class SitePageSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.4

    def items(self):
        return SitePage.objects.published().order_by("slug")

    def lastmod(self, page):
        return page.published_at


class IndexSitemap(Sitemap):
    """Home and the lists; they change whenever a document is published or withdrawn."""

    changefreq = "daily"
    priority = 0.7

    def items(self):
        self.latest = Document.objects.published().aggregate(last=Max("updated_at"))["last"]
        return [
            "catalogue:home",
            "catalogue:document-list",
            "catalogue:person-list",
            "catalogue:place-list",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.latest


SITEMAPS = {
    "pages": IndexSitemap,
    "about": SitePageSitemap,
    "collections": CollectionSitemap,
    "documents": DocumentSitemap,
    "persons": PersonSitemap,
    "organisations": OrganisationSitemap,
    "places": PlaceSitemap,
}
