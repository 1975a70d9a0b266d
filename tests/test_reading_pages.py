"""The reading pages (document, person, organisation, place, indexes, home, collection) for the
seed collection, parsed with lxml, and the accessibility rules every public page follows."""

import re
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.markers import marker_spans
from catalogue.models import Document, Footnote, Scan
from catalogue.templatetags.catalogue_text import render_printed_text
from tests.factories import make_collection, make_document

pytestmark = pytest.mark.django_db

SEED_URL = "/documents/D000001/"
CHICHERIN = "/persons/chicherin-georgy-vasilyevich/"
FRUNZE = "/persons/frunze-mikhail-vasilyevich/"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content)


def text(element):
    return " ".join(element.text_content().split())


def metadata(tree):
    """The document's metadata panel as {term: description text}."""
    panel = tree.xpath('//section[@class="metadata"]//dl')[0]
    return {text(dt): text(dt.getnext()) for dt in panel.iter("dt")}


def result_count(client, url):
    heading = page(client, url).get_element_by_id("results-heading")
    return int(re.match(r"[\d,]+", text(heading)).group(0).replace(",", ""))


# --- Text rendering ---------------------------------------------------------------------------


def test_marker_spans_follow_the_marker_rules():
    body = "help to Enver 1 is a fairy tale; in 1921 ** and * and [2]."
    assert marker_spans("1", body) == [(14, 15)]
    assert marker_spans("*", body) == [(48, 49)]
    assert marker_spans("**", body) == [(41, 43)]
    assert marker_spans("2", body) == [(54, 57)]
    assert marker_spans("3", body) == []


def test_printed_text_is_escaped_with_markers_linked_and_brackets_styled():
    note = Footnote(marker="*", text="")
    html = render_printed_text("Their [Turks] <b>behaviour</b> *\n\nA [lkend] & so", [note])
    tree = lxml.html.fragment_fromstring(f"<div>{html}</div>")
    assert [text(p) for p in tree.iter("p")] == [
        "Their [Turks] <b>behaviour</b> *",
        "A [lkend] & so",
    ]
    assert not list(tree.iter("b"))
    assert [text(s) for s in tree.xpath('//span[@class="editorial"]')] == ["[Turks]", "[lkend]"]
    (link,) = tree.xpath('//sup[@class="footnote-ref"]/a')
    assert (link.get("id"), link.get("href"), link.text) == ("fnref-1", "#fn-1", "*")


# --- The seed letter --------------------------------------------------------------------------


def test_seed_letter_page(seed, client):
    tree = page(client, SEED_URL)
    assert text(tree.xpath("//h1")[0]).startswith(
        "Letter from the peopleʹs commissar for foreign affairs of the RSFSR"
    )
    fields = metadata(tree)
    assert fields["Type"] == "Letter"
    assert fields["Date"] == "26 December 1921 (EDTF 1921-12-26) as written: December 26, 1921"
    assert fields["Author"] == (
        "Georgy Vasilyevich Chicherin, peopleʹs commissar for foreign affairs of the RSFSR"
    )
    assert fields["Recipient"] == (
        "Mikhail Frunze, extraordinary ambassador of the Ukrainian SSR in Turkey"
    )
    assert fields["Source note"] == (
        "Print. By architect. (editors’ gloss: printed from the archive copy, Pechat. po arkh.)"
    )
    assert fields["Classification"] == "Not classified"
    assert fields["Identifier"] == "D000001"
    assert "Turkey" in fields["Themes and regions"]
    assert tree.xpath(
        '//section[@class="metadata"]//a[text()="Georgy Vasilyevich Chicherin"]/@href'
    ) == [CHICHERIN]


def test_seed_letter_body_footnote_and_editorial_marks(seed, client):
    tree = page(client, SEED_URL)
    body = tree.xpath('//div[@class="body"]')[0]
    assert "we interrupted the Dniester conference" in text(body)
    (marker,) = body.xpath('.//sup[@class="footnote-ref"]/a')
    assert marker.get("href") == "#fn-1"
    footnote = tree.get_element_by_id("fn-1")
    assert text(footnote).startswith("1 Enver pasha is a former war minister")
    assert footnote.xpath('.//a[@class="footnote-back"]/@href') == [f"#{marker.get('id')}"]
    assert [text(s) for s in body.xpath('.//span[@class="editorial"]')] == ["[Turks]"]
    signature = tree.xpath('//p[@class="signature"]/span[@class="editorial"]')
    assert [text(s) for s in signature] == ["[Chicherin]"]


def test_seed_letter_mentions_and_neighbours(seed, client):
    tree = page(client, SEED_URL)
    mentioned = tree.xpath('//section[@class="mentioned"]')[0]
    places = {
        text(a): a.get("href")
        for a in mentioned.xpath(".//h3[.='Places']/following-sibling::ul[1]//a")
    }
    assert places["Ankara"] == "/places/ankara/"
    assert "(“angora”)" in text(mentioned)
    persons = [text(a) for a in mentioned.xpath(".//h3[.='Persons']/following-sibling::ul[1]//a")]
    assert "Enver Pasha" in persons and "Henry Franklin-Bouillon" in persons
    assert tree.xpath('//nav[@class="neighbours"]//a[@rel="prev"]/@href') == ["/documents/D000010/"]
    assert tree.xpath('//nav[@class="neighbours"]//a[@rel="next"]/@href') == ["/documents/D000003/"]


def test_neighbours_follow_date_order_over_published_documents(db, client):
    collection = make_collection()
    first = make_document(collection, heading="First", date_edtf="1921-01-01")
    make_document(collection, heading="Draft between", date_edtf="1921-02-01", status="draft")
    second = make_document(collection, heading="Second", date_edtf="1921-03-01")
    undated = make_document(collection, heading="Undated", date_edtf="")
    tree = page(client, second.get_absolute_url())
    assert tree.xpath('//a[@rel="prev"]/@href') == [first.get_absolute_url()]
    assert tree.xpath('//a[@rel="next"]/@href') == [undated.get_absolute_url()]
    tree = page(client, undated.get_absolute_url())
    assert tree.xpath('//a[@rel="prev"]/@href') == [second.get_absolute_url()]
    assert not tree.xpath('//a[@rel="next"]')
    assert not page(client, first.get_absolute_url()).xpath('//a[@rel="prev"]')


def test_document_page_includes_and_prefetches_scans(seed, client):
    document = Document.objects.get(identifier="D000001")
    Scan.objects.bulk_create(
        Scan(
            document=document,
            page=p,
            image=f"scans/{p}.png",
            width=1,
            height=1,
            checksum=f"{p:064d}",
        )
        for p in (2, 1)
    )
    response = client.get(SEED_URL)
    names = {t.name for t in response.templates}
    assert {
        "catalogue/includes/citation_meta.html",
        "catalogue/includes/citation_box.html",
        "catalogue/includes/scan_viewer.html",
    } <= names
    shown = response.context["document"]
    assert response.context["object"] == shown
    assert [scan.page for scan in shown._prefetched_objects_cache["scans"]] == [1, 2]


def test_document_page_query_count_does_not_depend_on_its_parts(seed, client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(SEED_URL)
        return len(captured)

    before = queries()
    document = Document.objects.get(identifier="D000001")
    for marker in ("*", "**", "***"):
        Footnote.objects.create(document=document, marker=marker, text="A note.")
    assert queries() == before


def test_slug_address_redirects_to_the_permanent_url(seed, client):
    response = client.get("/documents/D000001/letter-from-chicherin/")
    assert response.status_code == 301
    assert response["Location"] == SEED_URL


# --- Authorities ------------------------------------------------------------------------------


def group_counts(tree):
    """{group title: (count, link)} from an authority page's document summary."""
    counts = {}
    for link in tree.xpath('//ul[@class="group-counts"]//a'):
        title, count = text(link).split(":")
        counts[title] = (int(count), link.get("href"))
    return counts


def test_person_page_for_chicherin(seed, client):
    tree = page(client, CHICHERIN)
    assert text(tree.xpath("//h1")[0]).startswith("Georgy Vasilyevich Chicherin")
    assert "Tchitcherine" in text(tree.xpath('//dl[@class="metadata-list"]')[0])
    offices = [text(li) for li in tree.xpath('//ul[@class="offices"]/li')]
    assert any(o.startswith("People's Commissar for Foreign Affairs of the RSFSR") for o in offices)
    counts = group_counts(tree)
    assert counts["Written or signed"][0] == 3
    written = [a.get("href") for a in tree.xpath('//section[@id="written"]//h4/a')]
    assert SEED_URL in written


@pytest.mark.parametrize(
    "url",
    [CHICHERIN, FRUNZE, "/places/ankara/", "/places/kars/", "/organisations/nkid-ussr/"],
)
def test_authority_counts_match_the_filtered_list_they_link_to(seed, client, url):
    counts = group_counts(page(client, url))
    assert counts
    for count, link in counts.values():
        assert result_count(client, link) == count, link


def test_place_page_for_ankara(seed, client):
    tree = page(client, "/places/ankara/")
    details = text(tree.xpath('//dl[@class="metadata-list"]')[0])
    assert "Angora" in details and "39.91987, 32.85427" in details
    counts = group_counts(tree)
    assert counts["Mentioning"][0] == 3
    assert parse_qs(urlsplit(counts["Mentioning"][1]).query) == {"place": ["ankara"]}
    mentioning = [a.get("href") for a in tree.xpath('//section[@id="mentioned"]//h4/a')]
    assert SEED_URL in mentioning


def test_person_and_place_indexes_list_counts(seed, client):
    tree = page(client, "/persons/")
    rows = {
        text(tr.xpath("th")[0]): [text(td) for td in tr.xpath("td")]
        for tr in tree.xpath("//table//tbody/tr")
    }
    assert rows["Chicherin, Georgy Vasilyevich"] == ["3", "1"]
    tree = page(client, "/places/?sort=count")
    names = [text(th) for th in tree.xpath("//table//tbody/tr/th")]
    assert "Ankara" in names
    ankara = tree.xpath("//table//tbody/tr[th='Ankara']/td")
    assert [text(td) for td in ankara][1:] == ["1", "3"]


def test_home_and_collection_pages(seed, client):
    tree = page(client, "/")
    assert "11 published documents" in text(tree.xpath('//p[@class="figures"]')[0])
    years = {text(a).split()[0]: a.get("href") for a in tree.xpath('//ul[@class="years"]//a')}
    assert set(years) >= {"1921", "1938", "1939", "1940"}
    for year, link in years.items():
        count = int(text(tree.xpath(f'//ul[@class="years"]//a[@href="{link}"]/span')[0]).split()[0])
        assert result_count(client, link) == count, year
    latest = tree.xpath('//section[@aria-labelledby="latest-heading"]//h3/a/@href')
    assert len(latest) == 8
    collection_link = tree.xpath('//ul[@class="collections"]//a/@href')[0]
    collection = page(client, collection_link)
    assert "11 published documents" in text(collection.xpath('//p[@class="figures"]')[0])
    assert "Dokumenty vneshnei politiki SSSR" in text(collection)


# --- Accessible structure of every page ------------------------------------------------------

PAGES = [
    "/",
    "/documents/",
    "/documents/?q=Ankara&type=letter",
    SEED_URL,
    "/persons/",
    CHICHERIN,
    "/organisations/nkid-ussr/",
    "/places/",
    "/places/ankara/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_accessible_in_structure(seed, client, url):
    tree = page(client, url)
    assert tree.get("lang") == "en"
    assert len(tree.xpath("//main")) == 1
    assert tree.xpath("//header") and tree.xpath("//footer")
    assert tree.xpath('//nav[@aria-label="Main"]//a/text()')[:4] == [
        "Home",
        "Documents",
        "Persons",
        "Places",
    ]
    assert len(tree.xpath("//h1")) == 1
    levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    labelled = set(tree.xpath("//label/@for"))
    for control in tree.xpath('//input[not(@type="hidden")] | //select | //textarea'):
        assert control.get("id") in labelled or control.get("aria-label"), lxml.html.tostring(
            control
        )
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids))
    external = '//link[@rel="stylesheet"][contains(@href, "//")] | //script[contains(@src, "//")]'
    assert not tree.xpath(external)  # no CDN


def test_authority_pages_show_variants_and_identifier_links(seed, client):
    from catalogue.models import Person, Place

    kemal = Person.objects.get(wikidata_id="Q5152")
    page = lxml.html.fromstring(client.get(kemal.get_absolute_url()).content)
    assert "https://www.wikidata.org/wiki/Q5152" in page.xpath("//dd//a/@href")
    assert "Ataturk" in page.xpath("//dd/ul/li/text()")

    ankara = Place.objects.get(slug="ankara")
    page = lxml.html.fromstring(client.get(ankara.get_absolute_url()).content)
    assert "Historical names and spellings" in page.xpath("//dt/text()")
    assert "https://www.geonames.org/323786/" in page.xpath("//dd//a/@href")
    assert "Angora" in page.xpath("//dd/ul/li/text()")
