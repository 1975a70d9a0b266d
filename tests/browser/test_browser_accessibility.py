"""axe-core (npm, tools/browser-tests/) on every public page template: no serious or critical
violation, and none of the moderate ones found before (two search landmarks of one name)."""

import json

import pytest

from catalogue.models import Document
from tests.browser.conftest import node_package
from tests.scan_images import jpeg, make_ready_scan

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

PAGES = [
    "/",
    "/documents/",
    "/documents/?q=Ankara&type=letter",
    "/documents/?q=Chicheirn",
    "/documents/D000001/",
    "/documents/D000010/",
    "/persons/",
    "/persons/chicherin-georgy-vasilyevich/",
    "/organisations/nkid-ussr/",
    "/places/",
    "/places/ankara/",
    "/collections/selected-secret-documents/",
]


@pytest.fixture
def catalogue_with_scans(seed):
    document = Document.objects.get(identifier="D000001")
    for page in (1, 2):
        make_ready_scan(document, page, data=jpeg(seed=page, size=(600, 800)))
    return document


def axe_violations(page):
    page.add_script_tag(path=str(node_package("axe-core", "axe.min.js")))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "where": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 390], ids=["wide", "phone"])
def test_public_pages_have_no_serious_accessibility_violations(
    catalogue_with_scans, site, new_page, width
):
    from catalogue.models import Collection

    collection = Collection.objects.get()
    pages = [
        path if not path.startswith("/collections/") else collection.get_absolute_url()
        for path in PAGES
    ]
    found = {}
    # The site's Content-Security-Policy forbids inline scripts; only axe's injection may pass.
    page = new_page(width=width, height=900, bypass_csp=True)
    for path in pages:
        page.goto(site + path)
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready.then(() => true)")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    serious = {
        path: [v for v in violations if v["impact"] in ("serious", "critical")]
        for path, violations in found.items()
    }
    assert not any(serious.values()), json.dumps(serious, indent=1)
    duplicate_landmarks = {
        path: [v for v in violations if v["rule"] == "landmark-unique"]
        for path, violations in found.items()
    }
    assert not any(duplicate_landmarks.values()), json.dumps(duplicate_landmarks, indent=1)
    print(json.dumps(found, indent=1))  # moderate and minor findings, for the log
