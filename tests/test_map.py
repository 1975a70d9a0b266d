"""The map of places (issue 15, item 5): documents written at and mentioning each place, on a
bundled world outline, with the list's filters, links and a table; published documents only."""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue import geography
from catalogue.models import Document, DocumentType, Mention, PlaceKind, Status
from tests.factories import make_collection, make_document, make_place
from tests.test_security import inline_code, manage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def places(db):
    ankara = make_place("Ankara", slug="ankara", latitude=39.91987, longitude=32.85427)
    moscow = make_place("Moscow", slug="moscow", latitude=55.75222, longitude=37.61556)
    turkey = make_place(
        "Turkey", slug="turkey", kind=PlaceKind.COUNTRY, latitude=39.0, longitude=35.0
    )
    thrace = make_place("Thrace", slug="thrace", kind=PlaceKind.REGION)  # no coordinates
    collection = make_collection()
    letter = make_document(collection, place_of_origin=ankara, date_edtf="1921-12-26")
    make_document(
        collection,
        place_of_origin=ankara,
        doc_type=DocumentType.TELEGRAM,
        date_edtf="1938-11-24",
    )
    note = make_document(collection, place_of_origin=moscow, date_edtf="1921-05-13")
    for document, place in [(letter, moscow), (letter, turkey), (note, turkey), (note, thrace)]:
        Mention.objects.create(document=document, place=place)
    for status in (Status.DRAFT, Status.REVIEW):
        hidden = make_document(collection, place_of_origin=moscow, status=status)
        Mention.objects.create(document=hidden, place=ankara)
        secret = make_place(f"Secret {status}", slug=f"secret-{status}", latitude=1, longitude=1)
        Mention.objects.create(document=hidden, place=secret)
    return {"ankara": ankara, "moscow": moscow, "turkey": turkey, "thrace": thrace}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def table(tree):
    rows = tree.xpath("//table[contains(@class, 'visual-table')]/tbody/tr")
    return {
        row.xpath("string(th)").strip(): [cell.text_content().strip() for cell in row.xpath("td")]
        for row in rows
    }


def counts(tree):
    return {name: (cells[1].split()[0], cells[2].split()[0]) for name, cells in table(tree).items()}


def test_projection_is_web_mercator_on_256_units():
    assert geography.project(0, 0) == pytest.approx((128, 128))
    assert geography.project(geography.MAX_LATITUDE, 180) == pytest.approx((256, 0), abs=1e-6)
    assert geography.project(-89, -180) == pytest.approx((0, 256), abs=1e-6)  # clamped


def test_counts_written_at_and_mentioned_published_only(places):
    found = {
        c.place.name: (c.written, c.mentioned)
        for c in geography.place_counts(Document.objects.published())
    }
    assert found == {"Ankara": (2, 0), "Moscow": (1, 1), "Turkey": (0, 2), "Thrace": (0, 1)}


def test_the_map_draws_each_place_with_coordinates_linked_to_its_page(client, places):
    tree = page(client, "/map/")
    svg = tree.xpath("//svg[contains(@class, 'map-chart')]")[0]
    markers = {a.get("href"): a for a in svg.xpath(".//a[contains(@class, 'marker')]")}
    assert set(markers) == {"/places/ankara/", "/places/moscow/", "/places/turkey/"}
    ankara = markers["/places/ankara/"]
    assert ankara.get("aria-label") == "Ankara: 2 documents written here, 0 mentioning it"
    assert ankara.xpath(".//circle[@class='marker-written']")
    assert not ankara.xpath(".//circle[@class='marker-mentioned']")
    assert "marker-area" in markers["/places/turkey/"].get("class")
    # the bundled outline, no tiles by default
    images = svg.xpath(".//image/@href")
    assert len(images) == 1 and images[0].endswith("vendor/world-atlas/land-110m.svg")
    # a larger count, a larger marker
    moscow = markers["/places/moscow/"]
    radius = float(ankara.xpath(".//circle/@r")[0])
    assert radius > float(moscow.xpath(".//circle[@class='marker-written']/@r")[0])


def test_the_table_gives_the_same_numbers_and_links_to_the_filtered_list(client, places):
    tree = page(client, "/map/?type=letter&type=note")
    assert counts(tree) == {
        "Ankara": ("1", "0"),
        "Turkey": ("0", "2"),
        "Moscow": ("1", "1"),
        "Thrace": ("0", "1"),
    }
    assert "not on the map" in table(tree)["Thrace"][3]
    moscow = tree.xpath("//table//tr[th/a[@href='/places/moscow/']]")[0]
    written, mentioned = moscow.xpath("td/a/@href")
    assert parse_qs(urlsplit(written).query) == {"type": ["letter", "note"], "origin": ["moscow"]}
    assert parse_qs(urlsplit(mentioned).query) == {"type": ["letter", "note"], "place": ["moscow"]}
    listed = page(client, mentioned)
    assert len(listed.xpath("//ol[@class='document-list']/li")) == 1


def test_the_list_filters_apply(client, places):
    assert counts(page(client, "/map/?type=telegram")) == {"Ankara": ("1", "0")}
    assert counts(page(client, "/map/?date_to=1921")) == {
        "Ankara": ("1", "0"),
        "Moscow": ("1", "1"),
        "Turkey": ("0", "2"),
        "Thrace": ("0", "1"),
    }
    tree = page(client, "/map/?date_from=1950")
    assert "No place is recorded" in tree.text_content()


def test_drafts_are_in_no_count(client, places):
    html = client.get("/map/").content.decode()
    assert "Secret" not in html
    tree = lxml.html.fromstring(html)
    assert counts(tree)["Ankara"] == ("2", "0")
    assert counts(tree)["Moscow"] == ("1", "1")


def test_the_frame_holds_the_towns(client, places):
    result = geography.map_of(Document.objects.published())
    frame = result.frame
    for item in result.shown:
        assert frame.x <= item.x <= frame.x + frame.width
        assert frame.y <= item.y <= frame.y + frame.height
    assert frame.width == pytest.approx(frame.height * geography.ASPECT)


def test_a_far_country_centre_does_not_stretch_the_frame():
    towns = [geography.project(39.9, 32.8), geography.project(41.0, 28.9)]
    frame = geography.frame_around(towns)
    russia_x, _ = geography.project(60, 100)
    assert frame.x + frame.width < russia_x


def test_tiles_from_a_configured_server(client, places, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example contributors"
    tree = page(client, "/map/")
    images = tree.xpath("//svg[contains(@class, 'map-chart')]//image/@href")
    assert images and all(url.startswith("https://tiles.example.org/") for url in images)
    z, x, y = urlsplit(images[0]).path.strip("/").removesuffix(".png").split("/")
    assert 0 <= int(x) < 2 ** int(z) and 0 <= int(y) < 2 ** int(z)
    assert "Map tiles: © Example contributors" in tree.text_content()


def test_tiles_cover_the_frame():
    frame = geography.Frame(100, 80, 20, 12.5)
    tiles = geography.tiles_for(frame, "https://t.example/{z}/{x}/{y}.png")
    assert min(t.x for t in tiles) <= frame.x and max(t.x + t.size for t in tiles) >= 120
    assert min(t.y for t in tiles) <= frame.y and max(t.y + t.size for t in tiles) >= 92.5
    assert geography.tiles_for(frame, "") == []


def test_the_outline_is_bundled_from_world_atlas():
    found = finders.find("vendor/world-atlas/land-110m.svg")
    assert found, "run sh tools/frontend/update.sh"
    outline = lxml.html.fromstring(Path(found).read_bytes())
    assert outline.xpath("//path/@d")[0].startswith("M")
    package = json.loads((ROOT / "tools/frontend/package.json").read_text())
    assert {"world-atlas", "topojson-client", "d3-geo"} <= set(package["dependencies"])


def queries_for(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_documents(client, places):
    few = queries_for(client, "/map/?type=letter")
    for index in range(20):
        place = make_place(f"Town {index}", latitude=40 + index / 10, longitude=30)
        document = make_document(place_of_origin=place)
        Mention.objects.create(document=document, place=places["turkey"])
    assert queries_for(client, "/map/?type=letter") == few


def test_every_seed_place_has_coordinates():
    fixture = json.loads((ROOT / "fixtures/authorities.json").read_text())
    missing = [
        row["fields"]["name"]
        for row in fixture
        if row["model"] == "catalogue.place" and row["fields"]["latitude"] is None
    ]
    assert missing == []


def test_the_seed_collection_on_the_map(client, seed):
    tree = page(client, "/map/")
    rows = counts(tree)
    assert rows["Ankara"][0] == "1"  # the telegram of 24 November 1938, "from Ankara"
    assert int(rows["Ankara"][1]) >= 1  # the Chicherin letter mentions "angora"
    assert tree.xpath("//svg//a[@href='/places/ankara/']")


@pytest.mark.parametrize("path", ["/map/", "/timeline/", "/timeline/?by=month&type=letter"])
def test_the_pages_have_no_inline_code(client, seed, path):
    response = client.get(path)
    assert "Content-Security-Policy" in response
    assert inline_code(response.content) == []


def test_a_tile_server_is_allowed_for_images_only_when_configured():
    code = (
        "from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    configured = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png",
    )
    assert configured.returncode == 0, configured.stderr
    assert "https://tiles.example.org" in configured.stdout
    refused = manage("shell", "--no-imports", "-c", code, MAP_TILE_URL="tiles/{z}/{x}/{y}.png")
    assert refused.returncode != 0
    assert "MAP_TILE_URL must be an http(s) URL" in refused.stderr
