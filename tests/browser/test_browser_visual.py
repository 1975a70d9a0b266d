"""The timeline and the map in Chromium (issue 15, items 4 and 5): they render under the
Content-Security-Policy, uncertain dates are drawn shaded, a click filters the list (without
JavaScript too), and axe finds no serious or critical violation."""

import json
import re

import pytest

from tests.browser.test_browser_accessibility import axe_violations
from tests.factories import make_document


@pytest.fixture
def uncertain_seed(seed):
    """The seed collection, with a document dated by a range and one uncertainly."""
    from catalogue.models import Collection

    collection = Collection.objects.get()
    make_document(collection, heading="Ranged note", date_edtf="1921-04-20/1921-05-10")
    make_document(collection, heading="Uncertain telegram", date_edtf="1921-06-15?")


def console_errors(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def box(locator):
    found = locator.bounding_box()
    assert found is not None, locator
    return found


def test_the_timeline_draws_uncertain_dates_and_a_bar_filters_the_list(
    uncertain_seed, site, new_page
):
    page = new_page(javascript=False)
    errors = console_errors(page)
    page.goto(site + "/timeline/?by=month&date_from=1921&date_to=1921")
    chart = page.locator("svg.timeline-chart")
    assert box(chart)["width"] > 100
    # drawn with the stylesheet (no inline style is allowed): shaded, not black
    for kind in ("bar-exact", "bar-ranged", "bar-qualified"):
        shape = chart.locator(f"rect.{kind}").first
        assert box(shape)["height"] > 1, kind
    ranged_fill = chart.locator("rect.bar-ranged").first.evaluate("e => getComputedStyle(e).fill")
    assert "hatch-ranged" in ranged_fill
    exact_fill = chart.locator("rect.bar-exact").first.evaluate("e => getComputedStyle(e).fill")
    assert exact_fill not in ("rgb(0, 0, 0)", "none")
    assert page.locator("table.visual-table").is_visible()

    chart.locator("a.bar[aria-label^='December 1921']").click()
    page.wait_for_url(re.compile(r"/documents/\?date_from=1921-12&date_to=1921-12$"))
    titles = page.locator("ol.document-list h3").all_inner_texts()
    assert titles == ["Letter from G. V. Chicherin to M. V. Frunze"]

    page.goto(site + "/timeline/?by=month&date_from=1921&date_to=1921")
    page.locator("a.bar[aria-label^='May 1921']").click()
    page.wait_for_url(re.compile(r"date_from=1921-05"))
    assert "Ranged note" in page.locator("ol.document-list").inner_text()
    assert errors == []


def test_the_map_shows_the_places_on_the_bundled_outline(seed, site, new_page):
    page = new_page()
    errors = console_errors(page)
    page.goto(site + "/map/")
    chart = page.locator("svg.map-chart")
    assert box(chart)["width"] > 300
    outline = chart.locator("image.outline")
    response = page.request.get(site + outline.get_attribute("href"))
    assert response.ok and "<path" in response.text()
    ankara = chart.locator("a.marker[href='/places/ankara/']")
    assert box(ankara.locator("circle").first)["width"] > 2
    ankara.click()
    page.wait_for_url(re.compile(r"/places/ankara/$"))
    assert page.locator("h1").inner_text() == "Ankara"

    page.goto(site + "/map/?type=telegram")
    page.locator("table.visual-table a", has_text="1 written at Ankara").click()
    page.wait_for_url(re.compile(r"/documents/\?type=telegram&origin=ankara$"))
    assert page.locator("ol.document-list li").count() == 1
    assert errors == []


@pytest.mark.parametrize("width", [1280, 390], ids=["wide", "phone"])
def test_no_serious_accessibility_violations(uncertain_seed, site, new_page, width):
    page = new_page(width=width, bypass_csp=True)
    found = {}
    for path in ("/timeline/", "/timeline/?by=month&type=letter", "/map/"):
        page.goto(site + path)
        page.wait_for_load_state("load")
        serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = serious
    assert not found, json.dumps(found, indent=1)
