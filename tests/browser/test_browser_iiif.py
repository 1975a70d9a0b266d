"""A document's IIIF manifest opened in Mirador 4 (npm, served locally from tools/browser-tests/
on its own port, so the viewer reads the catalogue cross-origin as a real one would)."""

import functools
import http.server
import threading
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from catalogue.models import Document
from tests.browser.conftest import BROWSER_TOOLS, node_package
from tests.scan_images import jpeg, make_ready_scan

# Logged by Mirador 4.0.0's own bundle (React 19 with an older component library) whatever it
# opens: not about the manifest.
MIRADOR_OWN_WARNINGS = ("Accessing element.ref was removed in React 19",)


@pytest.fixture
def tools_server():
    """tools/browser-tests/ over HTTP on 127.0.0.1 and an ephemeral port, stopped afterwards."""
    node_package("mirador", "dist", "mirador.min.js")
    handler = functools.partial(QuietHandler, directory=str(BROWSER_TOOLS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (the signature of the base class)
        pass


@pytest.fixture
def scanned(seed):
    document = Document.objects.get(identifier="D000001")
    for page in (1, 2):
        make_ready_scan(
            document, page, data=jpeg(seed=page, size=(600, 800)), caption=f"Folio {page}"
        )
    return document


def test_mirador_opens_the_manifest_without_console_errors(scanned, site, tools_server, page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    images = []
    page.on("response", lambda response: "/pages/" in response.url and images.append(response))
    manifest = f"{site}/documents/D000001/iiif/manifest.json"
    page.goto(f"{tools_server}/mirador.html?manifest={quote(manifest, safe='')}")
    window = page.locator(".mirador-window")
    expect(window).to_be_visible(timeout=20_000)
    expect(window.locator(".mirador-window-top-bar")).to_contain_text("Letter", timeout=20_000)
    # The manifest's metadata in the information panel.
    expect(window).to_contain_text("Permanent URL", timeout=20_000)
    expect(window).to_contain_text("Selected Secret Documents")
    # Both canvases: the viewer turns to the second.
    expect(window).to_contain_text("1 of 2", timeout=20_000)
    window.get_by_role("button", name="Next item").click()
    expect(window).to_contain_text("2 of 2")
    page.wait_for_timeout(1_500)  # let the viewer fetch the images
    assert images and all(response.ok for response in images)  # the page images were drawn
    errors = [e for e in errors if not e.startswith(MIRADOR_OWN_WARNINGS)]
    assert not errors, errors
