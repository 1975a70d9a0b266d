"""The reading page in a real browser: the wide layout, the copy-citation button and the scan
viewer (zoom, page turn, keyboard)."""

import re

import pytest
from playwright.sync_api import expect

from catalogue.models import Document
from tests.scan_images import jpeg, make_ready_scan


@pytest.fixture
def scanned(seed):
    """The seed letter with three page images."""
    document = Document.objects.get(identifier="D000001")
    for page in (1, 2, 3):
        make_ready_scan(document, page, data=jpeg(seed=page, size=(900, 1200)))
    return document


def test_wide_screen_shows_page_images_beside_the_text_and_metadata_in_a_sidebar(
    scanned, site, new_page
):
    page = new_page(width=1280, height=900)
    page.goto(f"{site}/documents/D000001/")
    text = page.locator("section.text").bounding_box()
    images = page.locator("section.scan-viewer").bounding_box()
    metadata = page.locator("section.metadata").bounding_box()
    assert images["x"] >= text["x"] + text["width"]  # beside, to the right
    assert images["y"] < text["y"] + 200  # at the start of the text
    assert metadata["x"] == images["x"] and metadata["y"] > images["y"]
    assert images["x"] + images["width"] > 1280 * 0.9  # the right third is used
    narrow = new_page(width=800, height=900)
    narrow.goto(f"{site}/documents/D000001/")
    assert (
        narrow.locator("section.metadata").bounding_box()["y"]
        < (narrow.locator("section.text").bounding_box()["y"])
    )


def test_text_in_serif_apparatus_in_sans_and_modifier_prime_in_the_font(seed, site, page):
    page.goto(f"{site}/documents/D000001/")

    def family(selector):
        return page.locator(selector).first.evaluate("e => getComputedStyle(e).fontFamily")

    assert family("h1").startswith('"Noto Serif"')
    assert family(".printed .body").startswith('"Noto Serif"')
    for apparatus in ("section.metadata dd", ".footnotes li", "#text-heading", ".site-nav a"):
        assert family(apparatus).startswith('"Noto Sans"'), apparatus
    page.evaluate("document.fonts.ready")
    # The heading's U+02B9 is drawn by the served Noto Serif, not a fallback font.
    assert page.evaluate("document.fonts.check('700 16px \"Noto Serif\"', '\\u02b9')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert '"Noto Serif"' in loaded or "Noto Serif" in loaded
    # Its width is an apostrophe's, not a gap.
    widths = page.evaluate(
        """() => {
          const measure = text => {
            const span = document.createElement('span');
            span.textContent = text;
            span.style.font = getComputedStyle(document.querySelector('h1')).font;
            document.body.appendChild(span);
            const width = span.getBoundingClientRect().width;
            span.remove();
            return width;
          };
          return [measure('people\\u02b9s'), measure("people's"), measure('peoples')];
        }"""
    )
    prime, apostrophe, none = widths
    assert prime - none < 2 * (apostrophe - none) + 1


def test_copy_citation_puts_the_shown_style_on_the_clipboard(seed, site, new_page, live_server):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page.goto(f"{site}/documents/D000001/")
    box = page.locator("[data-citation-box]")
    box.get_by_role("link", name="MLA 9").click()
    copy = box.get_by_role("button", name="Copy citation")
    copy.click()
    expect(box.locator("[data-citation-status]")).to_have_text("Citation copied.")
    shown = box.locator("[data-citation-panel]:not([hidden]) [data-citation-text]")
    expected = shown.get_attribute("data-citation-text")
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert "Chicherin" in expected


def test_scan_viewer_zooms_turns_pages_and_answers_the_keyboard(scanned, site, page):
    page.goto(f"{site}/documents/D000001/")
    stage = page.locator(".scan-stage")
    position = stage.locator(".scan-position")
    image = stage.locator(".scan-image")
    expect(position).to_have_text("Page 1 of 3")
    expect(stage.get_by_role("button", name="Previous page")).to_be_disabled()

    def scale():
        transform = image.evaluate("e => e.style.transform")
        return float(transform.split("scale(")[1].rstrip(")"))

    page.wait_for_function("document.querySelector('.scan-image').complete")
    fitted = scale()
    stage.get_by_role("button", name="Zoom in").click()
    assert scale() == pytest.approx(fitted * 1.25)
    expect(stage.locator(".scan-viewport")).to_have_class("scan-viewport is-zoomed")
    stage.get_by_role("button", name="Fit the page").click()
    assert scale() == pytest.approx(fitted)

    stage.get_by_role("button", name="Next page").click()
    expect(position).to_have_text("Page 2 of 3")
    assert image.get_attribute("src").endswith(".jpg") or image.get_attribute("src")

    stage.focus()
    page.keyboard.press("PageDown")
    expect(position).to_have_text("Page 3 of 3")
    expect(stage.get_by_role("button", name="Next page")).to_be_disabled()
    page.keyboard.press("Home")
    expect(position).to_have_text("Page 1 of 3")
    page.keyboard.press("ArrowRight")  # fitted: the arrows turn pages
    expect(position).to_have_text("Page 2 of 3")
    page.keyboard.press("+")
    page.keyboard.press("+")
    assert scale() == pytest.approx(fitted * 1.25 * 1.25)
    page.keyboard.press("0")
    assert scale() == pytest.approx(fitted)
    # A thumbnail shows its page in the viewer instead of leaving the page.
    page.locator("a.scan-thumb").nth(2).click()
    expect(position).to_have_text("Page 3 of 3")
    assert page.url.endswith("/documents/D000001/")


def test_a_zoom_chosen_while_the_next_page_loads_is_kept(scanned, site, page):
    held = []
    page.goto(f"{site}/documents/D000001/")
    page.wait_for_function("document.querySelector('.scan-image').complete")
    image = page.locator(".scan-stage .scan-image")
    fitted = float(image.evaluate("e => e.style.transform").split("scale(")[1].rstrip(")"))
    # Hold every further image request until the reader has zoomed.
    page.route("**/*.jpg", lambda route: held.append(route))
    page.locator(".scan-stage").get_by_role("button", name="Next page").click()
    page.locator(".scan-stage").get_by_role("button", name="Zoom in").click()
    assert held, "the page image was not requested"
    for route in held:
        route.continue_()
    # The load handler removes "is-loading" and fits the loaded image again.
    expect(page.locator(".scan-viewport")).not_to_have_class(re.compile("is-loading"))
    scale = float(image.evaluate("e => e.style.transform").split("scale(")[1].rstrip(")"))
    assert scale == pytest.approx(fitted * 1.25)


def test_without_javascript_thumbnails_link_to_the_images(scanned, site, new_page):
    page = new_page(javascript=False)
    page.goto(f"{site}/documents/D000001/")
    assert page.locator(".scan-stage").count() == 0
    href = page.locator("a.scan-thumb").first.get_attribute("href")
    response = page.request.get(site + href)
    assert response.ok and response.headers["content-type"].startswith("image/")
