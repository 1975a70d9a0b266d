"""What the layouts of the list and reading pages rest on, checked in the HTML (the browser
suite, tests/browser/, checks how they render): the filters in a disclosure with a way to them
above the results, long facets marked for a filter box, the reading page's text and sidebar,
and the fonts served from static/vendor/ with the collection's characters."""

import re
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings

from catalogue.facets import DEFAULT_LIMIT
from catalogue.models import Mention
from tests.factories import make_collection, make_document, make_person

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"


def tree(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def test_filters_sit_in_a_disclosure_with_a_link_above_the_results(seed, client):
    page = tree(client, "/documents/?type=letter")
    (panel,) = page.xpath('//details[@id="filters-panel"]')
    assert panel.get("open") is not None  # open without JavaScript; filters.js closes it on phones
    assert panel.xpath('./summary/h2[@id="filters-heading"]')
    assert "1 active" in panel.xpath("string(./summary)")
    assert panel.xpath('.//form[@id="filters"][@data-auto-submit]')
    (jump,) = page.xpath('//section[@class="results"]//p[@class="filters-jump"]/a')
    assert jump.get("href") == "#filters-panel"
    # The results section comes after the panel in the document: CSS puts it first on phones.
    assert page.xpath('//div[@data-browse]/*[1][@id="filters-panel"]')


def test_long_facets_are_marked_for_a_filter_box_with_the_url_of_all_their_values(db, client):
    collection = make_collection()
    persons = [make_person(f"Person {i:02d}", slug=f"p{i:02d}") for i in range(DEFAULT_LIMIT + 2)]
    document = make_document(collection)
    Mention.objects.bulk_create(Mention(document=document, person=p) for p in persons)
    page = tree(client, "/documents/")
    (facet,) = page.xpath('//fieldset[@id="person"]')
    assert facet.get("data-filterable") is not None
    assert facet.get("data-more-url") == "?more=person#person"
    expanded = tree(client, "/documents/?more=person")
    (facet,) = expanded.xpath('//fieldset[@id="person"]')
    assert facet.get("data-filterable") is not None and facet.get("data-more-url") is None
    (type_facet,) = page.xpath('//fieldset[@id="type"]')
    assert type_facet.get("data-filterable") is None  # short: no box


def test_reading_page_has_a_text_column_and_a_sidebar(seed, client):
    page = tree(client, "/documents/D000001/")
    assert page.xpath('//main[contains(@class, "reading-page")]')
    (reading,) = page.xpath('//article[@class="document"]/div[@class="reading"]')
    side, main = reading.getchildren()
    assert side.get("class") == "reading-side" and main.get("class") == "reading-main"
    assert side.xpath('./section[@class="metadata"]')
    assert main.xpath('./section[@class="text"]') and main.xpath('.//section[@id="cite"]')
    assert page.xpath('//h1[@class="document-heading"]')


def test_fonts_are_served_locally_and_cover_the_modifier_letters(client):
    page = tree(client, "/")
    sheets = page.xpath('//link[@rel="stylesheet"]/@href')
    fonts = [href for href in sheets if "/vendor/" in href]
    assert len(fonts) == 2 and not any("//" in href for href in sheets)
    for package in ("noto-serif", "noto-sans"):
        css = (STATIC / "vendor" / package / f"{package}.css").read_text()
        assert (STATIC / "vendor" / package / "LICENSE").exists()
        faces = re.findall(r'url\("([^"]+)"\).*?unicode-range: ([^;]+);', css, re.S)
        assert faces
        for path, _ranges in faces:
            assert (STATIC / "vendor" / package / path).stat().st_size > 1000

        def covered(code, faces=faces):
            for _path, ranges in faces:
                for part in ranges.split(","):
                    low, _, high = part.strip().removeprefix("U+").partition("-")
                    if int(low, 16) <= code <= int(high or low, 16):
                        return True
            return False

        for char in "ʹʺ‐’ğşıÖČЧ":  # the translations' typography, Turkish and Cyrillic names
            assert covered(ord(char)), (package, char)
    site_css = (STATIC / "catalogue" / "site.css").read_text()
    assert '--serif: "Noto Serif"' in site_css and '--sans: "Noto Sans"' in site_css


def test_home_page_search_landmarks_have_distinct_names(client, db):
    page = tree(client, "/")
    names = [element.get("aria-label") for element in page.xpath('//*[@role="search"] | //search')]
    assert len(names) == 2 and all(names) and len(set(names)) == 2
