"""The timeline (issue 15, item 4): exact, ranged and uncertain dates drawn as such, never as a
point; the list's filters; links to the list; a table of the same numbers; published only."""

import datetime
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue import timeline
from catalogue.models import Document, DocumentType, Status
from tests.factories import make_collection, make_document

pytestmark = pytest.mark.django_db

RANGE = "1921-04-20/1921-05-10"  # 11 days in April, 10 in May


@pytest.fixture
def dated(db):
    collection = make_collection()
    documents = {
        "exact": make_document(collection, date_edtf="1921-12-26"),
        "month": make_document(collection, date_edtf="1921-12", doc_type=DocumentType.TELEGRAM),
        "range": make_document(collection, date_edtf=RANGE),
        "uncertain": make_document(collection, date_edtf="1921-06-15?"),
        "approximate": make_document(collection, date_edtf="1922~"),
        "undated": make_document(collection, date_edtf=""),
    }
    for status in (Status.DRAFT, Status.REVIEW):
        make_document(collection, date_edtf="1930-03-01", status=status, heading="Hidden one")
    return documents


def bins(drawn):
    return {item.key: item for item in drawn.bins}


def test_a_range_is_spread_over_its_months_in_proportion_to_its_days():
    shares = dict(
        timeline.spread(datetime.date(1921, 4, 20), datetime.date(1921, 5, 10), timeline.MONTH)
    )
    assert shares == {(1921, 4): pytest.approx(11 / 21), (1921, 5): pytest.approx(10 / 21)}


def test_a_range_over_new_year_is_spread_over_both_years():
    shares = dict(
        timeline.spread(datetime.date(1921, 12, 1), datetime.date(1922, 1, 31), timeline.YEAR)
    )
    assert shares == {(1921,): pytest.approx(31 / 62), (1922,): pytest.approx(31 / 62)}


def test_weights_by_month_for_exact_ranged_and_qualified_dates(dated):
    drawn = timeline.timeline_of(Document.objects.published(), timeline.MONTH)
    months = bins(drawn)
    december = months[(1921, 12)]
    assert (december.exact, december.ranged, december.qualified) == (2, 0, 0)
    assert months[(1921, 4)].exact == 0
    assert months[(1921, 4)].ranged == pytest.approx(11 / 21)
    assert months[(1921, 5)].ranged == pytest.approx(10 / 21)
    assert months[(1921, 4)].possible == months[(1921, 5)].possible == 1
    june = months[(1921, 6)]
    assert (june.exact, june.ranged, june.qualified, june.possible) == (0, 0, 1, 1)
    # "1922~" is spread over the twelve months of 1922, never put at a point
    assert months[(1922, 1)].qualified == pytest.approx(31 / 365)
    assert months[(1922, 2)].qualified == pytest.approx(28 / 365)
    assert sum(months[(1922, m)].qualified for m in range(1, 13)) == pytest.approx(1)
    assert all(months[(1922, m)].possible == 1 for m in range(1, 13))
    assert months[(1921, 7)].weight == 0  # a month between documents is drawn, empty


def test_by_year_a_date_within_the_year_is_exact(dated):
    years = bins(timeline.timeline_of(Document.objects.published(), timeline.YEAR))
    assert (years[(1921,)].exact, years[(1921,)].qualified) == (3, 1)  # day, month, range; "?"
    assert years[(1922,)].qualified == pytest.approx(1)
    assert years[(1922,)].exact == 0
    assert set(years) == {(1921,), (1922,)}  # no 1930: the drafts are not counted


@pytest.mark.parametrize("scale", timeline.SCALES)
def test_weights_add_up_to_the_published_documents(dated, scale):
    drawn = timeline.timeline_of(Document.objects.published(), scale)
    assert drawn.undated == 1
    assert drawn.dated == 5
    assert drawn.total == Document.objects.published().count() == 6
    assert sum(item.weight for item in drawn.bins) == pytest.approx(5)


def test_a_range_over_more_than_a_century_is_not_drawn():
    groups = [
        timeline.DateGroup(datetime.date(1, 1, 1), datetime.date(1921, 12, 31), False, 2),
        timeline.DateGroup(datetime.date(1921, 3, 1), datetime.date(1921, 3, 1), False, 1),
    ]
    drawn = timeline.build_timeline(groups, timeline.YEAR)
    assert drawn.too_vague == 2
    assert [item.key for item in drawn.bins] == [(1921,)]
    assert drawn.total == 3


def test_the_default_scale_follows_the_span(dated):
    assert timeline.timeline_of(Document.objects.published()).scale == timeline.MONTH
    make_document(date_edtf="1939-08-20/1939-08-26")
    assert timeline.timeline_of(Document.objects.published()).scale == timeline.YEAR


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def table_rows(tree):
    return {
        row.xpath("string(th)").strip(): [cell.text_content().strip() for cell in row.xpath("td")]
        for row in tree.xpath("//table[contains(@class, 'visual-table')]/tbody/tr")
    }


def test_the_page_draws_bars_and_gives_the_same_numbers_as_a_table(client, dated):
    tree = page(client, "/timeline/?by=month")
    rows = table_rows(tree)
    # exact, ranged share, qualified share, total share, possible
    assert rows["April 1921"] == ["0", "0.5", "0.0", "0.5", "1"]
    assert rows["May 1921"] == ["0", "0.5", "0.0", "0.5", "1"]
    assert rows["June 1921"] == ["0", "0.0", "1.0", "1.0", "1"]
    assert rows["December 1921"] == ["2", "0.0", "0.0", "2.0", "2"]
    assert "July 1921" not in rows  # the table leaves out months nothing may fall in
    svg = tree.xpath("//svg[contains(@class, 'timeline-chart')]")[0]
    bars = svg.xpath(".//a[contains(@class, 'bar')]")
    assert len(bars) == 21  # April 1921 to December 1922, empty months included
    april = bars[0]
    assert april.xpath(".//rect[@class='bar-ranged']")
    assert not april.xpath(".//rect[@class='bar-exact']")
    assert bars[2].xpath(".//rect[@class='bar-qualified']")  # June 1921
    assert "1 document may fall here" in april.get("aria-label")
    assert "Not drawn: 1 undated document" in tree.text_content()


def test_a_bar_links_to_the_list_of_the_documents_that_may_fall_in_it(client, dated):
    tree = page(client, "/timeline/?by=month&type=letter")
    link = tree.xpath("//a[contains(@class, 'bar')]")[0].get("href")
    parts = urlsplit(link)
    assert parts.path == "/documents/"
    assert parse_qs(parts.query) == {
        "type": ["letter"],
        "date_from": ["1921-04"],
        "date_to": ["1921-04"],
    }
    listed = page(client, link)
    headings = listed.xpath("//ol[@class='document-list']//h3/a/text()")
    assert [h.strip() for h in headings] == [dated["range"].heading]


def test_year_bars_link_to_the_year(client, dated):
    tree = page(client, "/timeline/?by=year")
    links = [a.get("href") for a in tree.xpath("//a[contains(@class, 'bar')]")]
    assert links == [
        "/documents/?date_from=1921&date_to=1921",
        "/documents/?date_from=1922&date_to=1922",
    ]


def test_the_list_filters_apply(client, dated):
    rows = table_rows(page(client, "/timeline/?by=month&type=telegram"))
    assert rows == {"December 1921": ["1", "0.0", "0.0", "1.0", "1"]}
    rows = table_rows(page(client, "/timeline/?by=year&date_from=1922"))
    assert list(rows) == ["1922"]


def test_drafts_are_in_no_count(client, dated):
    html = client.get("/timeline/?by=year").content.decode()
    assert "1930" not in html
    assert "Hidden one" not in html
    tree = lxml.html.fromstring(html)
    assert tree.xpath("string(//table//tfoot//td)").strip() == "5"


def test_bad_parameters_are_explained_not_errors(client, dated):
    response = client.get("/timeline/?by=week&date_from=yesterday&colour=red")
    assert response.status_code == 200
    text = lxml.html.fromstring(response.content).text_content()
    assert "“week” ignored" in text
    assert "From date: “yesterday” ignored" in text
    assert "Ignored unknown parameters: “colour”" in text
    assert "“by”" not in text.split("Ignored unknown parameters")[1]


def test_no_dated_document_says_so(client):
    make_document(date_edtf="")
    tree = page(client, "/timeline/")
    assert "No dated published document matches" in tree.text_content()


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_documents(client, dated):
    few = queries_for(client, "/timeline/?by=month&type=letter")
    collection = make_collection()
    for day in range(1, 29):
        make_document(collection, date_edtf=f"1921-02-{day:02d}/1921-03-{day:02d}")
        make_document(collection, date_edtf=f"1921-02-{day:02d}?")
    from django.core.cache import cache

    cache.clear()
    assert queries_for(client, "/timeline/?by=month&type=letter") == few


def test_the_list_links_to_the_timeline_with_its_filters(client, dated):
    tree = page(client, "/documents/?type=letter")
    links = tree.xpath("//p[@class='see-also']/a/@href")
    assert links == ["/timeline/?type=letter", "/map/?type=letter"]
    # and back: the timeline's view switch keeps the filters
    tree = page(client, "/timeline/?type=letter&by=year")
    assert tree.xpath("//nav[@class='view-switch']//a/@href") == [
        "/documents/?type=letter",
        "/timeline/?type=letter",
        "/map/?type=letter",
    ]


def test_a_document_matching_two_values_of_a_filter_counts_once(client, dated):
    from catalogue.models import Mention
    from tests.factories import make_person

    first, second = make_person(slug="first"), make_person(slug="second")
    for person in (first, second):
        Mention.objects.create(document=dated["range"], person=person)
    rows = table_rows(page(client, "/timeline/?by=month&person=first&person=second"))
    assert rows == {
        "April 1921": ["0", "0.5", "0.0", "0.5", "1"],
        "May 1921": ["0", "0.5", "0.0", "0.5", "1"],
    }


def test_axis_labels_name_years_and_wide_months(client, dated):
    svg = page(client, "/timeline/?by=month&date_to=1921")
    labels = svg.xpath("//svg//text[contains(@class, 'axis-label')]/text()")
    assert labels[:3] == ["Apr", "1921", "May"]
    assert "Dec" in labels
    years = page(client, "/timeline/?by=year")
    assert years.xpath("//svg//text[contains(@class, 'axis-label')]/text()") == ["1921", "1922"]
