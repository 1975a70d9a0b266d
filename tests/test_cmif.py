"""CMIF export (issue 15, item 3): every file validates against the CMIF RelaxNG schema shipped
in tests/data/cmif/ (see its README for the source)."""

from pathlib import Path

import pytest
from lxml import etree

from catalogue.cmif import date_attributes
from catalogue.models import Correspondent, Document, Organisation, Person, Place, Status

SCHEMA = Path(__file__).parent / "data" / "cmif" / "cmi-customization.rng"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
COLLECTION = "soviet-foreign-policy-1919-1941"


@pytest.fixture(scope="module")
def relaxng():
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def download(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("application/tei+xml")
    return etree.fromstring(b"".join(response.streaming_content))


def valid(relaxng, tree):
    assert relaxng.validate(tree), relaxng.error_log
    return tree


def refs(tree):
    return [d.get("ref") for d in tree.iterfind(".//tei:correspDesc", NS)]


def desc_of(tree, identifier):
    (desc,) = [
        d
        for d in tree.iterfind(".//tei:correspDesc", NS)
        if d.get("ref").endswith(f"/{identifier}/")
    ]
    return desc


def test_the_schema_rejects_what_cmif_forbids(relaxng, client, seed):
    """The shipped schema is a real check: text directly in correspAction is refused."""
    tree = download(client, f"/collections/{COLLECTION}/cmif.xml")
    action = tree.find(".//tei:correspAction", NS)
    action.text = "loose text"
    assert not relaxng.validate(tree)


def test_collection_file_validates_and_holds_every_published_document(relaxng, client, seed):
    tree = valid(relaxng, download(client, f"/collections/{COLLECTION}/cmif.xml"))
    published = Document.objects.published().in_date_order()
    assert refs(tree) == [f"http://testserver/documents/{d.identifier}/" for d in published]
    assert "D000012" not in etree.tostring(tree, encoding="unicode")  # the draft
    licence = tree.find(".//tei:licence", NS)
    assert licence.get("target") == "https://creativecommons.org/licenses/by/4.0/"
    idno = tree.find(".//tei:publicationStmt/tei:idno", NS)
    assert idno.text == f"http://testserver/collections/{COLLECTION}/cmif.xml"
    (bibl,) = tree.iterfind(".//tei:sourceDesc/tei:bibl", NS)
    source = "#" + bibl.get("{http://www.w3.org/XML/1998/namespace}id")
    assert {d.get("source") for d in tree.iterfind(".//tei:correspDesc", NS)} == {source}


def test_the_chicherin_letter(relaxng, client, seed):
    chicherin = Person.objects.get(slug="chicherin-georgy-vasilyevich")
    chicherin.viaf_id, chicherin.wikidata_id = "12345678", "Q154866"
    chicherin.save()
    frunze = Person.objects.get(slug="frunze-mikhail-vasilyevich")
    frunze.viaf_id, frunze.wikidata_id = "", "Q312960"
    frunze.save()
    tree = valid(relaxng, download(client, f"/collections/{COLLECTION}/cmif.xml"))
    desc = desc_of(tree, "D000001")
    sent, received = desc.iterfind("tei:correspAction", NS)
    assert sent.get("type") == "sent" and received.get("type") == "received"
    name = sent.find("tei:persName", NS)
    assert (name.text, name.get("ref")) == (
        chicherin.preferred_name,
        "http://viaf.org/viaf/12345678",
    )
    name = received.find("tei:persName", NS)
    assert name.get("ref") == "http://www.wikidata.org/entity/Q312960"
    assert sent.find("tei:date", NS).attrib == {"when": "1921-12-26"}


def test_places_bodies_printed_numbers_and_ranges(relaxng, client, seed):
    document = Document.objects.get(identifier="D000010")
    place = Place.objects.get(slug="moscow")  # GeoNames 524901 in the seed
    document.place_of_origin, document.printed_number = place, "187"
    document.save()
    tree = valid(relaxng, download(client, f"/collections/{COLLECTION}/cmif.xml"))
    desc = desc_of(tree, "D000010")
    assert desc.get("key") == "187"  # the number in the printed edition
    place_name = desc.find("tei:correspAction[@type='sent']/tei:placeName", NS)
    assert (place_name.text, place_name.get("ref")) == (
        place.name,
        "http://www.geonames.org/524901",
    )
    # a body as recipient is an orgName
    desc = desc_of(tree, "D000002")
    org = desc.find("tei:correspAction[@type='received']/tei:orgName", NS)
    assert org.text == Organisation.objects.get(pk=2).name
    # the diary, dated August 20-26, 1939, has no recipient
    desc = desc_of(tree, "D000009")
    date = desc.find("tei:correspAction[@type='sent']/tei:date", NS)
    assert (date.get("notBefore"), date.get("notAfter")) == ("1939-08-20", "1939-08-26")
    assert desc.find("tei:correspAction[@type='received']/tei:persName", NS).text == "Unknown"


@pytest.mark.parametrize(
    "edtf, expected",
    [
        ("1921-12-26", {"when": "1921-12-26"}),
        ("1921-12", {"when": "1921-12"}),
        ("1921", {"when": "1921"}),
        ("1939-08-20/1939-08-26", {"notBefore": "1939-08-20", "notAfter": "1939-08-26"}),
        ("1921-12-26?", {"notBefore": "1921-12-26", "notAfter": "1921-12-26"}),
        ("1921~", {"notBefore": "1921-01-01", "notAfter": "1921-12-31"}),
        ("1921-04/1921-05", {"notBefore": "1921-04-01", "notAfter": "1921-05-31"}),
        ("", {}),
    ],
)
def test_dates_from_edtf(edtf, expected):
    document = Document(date_edtf=edtf)
    document.derive_dates()
    assert date_attributes(document) == expected


def test_uncertain_date_validates_and_keeps_the_date_as_written(relaxng, client, seed):
    document = Document.objects.get(identifier="D000004")
    document.date_edtf, document.date_written = "1938-04-30?", "April 30 (?), 1938"
    document.save()
    tree = valid(relaxng, download(client, f"/collections/{COLLECTION}/cmif.xml"))
    date = desc_of(tree, "D000004").find(".//tei:date", NS)
    assert date.attrib == {"notBefore": "1938-04-30", "notAfter": "1938-04-30"}
    assert date.text == "April 30 (?), 1938"


def test_filtered_list_export_uses_the_list_filters(relaxng, client, seed):
    tree = valid(
        relaxng,
        download(
            client, "/documents/export.cmif.xml", {"author": "person:chicherin-georgy-vasilyevich"}
        ),
    )
    assert refs(tree) == [
        f"http://testserver/documents/{i}/" for i in ("D000006", "D000007", "D000001")
    ]
    html = client.get(
        "/documents/", {"author": "person:chicherin-georgy-vasilyevich"}
    ).content.decode()
    assert 'href="/documents/export.cmif.xml?author=person%3Achicherin-georgy-vasilyevich"' in html


def test_no_draft_is_ever_exported(relaxng, client, seed):
    draft = Document.objects.get(identifier="D000012")
    assert draft.status == Status.DRAFT
    for url, params in [
        (f"/collections/{COLLECTION}/cmif.xml", {}),
        ("/documents/export.cmif.xml", {}),
        ("/documents/export.cmif.xml", {"author": f"person:{draft_author_slug()}"}),
    ]:
        tree = valid(relaxng, download(client, url, params))
        assert "D000012" not in etree.tostring(tree, encoding="unicode")


def draft_author_slug():
    return Correspondent.objects.get(document__identifier="D000012", role="author").person.slug


def test_an_empty_list_is_still_a_valid_file(relaxng, client, seed):
    tree = valid(relaxng, download(client, "/documents/export.cmif.xml", {"date_from": "1999"}))
    assert refs(tree) == []


def test_too_long_a_list_is_refused(client, seed, settings):
    settings.CITATION_EXPORT_MAX = 3
    response = client.get("/documents/export.cmif.xml")
    assert response.status_code == 400
    assert "at most 3" in response.content.decode()


def test_unknown_collection_is_404(client, seed):
    assert client.get("/collections/nope/cmif.xml").status_code == 404


def test_query_count_is_constant(client, seed, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        b"".join(client.get(f"/collections/{COLLECTION}/cmif.xml").streaming_content)
