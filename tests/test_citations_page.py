"""The citation box and the head metadata on a document page."""

import json
from html.parser import HTMLParser

import pytest

from catalogue.citations import styles
from catalogue.models import Correspondent, CorrespondentRole
from tests.factories import make_document, make_person


class PageParser(HTMLParser):
    """Collects meta tags, JSON-LD blocks and the citation panels of a page."""

    def __init__(self):
        super().__init__()
        self.meta = []
        self.json_ld = []
        self.panels = {}
        self.style_links = {}
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta.append((attrs["name"], attrs["content"]))
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")
        if "data-citation-panel" in attrs:
            self.panels[attrs["data-citation-panel"]] = "hidden" not in attrs
        if "data-citation-style" in attrs:
            self.style_links[attrs["data-citation-style"]] = attrs

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data

    def values(self, name):
        return [content for meta_name, content in self.meta if meta_name == name]


def parse_page(response):
    assert response.status_code == 200
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def test_seed_letter_head_has_highwire_and_dublin_core(client, seed):
    page = parse_page(client.get("/documents/D000001/"))
    assert page.values("citation_title") == ["Letter from G. V. Chicherin to M. V. Frunze"]
    assert page.values("citation_author") == ["Chicherin, Georgy Vasilyevich"]
    assert page.values("citation_date") == ["1921/12/26"]
    assert page.values("citation_publication_date") == ["1921/12/26"]
    assert page.values("citation_archive") == ["AVP RF"]
    assert page.values("citation_public_url") == ["http://testserver/documents/D000001/"]
    assert page.values("citation_publisher")
    assert page.values("DC.title") == ["Letter from G. V. Chicherin to M. V. Frunze"]
    assert page.values("DC.creator") == ["Chicherin, Georgy Vasilyevich"]
    assert page.values("DC.date") == ["1921-12-26"]
    assert page.values("DC.type") == ["letter"]
    assert page.values("DC.source") == ["AVP RF, Moscow"]
    assert "http://testserver/documents/D000001/" in page.values("DC.identifier")
    assert page.values("DC.relation")[0].startswith("Selected Secret Documents")


def test_seed_letter_json_ld_names_sender_recipient_date_and_archive(client, seed):
    page = parse_page(client.get("/documents/D000001/"))
    (block,) = page.json_ld
    data = json.loads(block)
    assert data["@type"] == ["ArchiveComponent", "Message"]
    assert data["sender"][0]["familyName"] == "Chicherin"
    assert data["recipient"][0]["name"] == "Mikhail Vasilyevich Frunze"
    assert data["dateCreated"] == "1921-12-26"
    assert data["holdingArchive"] == {
        "@type": "ArchiveOrganization",
        "name": "AVP RF",
        "address": "Moscow",
    }
    assert data["url"] == "http://testserver/documents/D000001/"


def test_archival_location_reaches_the_head(client, seed):
    page = parse_page(client.get("/documents/D000005/"))
    location = page.values("citation_archive_location")[0]
    assert location.startswith("f. 059")
    assert json.loads(page.json_ld[0])["itemLocation"] == location


@pytest.mark.django_db
def test_json_ld_cannot_be_closed_by_the_data(client):
    document = make_document(heading="</script><script>alert(1)</script> & <!--")
    author = make_person("A </script> B", sort_name="B</script>, A")
    Correspondent.objects.create(document=document, role=CorrespondentRole.AUTHOR, person=author)
    response = client.get(document.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    page = parse_page(response)
    data = json.loads(page.json_ld[0])
    assert data["name"] == "</script><script>alert(1)</script> & <!--"
    assert data["sender"][0]["familyName"] == "B</script>"


def test_citation_box_offers_every_style_with_the_default_shown(client, seed):
    page = parse_page(client.get("/documents/D000001/"))
    assert set(page.panels) == set(styles.STYLES)
    assert [key for key, shown in page.panels.items() if shown] == [styles.DEFAULT_STYLE]
    assert page.style_links["apa"]["href"] == "?style=apa#cite"


def test_style_switch_works_without_javascript(client, seed):
    response = client.get("/documents/D000001/?style=apa")
    page = parse_page(response)
    assert [key for key, shown in page.panels.items() if shown] == ["apa"]
    assert page.style_links["apa"].get("aria-current") == "true"
    assert "Chicherin, G. V. (1921, December 26)." in response.content.decode()
    # An unknown style falls back to the default.
    page = parse_page(client.get("/documents/D000001/?style=<nonsense>"))
    assert [key for key, shown in page.panels.items() if shown] == [styles.DEFAULT_STYLE]


def test_citation_box_has_copy_button_downloads_and_script(client, seed):
    html = client.get("/documents/D000001/").content.decode()
    assert "data-citation-copy" in html and "Copy citation" in html
    assert 'data-citation-text="Georgy Vasilyevich Chicherin, letter to Mikhail Vasilyevich' in html
    for extension in ("bib", "ris", "json"):
        assert f'href="/documents/D000001/cite.{extension}"' in html
    assert "catalogue/citations.js" in html


def test_citation_box_text_is_escaped(client, db):
    document = make_document(heading='<img src=x onerror="alert(1)"> & co')
    html = client.get(document.get_absolute_url()).content.decode()
    assert "<img src=x" not in html
