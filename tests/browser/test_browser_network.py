"""Issue 15 in a real browser: from the Chicherin letter to a related document, to Chicherin's
correspondents 1921–1923 drawn by Cytoscape.js (no console error, no CSP violation), an arrow
clicked to list its letters, and the collection's CMIF file."""

from lxml import etree
from playwright.sync_api import expect

CHICHERIN = "person:chicherin-georgy-vasilyevich"
ALI_FUAT = "person:cebesoy-ali-fuat"


def test_historian_goes_from_the_letter_to_related_documents_network_and_cmif(seed, site, page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The Chicherin letter shows its related document and leads to it.
    page.goto(f"{site}/documents/D000001/")
    related = page.locator("section.related")
    expect(related).to_contain_text("Another record of the same conversation or event")
    related.locator('a[href="/documents/D000010/"]').click()
    expect(page).to_have_url(f"{site}/documents/D000010/")

    # Chicherin's page leads to his network; narrowed to 1921–1923.
    page.goto(f"{site}/persons/chicherin-georgy-vasilyevich/")
    page.locator(".network-link a").click()
    page.fill("#network-from", "1921")
    page.fill("#network-to", "1923")
    page.locator(".network-filters button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Correspondents of Georgy Vasilyevich Chicherin")
    rows = page.locator(".network-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Ali Fuat Cebesoy")

    # The drawing: Cytoscape.js has drawn two arrows on its canvas.
    graph = page.locator("#network-graph")
    expect(graph).to_be_visible()
    expect(graph.locator("canvas").first).to_be_attached()
    page.wait_for_function(
        "() => { const r = document.getElementById('network-graph')._cyreg;"
        " return r && r.cy && r.cy.edges().length === 2; }"
    )
    # Click the arrow Chicherin -> Ali Fuat: a link to its two letters appears.
    point = page.evaluate(
        f"""() => {{
          const cy = document.getElementById('network-graph')._cyreg.cy;
          const edge = cy.getElementById('{CHICHERIN}>{ALI_FUAT}');
          return edge.renderedMidpoint();
        }}"""
    )
    box = graph.bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    selection = page.locator("#network-selection")
    expect(selection).to_contain_text("Georgy Vasilyevich Chicherin to Ali Fuat Cebesoy")
    selection.locator("a").click()
    expect(page).to_have_url(
        f"{site}/documents/?date_from=1921&date_to=1923&author=person%3Achicherin-georgy-vasilyevich"
        "&recipient=person%3Acebesoy-ali-fuat"
    )
    assert "Export these documents (2)" in page.content()

    # The collection's CMIF file is linked from its page and downloads.
    page.goto(f"{site}/collections/soviet-foreign-policy-1919-1941/")
    with page.expect_download() as download:
        page.locator('a[href$="/cmif.xml"]').click()
    tree = etree.parse(download.value.path())
    assert tree.getroot().tag == "{http://www.tei-c.org/ns/1.0}TEI"

    assert errors == []
