"""About page, error pages, favicon, site map and robots.txt (issue 14, finding 8)."""

import re
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import path

from catalogue.models import Document, SitePage, Status
from tests.factories import make_document, make_person

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


# --- About ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_about_page_exists_after_migrate_and_says_what_the_collection_is(client):
    html = client.get("/about/").content.decode()
    for heading in ("The collection", "Editorial method", "Sources", "Rights"):
        assert f"<h2>{heading}</h2>" in html
    assert '<a href="/about/" aria-current="page">About</a>' in html


@pytest.mark.django_db
def test_public_sees_the_published_copy_until_an_editor_publishes(client, editor):
    page = SitePage.objects.get(slug="about")
    page.body = "## New text\n\nNot yet public."
    page.save()
    assert "Not yet public" not in client.get("/about/").content.decode()
    page.publish(editor)
    assert "Not yet public" in client.get("/about/").content.decode()


@pytest.mark.django_db
def test_markdown_cannot_inject_markup(client):
    SitePage.objects.create(
        slug="notes",
        title="Notes",
        body="<script>alert(1)</script>\n\n[click](javascript:alert(1)) *fine*",
    ).publish()
    html = client.get("/pages/notes/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html and "<em>fine</em>" in html


@pytest.mark.django_db
def test_unpublished_page_is_not_found(client):
    SitePage.objects.create(slug="draft-page", title="Draft", body="secret")
    assert client.get("/pages/draft-page/").status_code == 404


def test_archivists_edit_site_pages_but_only_editors_publish(archivist, editor):
    for user in (archivist, editor):
        assert user.has_perm("catalogue.change_sitepage")
    assert not archivist.has_perm("catalogue.publish_sitepage")
    assert editor.has_perm("catalogue.publish_sitepage")
    assert set(Group.objects.values_list("name", flat=True)) >= {"Archivist", "Editor"}


def test_admin_publish_action_only_for_editors(archivist_client, client, editor):
    page = SitePage.objects.get(slug="about")
    page.body = "Changed by an archivist."
    page.save()
    changelist = "/admin/catalogue/sitepage/"
    archivist_client.post(changelist, {"action": "publish", "_selected_action": [page.pk]})
    assert "Changed by an archivist." not in client.get("/about/").content.decode()
    assert "Publish selected pages" not in archivist_client.get(changelist).content.decode()
    client.force_login(editor)
    assert "Publish selected pages" in client.get(changelist).content.decode()
    client.post(changelist, {"action": "publish", "_selected_action": [page.pk]})
    client.logout()
    assert "Changed by an archivist." in client.get("/about/").content.decode()


# --- Error pages and favicon ------------------------------------------------------------------


@pytest.mark.django_db
def test_404_page_is_styled_and_helpful(client):
    response = client.get("/documents/D999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "catalogue/site.css" in html
    assert 'href="/documents/"' in html and "noindex" in html


def failing_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", failing_view)]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_500_page_renders_without_the_database(client):
    """Django's server_error view renders 500.html without a request context; the template
    must not touch the database (it may be what failed). This test has no database: any
    query would raise instead of rendering the page."""
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "catalogue/site.css" in html


@pytest.mark.django_db
def test_favicon_is_linked_and_served(client):
    html = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/catalogue/favicon\.svg"', html)
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/catalogue/favicon.ico"


# --- Site map and robots.txt ------------------------------------------------------------------


def sitemap_urls(client, path):
    response = client.get(path)
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }


def test_sitemap_index_lists_every_section(client, seed):
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    sections = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    for name in ("documents", "persons", "organisations", "places", "collections", "about"):
        assert f"http://testserver/sitemap-{name}.xml" in sections


def test_sitemap_lists_published_documents_with_lastmod_and_never_drafts(client, seed):
    urls = sitemap_urls(client, "/sitemap-documents.xml")
    published = Document.objects.published()
    assert set(urls) == {f"http://testserver{d.get_absolute_url()}" for d in published}
    assert "http://testserver/documents/D000012/" not in urls  # the draft
    letter = published.get(identifier="D000001")
    assert urls["http://testserver/documents/D000001/"] == letter.updated_at.date().isoformat()


def test_withdrawn_document_leaves_the_sitemap(client, seed):
    letter = Document.objects.get(identifier="D000001")
    letter.status = Status.REVIEW
    letter.save()
    assert "http://testserver/documents/D000001/" not in sitemap_urls(
        client, "/sitemap-documents.xml"
    )


def test_authority_lastmod_follows_its_latest_published_document(client, seed):
    person = make_person("Lev Karakhan", sort_name="Karakhan, Lev", slug="karakhan-lev")
    url = f"http://testserver{person.get_absolute_url()}"
    assert sitemap_urls(client, "/sitemap-persons.xml")[url] == person.updated_at.date().isoformat()
    make_document(heading="Later, mentioning nobody")  # does not move the person's lastmod
    document = make_document(heading="Mentions Karakhan")
    document.mentions.create(person=person)
    Document.objects.filter(pk=document.pk).update(updated_at="2031-05-01T12:00:00Z")
    assert sitemap_urls(client, "/sitemap-persons.xml")[url] == "2031-05-01"
    draft = make_document(heading="Draft", status=Status.DRAFT)
    draft.mentions.create(person=make_person("Someone", slug="someone"))
    Document.objects.filter(pk=draft.pk).update(updated_at="2032-01-01T00:00:00Z")
    assert "2032-01-01" not in sitemap_urls(client, "/sitemap-persons.xml").values()


def test_places_and_organisations_and_collections_are_mapped(client, seed):
    assert "http://testserver/places/ankara/" in sitemap_urls(client, "/sitemap-places.xml")
    assert sitemap_urls(client, "/sitemap-organisations.xml")
    (lastmod,) = sitemap_urls(client, "/sitemap-collections.xml").values()
    assert lastmod


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "User-agent: *" in text and "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()
