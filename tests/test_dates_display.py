"""One date style across the public site, from the EDTF form (catalogue.dates.display_date and
the `catalogue_dates` template filters)."""

import datetime
import re

import lxml.html
import pytest
from django.template import Context, Template

from catalogue.dates import display_date, display_period
from tests.factories import make_collection, make_document


@pytest.mark.parametrize(
    ("edtf", "shown"),
    [
        # precisions
        ("1921-12-26", "26 December 1921"),
        ("1921-04-06", "6 April 1921"),
        ("1921-12", "December 1921"),
        ("1921", "1921"),
        ("192X", "1920s"),
        ("19XX", "1900s"),
        ("1921-XX", "1921"),
        ("1921-12-XX", "December 1921"),
        ("1921-21", "Spring 1921"),
        ("1921-24", "Winter 1921"),
        # qualifiers, on every precision
        ("1921?", "1921?"),
        ("1921~", "c. 1921"),
        ("1921%", "c. 1921?"),
        ("1921-12?", "December 1921?"),
        ("1921-12~", "c. December 1921"),
        ("1921-12-26?", "26 December 1921?"),
        ("1921-12-26~", "c. 26 December 1921"),
        ("1921-12-26%", "c. 26 December 1921?"),
        ("192X?", "1920s?"),
        # ranges within a month, across months, across years
        ("1937-07-15/1937-07-17", "15–17 July 1937"),
        ("1939-08-20/1939-08-26", "20–26 August 1939"),
        ("1937-06-30/1937-07-02", "30 June – 2 July 1937"),
        ("1937-12-30/1938-01-02", "30 December 1937 – 2 January 1938"),
        ("1921-06/1921-07", "June–July 1921"),
        ("1921-12/1922-01", "December 1921 – January 1922"),
        ("1921/1923", "1921–1923"),
        ("1921-12-26/1921-12-26", "26 December 1921"),
        ("1921-12/1922", "December 1921 – 1922"),
        # qualified, open and unknown ends
        ("1921~/1923", "c. 1921 – 1923"),
        ("1921-07-15?/1921-07-17", "15 July 1921? – 17 July 1921"),
        ("1921/..", "1921 onwards"),
        ("../1921-12", "up to December 1921"),
        ("/1921", "?–1921"),
        ("1921-12-26/", "26 December 1921 – ?"),
        # empty, and anything not recognised is shown as stored
        ("", ""),
        ("1921-13", "1921-13"),
    ],
)
def test_display_date_covers_every_precision_and_qualifier(edtf, shown):
    assert display_date(edtf) == shown


def test_display_period_of_offices_and_lives():
    assert display_period("1918", "1930") == "1918–1930"
    assert display_period("1872-11-24", "1936-07-07") == "24 November 1872 – 7 July 1936"
    assert display_period("1918", "") == "1918–?"
    assert display_period("", "") == ""


def test_template_filters_read_a_document_or_a_string():
    template = Template(
        "{% load catalogue_dates %}{{ document|display_date }}|{{ text|display_date }}|"
        "{% display_period start end %}|{{ document|iso_date }}"
    )

    class Dated:  # the EDTF fields of a document
        date_edtf = "1921-12"
        date_start = datetime.date(1921, 12, 1)
        date_precision = "month"

    rendered = template.render(
        Context({"document": Dated(), "text": "1921~", "start": "1918", "end": "1923"})
    )
    assert rendered == "December 1921|c. 1921|1918–1923|1921-12"


@pytest.mark.django_db
def test_list_and_reading_page_show_one_date_style(client):
    collection = make_collection()
    american = make_document(
        collection, heading="Written American", date_written="April 6, 1921", date_edtf="1921-04-06"
    )
    make_document(
        collection, heading="Written British", date_written="13 August 1921", date_edtf="1921-08-13"
    )
    make_document(
        collection,
        heading="A range",
        date_written="August 20‐26, 1939",
        date_edtf="1939-08-20/1939-08-26",
    )
    page = lxml.html.fromstring(client.get("/documents/").content)
    shown = [d.text_content() for d in page.xpath('//*[@class="document-date"]')]
    assert shown == ["6 April 1921", "13 August 1921", "20–26 August 1939"]
    assert page.xpath('//time[@class="document-date"]/@datetime')[0] == "1921-04-06"

    reading = lxml.html.fromstring(client.get(american.get_absolute_url()).content)
    kicker = reading.xpath('//p[@class="document-kicker"]')[0].text_content()
    assert kicker.endswith("· 6 April 1921")
    date = reading.xpath('//section[@class="metadata"]//dt[.="Date"]/following-sibling::dd[1]')[0]
    text = " ".join(date.text_content().split())
    assert text.startswith("6 April 1921 (EDTF 1921-04-06)")
    assert text.endswith("as written: April 6, 1921")
    neighbour = reading.xpath('//a[@rel="next"]')[0].text_content()
    assert "(13 August 1921)" in neighbour


@pytest.mark.django_db
def test_authority_pages_show_periods_in_the_same_style(seed, client):
    page = lxml.html.fromstring(client.get("/persons/chicherin-georgy-vasilyevich/").content)
    life = page.xpath('//h1/span[@class="life"]')[0].text_content()
    day = r"(\d{1,2} [A-Z][a-z]+ )?\d{4}"
    assert re.fullmatch(rf"\({day}( – |–){day}\)", life)
    periods = [span.text_content() for span in page.xpath('//span[@class="period"]')]
    assert periods and not any(re.search(r"\d{4}-\d{2}", period) for period in periods)
