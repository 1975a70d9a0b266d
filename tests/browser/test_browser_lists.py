"""The document list and the indexes in a real browser: facets applied with and without
JavaScript, the filter box of long facets, and the layout at 390 px."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from catalogue.facets import DEFAULT_LIMIT
from catalogue.models import Mention
from tests.factories import make_collection, make_document, make_person

PHONE = {"width": 390, "height": 844}


def query(page):
    return parse_qs(urlsplit(page.url).query)


def test_checking_a_facet_applies_it_at_once(seed, site, page):
    page.goto(f"{site}/documents/")
    expect(page.locator("#results-heading")).to_have_text("11 documents")
    with page.expect_navigation():
        page.locator("fieldset#type").get_by_label(re.compile(r"^Telegram")).check()
    assert query(page) == {"type": ["telegram"]}
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"^\d+ documents?$"))
    assert page.locator(".chip").first.inner_text().startswith("Type: Telegram")
    # The focus is back on the box that was checked, which is checked.
    focused = page.evaluate("document.activeElement.id")
    assert focused == "f-type-telegram" and page.locator("#f-type-telegram").is_checked()
    with page.expect_navigation():
        page.locator("#sort").select_option("-date")
    assert query(page) == {"type": ["telegram"], "sort": ["-date"]}


def test_facets_apply_without_javascript(seed, site, new_page):
    page = new_page(javascript=False)
    page.goto(f"{site}/documents/")
    page.locator("fieldset#type").get_by_label(re.compile(r"^Letter")).check()
    page.locator("fieldset#type").get_by_label(re.compile(r"^Note")).check()
    assert page.url.endswith("/documents/")  # nothing happens until the form is submitted
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert sorted(query(page)["type"]) == ["letter", "note"]
    assert page.locator("#f-type-letter").is_checked()


def test_first_result_is_within_the_first_screen_on_a_phone(seed, site, new_page):
    for javascript in (True, False):
        page = new_page(javascript=javascript, **PHONE)
        page.goto(f"{site}/documents/?q=Chicherin")
        first = page.locator(".document-row").first.bounding_box()
        assert first["y"] + 40 < PHONE["height"], (javascript, first)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        panel = page.locator("#filters-panel")
        if javascript:  # a closed bar above the results, opened in place
            assert not panel.evaluate("element => element.open")
            assert panel.bounding_box()["y"] < first["y"]
            page.locator("#filters-panel > summary").click()
            expect(page.locator("fieldset#type")).to_be_visible()
            with page.expect_navigation():
                page.locator("fieldset#type input").first.check()
            assert "type" in query(page)
        else:  # after the results, open, with a link to it above them
            assert panel.bounding_box()["y"] > first["y"]
            expect(page.get_by_role("link", name="Filters and sorting")).to_be_visible()


def test_filters_sit_beside_the_results_on_a_wide_screen(seed, site, page):
    page.goto(f"{site}/documents/")
    panel = page.locator("#filters-panel").bounding_box()
    results = page.locator(".results").bounding_box()
    assert panel["x"] + panel["width"] <= results["x"]
    assert page.locator("#filters-panel").evaluate("element => element.open")


@pytest.mark.parametrize("path", ["/persons/", "/places/", "/documents/D000001/", "/"])
def test_pages_fit_a_phone_screen(seed, site, new_page, path):
    page = new_page(**PHONE)
    page.goto(site + path)
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    heading = page.locator("h1").bounding_box()
    assert heading["x"] >= 0 and heading["x"] + heading["width"] <= PHONE["width"]


def test_a_long_facet_has_a_filter_box_that_searches_all_its_values(db, site, page):
    collection = make_collection()
    names = [f"Person {letter}" for letter in "ABCDEFGHIJKLM"]
    persons = [make_person(name, slug=name.lower().replace(" ", "-")) for name in names]
    documents = [make_document(collection) for _ in persons]
    for index, person in enumerate(persons):  # person i is mentioned in len - i documents
        for document in documents[: len(persons) - index]:
            Mention.objects.create(document=document, person=person)
    page.goto(f"{site}/documents/")
    facet = page.locator("fieldset#person")
    expect(facet.locator("li")).to_have_count(DEFAULT_LIMIT)
    box = facet.get_by_role("searchbox")
    box.fill("person m")  # the least mentioned: not among the values first shown
    expect(facet.locator("li:not([hidden])")).to_have_count(1)
    expect(facet.locator("li:not([hidden]) label")).to_contain_text("Person M")
    box.fill("")
    expect(facet.locator("li:not([hidden])")).to_have_count(len(names))
    with page.expect_navigation():
        facet.get_by_label(re.compile("^Person M")).check()
    assert query(page) == {"person": ["person-m"]}
