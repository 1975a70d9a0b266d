"""The CSV export (from the same CSL mapping as the other formats) and the list page's links
to the exports of the current result set."""

import csv
import io
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from django.http import StreamingHttpResponse

from catalogue.citations import csv_rows
from catalogue.models import Document
from tests.factories import make_collection, make_document

pytestmark = pytest.mark.django_db


def body(response):
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_seed_letter_as_csv(client, seed):
    response = client.get("/documents/D000001/cite.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert response["Content-Disposition"] == 'attachment; filename="D000001.csv"'
    (row,) = read_csv(body(response))
    assert row["identifier"] == "D000001"
    assert row["url"] == "http://testserver/documents/D000001/"
    assert row["type"] == "personal_communication"
    assert row["title"] == "Letter to Mikhail Vasilyevich Frunze"  # as every citation names it
    assert row["author"] == "Chicherin, Georgy Vasilyevich"
    assert row["recipient"] == "Frunze, Mikhail Vasilyevich"
    assert row["date"] == "1921-12-26"
    assert (row["archive"], row["archive_place"]) == ("AVP RF", "Moscow")
    assert list(row) == [heading for _variable, heading in csv_rows.COLUMNS]


def test_list_csv_is_streamed_in_the_lists_order_without_drafts(client, seed):
    response = client.get("/documents/export.csv?type=telegram&sort=-date")
    assert isinstance(response, StreamingHttpResponse)
    rows = read_csv(body(response))
    listed = list(Document.objects.published().filter(doc_type="telegram").order_by("-date_start"))
    assert [row["identifier"] for row in rows] == [d.identifier for d in listed]
    assert response["X-Export-Count"] == str(len(listed))
    everything = read_csv(body(client.get("/documents/export.csv")))
    assert len(everything) == Document.objects.published().count()
    assert not set(Document.objects.drafts().values_list("identifier", flat=True)) & {
        row["identifier"] for row in everything
    }


def test_csv_cells_never_start_a_formula_and_keep_commas_quotes_and_lines(client, db):
    make_document(
        make_collection(),
        heading='=HYPERLINK("http://x"), a "note",\nsecond line',
        title="",
        doc_type="memorandum",  # titled in CSL (correspondence is named by its recipients)
    )
    (row,) = read_csv(body(client.get("/documents/export.csv")))
    assert row["title"] == '\'=HYPERLINK("http://x"), a "note", second line'


def test_citation_box_offers_reference_manager_formats_only(client, seed):
    page = lxml.html.fromstring(client.get("/documents/D000001/").content)
    links = page.xpath('//p[@class="citation-downloads"]/a/@href')
    assert sorted(link.rsplit(".", 1)[1] for link in links) == ["bib", "json", "ris"]


def export_paragraph(client, query):
    page = lxml.html.fromstring(client.get("/documents/" + query).content)
    (paragraph,) = page.xpath('//p[@class="exports"]')
    return paragraph


def test_list_links_to_every_export_of_the_current_results(client, seed):
    paragraph = export_paragraph(client, "?type=telegram&sort=-date&page=1&more=author")
    text = " ".join(paragraph.text_content().split())
    count = Document.objects.published().filter(doc_type="telegram").count()
    assert count > 1
    assert text.startswith(f"Export these documents ({count}):")
    assert "(at most 5,000 documents per export)" in text
    links = {a.text_content().replace(" file", ""): a.get("href") for a in paragraph.iter("a")}
    assert list(links) == ["BibTeX", "RIS", "CSL-JSON", "CSV", "CMIF"]
    for label, extension in zip(links, ["bib", "ris", "json", "csv", "cmif.xml"], strict=True):
        url = urlsplit(links[label])
        assert url.path == f"/documents/export.{extension}"
        assert parse_qs(url.query) == {"type": ["telegram"], "sort": ["-date"]}
        response = client.get(links[label])
        assert response.status_code == 200
        assert response["X-Export-Count"] == str(count)


def test_list_beyond_the_export_limit_says_so_instead_of_linking(client, seed, settings):
    settings.CITATION_EXPORT_MAX = 3
    paragraph = export_paragraph(client, "")
    text = " ".join(paragraph.text_content().split())
    total = Document.objects.published().count()
    assert text.startswith(f"This list holds {total} documents, more than an export may hold (3)")
    assert not paragraph.xpath(".//a")
    one = " ".join(export_paragraph(client, "?q=Enver").text_content().split())
    assert one.startswith("Export this document: BibTeX")
    assert one.endswith("(at most 3 documents per export)")


def test_a_document_cited_from_its_printed_volume_keeps_its_own_date(client, seed):
    document = Document.objects.get(identifier="D000010")
    assert document.printed_year  # cited from the volume: CSL issued is the volume's year
    (row,) = read_csv(body(client.get("/documents/D000010/cite.csv")))
    assert row["date"] == document.date_edtf
