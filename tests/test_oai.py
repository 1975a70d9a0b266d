"""OAI-PMH 2.0 at /oai/: every verb, every error condition, resumption, selective harvesting,
withdrawn documents as deleted records; every response checked against the OAI-PMH and
oai_dc schemas (tests/data/oai), and the whole seed collection harvested by an independent
harvester (oaipmh-scythe) over HTTP."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from oaipmh_scythe import Scythe

from catalogue.models import Collection, Document, Status, WithdrawnDocument
from tests.factories import make_document
from tests.oai_schema import validate

NS = {"oai": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
REPOSITORY = "archive-catalogue.example.org"


DC = {"metadataPrefix": "oai_dc"}


def oai_id(identifier):
    return f"oai:{REPOSITORY}:{identifier}"


def ask(client, method="get", **arguments):
    """One request; the response must be schema-valid XML. Returns its root element."""
    response = getattr(client, method)("/oai/", arguments)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return validate(response.content)


def error_codes(root):
    return [error.get("code") for error in root.findall("oai:error", NS)]


def identifiers(root):
    return [element.text for element in root.iterfind(".//oai:header/oai:identifier", NS)]


LETTER = oai_id("D000001")


def published_ids():
    return {oai_id(d.identifier) for d in Document.objects.published()}


def harvest(client, verb="ListIdentifiers", **arguments):
    """Follow resumption tokens to the end; returns (headers, pages)."""
    pages = [ask(client, verb=verb, **arguments)]
    while (token := pages[-1].find(f".//oai:{verb}/oai:resumptionToken", NS)) is not None and (
        token.text
    ):
        pages.append(ask(client, verb=verb, resumptionToken=token.text))
    headers = [h for page in pages for h in page.iterfind(".//oai:header", NS)]
    return headers, pages


# --- The verbs --------------------------------------------------------------------------------


def test_identify(client, seed):
    root = ask(client, verb="Identify")
    identify = root.find("oai:Identify", NS)
    assert identify.findtext("oai:baseURL", namespaces=NS) == "http://testserver/oai/"
    assert identify.findtext("oai:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    earliest = min(d.updated_at for d in Document.objects.published())
    assert identify.findtext("oai:earliestDatestamp", namespaces=NS) == earliest.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert root.find("oai:request", NS).get("verb") == "Identify"


def test_list_metadata_formats_and_sets(client, seed):
    formats = ask(client, verb="ListMetadataFormats")
    assert [p.text for p in formats.iterfind(".//oai:metadataPrefix", NS)] == ["oai_dc"]
    one = ask(client, verb="ListMetadataFormats", identifier=oai_id("D000001"))
    assert one.find(".//oai:metadataPrefix", NS).text == "oai_dc"
    sets = ask(client, verb="ListSets")
    assert [s.text for s in sets.iterfind(".//oai:setSpec", NS)] == [
        "soviet-foreign-policy-1919-1941"
    ]


def test_get_record_gives_dublin_core_of_the_document(client, seed):
    root = ask(client, verb="GetRecord", identifier=oai_id("D000001"), metadataPrefix="oai_dc")
    dc = root.find(".//oai:metadata/{http://www.openarchives.org/OAI/2.0/oai_dc/}dc", NS)
    values = {}
    for element in dc:
        values.setdefault(element.tag.split("}")[1], []).append(element.text)
    assert values["title"] == ["Letter from G. V. Chicherin to M. V. Frunze"]
    assert values["creator"] == ["Chicherin, Georgy Vasilyevich"]
    assert values["contributor"] == ["Mikhail Vasilyevich Frunze"]
    assert values["date"] == ["1921-12-26"]
    assert "http://testserver/documents/D000001/" in values["identifier"]
    assert "Ankara" in values["coverage"] and "Enver Pasha" in values["subject"]
    assert any("printed from the archive copy" in d for d in values["description"])


def test_list_records_gives_every_published_document_once(client, seed):
    headers, _pages = harvest(client, "ListRecords", metadataPrefix="oai_dc")
    ids = [h.findtext("oai:identifier", namespaces=NS) for h in headers]
    assert sorted(ids) == sorted(published_ids())
    assert oai_id("D000012") not in ids  # the draft


def test_post_is_answered_like_get(client, seed):
    root = ask(client, method="post", verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert set(identifiers(root)) == published_ids()


# --- Resumption and selective harvesting ------------------------------------------------------


def test_resumption_tokens_page_through_the_list(client, seed, settings):
    settings.OAI_BATCH_SIZE = 3
    headers, pages = harvest(client, metadataPrefix="oai_dc")
    ids = [h.findtext("oai:identifier", namespaces=NS) for h in headers]
    assert len(pages) == 4 and len(ids) == len(set(ids)) == 11
    tokens = [page.find(".//oai:resumptionToken", NS) for page in pages]
    assert [t.get("cursor") for t in tokens] == ["0", "3", "6", "9"]
    assert {t.get("completeListSize") for t in tokens} == {"11"}
    assert tokens[-1].text is None  # the last page of a resumed list has an empty token
    # In datestamp order, so that a harvester can resume from the last datestamp it saw.
    stamps = [h.findtext("oai:datestamp", namespaces=NS) for h in headers]
    assert stamps == sorted(stamps)


def test_a_record_changed_during_a_harvest_is_neither_skipped_nor_repeated(client, seed, settings):
    settings.OAI_BATCH_SIZE = 4
    first = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    seen = identifiers(first)
    # A record not yet given is edited: it moves to the end of the datestamp order.
    later = next(d for d in Document.objects.published() if oai_id(d.identifier) not in seen)
    later.save()
    token = first.find(".//oai:resumptionToken", NS).text
    while token:
        page = ask(client, verb="ListIdentifiers", resumptionToken=token)
        seen += identifiers(page)
        token = page.find(".//oai:resumptionToken", NS).text
    assert sorted(seen) == sorted(published_ids())


def test_from_and_until_select_by_datestamp(client, seed):
    letter = Document.objects.get(identifier="D000001")
    letter.save()  # now the newest record
    stamp = Document.objects.get(pk=letter.pk).updated_at
    since = ask(
        client,
        verb="ListIdentifiers",
        metadataPrefix="oai_dc",
        **{"from": stamp.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    assert identifiers(since) == [oai_id("D000001")]
    before = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2025-01-15")
    assert oai_id("D000001") not in identifiers(before)
    assert set(identifiers(before)) < published_ids()
    same_day = ask(
        client,
        verb="ListIdentifiers",
        metadataPrefix="oai_dc",
        until=stamp.date().isoformat(),
        **{"from": stamp.date().isoformat()},
    )
    assert oai_id("D000001") in identifiers(same_day)


def test_set_selects_a_collection(client, seed):
    other = Collection.objects.create(title="Other collection", slug="other")
    make_document(collection=other, heading="In the other collection")
    chosen = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="other")
    assert len(identifiers(chosen)) == 1
    main = ask(
        client,
        verb="ListIdentifiers",
        metadataPrefix="oai_dc",
        set="soviet-foreign-policy-1919-1941",
    )
    assert set(identifiers(main)) == published_ids() - set(identifiers(chosen))
    sets = {s.text for s in ask(client, verb="ListSets").iterfind(".//oai:setSpec", NS)}
    assert sets == {"other", "soviet-foreign-policy-1919-1941"}


# --- Withdrawn documents ----------------------------------------------------------------------


def withdraw(identifier):
    document = Document.objects.get(identifier=identifier)
    document.status = Status.REVIEW
    document.save()
    return document


def test_withdrawn_document_is_a_deleted_record_for_ever(client, seed):
    before = timezone.now().replace(microsecond=0)
    withdraw("D000001")
    root = ask(client, verb="GetRecord", identifier=oai_id("D000001"), metadataPrefix="oai_dc")
    header = root.find(".//oai:header", NS)
    assert header.get("status") == "deleted"
    stamp = datetime.datetime.strptime(
        header.findtext("oai:datestamp", namespaces=NS), "%Y-%m-%dT%H:%M:%SZ"
    ).replace(tzinfo=datetime.UTC)
    assert stamp >= before
    assert root.find(".//oai:metadata", NS) is None  # never its content
    assert (
        b"Frunze"
        not in client.get(
            "/oai/",
            {"verb": "GetRecord", "identifier": oai_id("D000001"), "metadataPrefix": "oai_dc"},
        ).content
    )
    listed = ask(client, verb="ListRecords", metadataPrefix="oai_dc")
    deleted = [
        r for r in listed.iterfind(".//oai:record", NS) if r.find("oai:header", NS).get("status")
    ]
    assert [r.findtext(".//oai:identifier", namespaces=NS) for r in deleted] == [oai_id("D000001")]
    assert deleted[0].find("oai:metadata", NS) is None
    # Deleting the row outright keeps the deleted record.
    Document.objects.filter(identifier="D000001").delete()
    again = ask(client, verb="GetRecord", identifier=oai_id("D000001"), metadataPrefix="oai_dc")
    assert again.find(".//oai:header", NS).get("status") == "deleted"


def test_published_document_deleted_outright_is_a_deleted_record(client, seed):
    Document.objects.get(identifier="D000002").delete()
    assert WithdrawnDocument.objects.filter(identifier="D000002").exists()
    root = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    statuses = {
        h.findtext("oai:identifier", namespaces=NS): h.get("status")
        for h in root.iterfind(".//oai:header", NS)
    }
    assert statuses[oai_id("D000002")] == "deleted"


def test_republished_document_is_live_again(client, seed):
    document = withdraw("D000003")
    document.status = Status.PUBLISHED
    document.save()
    root = ask(client, verb="GetRecord", identifier=oai_id("D000003"), metadataPrefix="oai_dc")
    assert root.find(".//oai:header", NS).get("status") is None
    assert root.find(".//oai:metadata", NS) is not None


def test_drafts_never_published_never_appear(client, seed):
    draft = Document.objects.get(identifier="D000012")
    draft.status = Status.REVIEW
    draft.save()
    draft.delete()
    listed = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert oai_id("D000012") not in identifiers(listed)
    root = ask(client, verb="GetRecord", identifier=oai_id("D000012"), metadataPrefix="oai_dc")
    assert error_codes(root) == ["idDoesNotExist"]


def test_withdrawn_records_keep_their_set(client, seed):
    withdraw("D000004")
    chosen = ask(
        client,
        verb="ListIdentifiers",
        metadataPrefix="oai_dc",
        set="soviet-foreign-policy-1919-1941",
    )
    assert oai_id("D000004") in identifiers(chosen)


# --- Error conditions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Explain"}, "badVerb"),
        ({"verb": "GetMetadata", "identifier": "x", **DC}, "badVerb"),
        ({"verb": ["Identify", "ListSets"]}, "badVerb"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "GetRecord", **DC}, "badArgument"),
        ({"verb": "ListIdentifiers", "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument"),
        ({"verb": "ListRecords", **DC, "from": "yesterday"}, "badArgument"),
        ({"verb": "ListRecords", **DC, "from": "2024-02-30"}, "badArgument"),
        ({"verb": "ListRecords", **DC, "until": "2024-01-01T10:00:00"}, "badArgument"),
        ({"verb": "ListRecords", **DC, "from": "2024-01-01", "until": "2024-02-01T00:00:00Z"},
         "badArgument"),
        ({"verb": "ListRecords", **DC, "from": "2024-02-01", "until": "2024-01-01"}, "badArgument"),
        ({"verb": "ListRecords", **DC, "resumptionToken": "x"}, "badArgument"),
        ({"verb": "ListRecords", **DC, "set": "no\x00set"}, "badArgument"),
        ({"verb": "ListRecords", **DC, "set": "a b"}, "badArgument"),
        ({"verb": "GetRecord", **DC, "identifier": oai_id("D0\x0001")}, "idDoesNotExist"),
        ({"verb": "Identify", "resumptionToken": "x"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "x" * 5000}, "badArgument"),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "\x00%%%"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "identifier": LETTER, "metadataPrefix": "mods"},
         "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "identifier": oai_id("D9"), **DC}, "idDoesNotExist"),
        ({"verb": "GetRecord", "identifier": "D000001", **DC}, "idDoesNotExist"),
        ({"verb": "GetRecord", "identifier": "oai:elsewhere.org:D000001", **DC}, "idDoesNotExist"),
        ({"verb": "ListMetadataFormats", "identifier": oai_id("../etc")}, "idDoesNotExist"),
        ({"verb": "ListRecords", **DC, "from": "2999-01-01"}, "noRecordsMatch"),
        ({"verb": "ListIdentifiers", **DC, "set": "no-such-set"}, "noRecordsMatch"),
    ],
)  # fmt: skip
def test_error_conditions(client, seed, arguments, code):
    root = ask(client, **arguments)
    assert error_codes(root) == [code]
    request = root.find("oai:request", NS)
    assert request.text == "http://testserver/oai/"
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}  # protocol 3.2: no attributes after these errors


def test_token_of_another_verb_is_refused(client, seed, settings):
    settings.OAI_BATCH_SIZE = 2
    token = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc").find(
        ".//oai:resumptionToken", NS
    )
    root = ask(client, verb="ListRecords", resumptionToken=token.text)
    assert error_codes(root) == ["badResumptionToken"]


def test_tampered_token_is_refused(client, seed, settings):
    settings.OAI_BATCH_SIZE = 2
    token = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc").find(
        ".//oai:resumptionToken", NS
    )
    root = ask(client, verb="ListIdentifiers", resumptionToken=token.text[:-2] + "xx")
    assert error_codes(root) == ["badResumptionToken"]


@pytest.mark.django_db
def test_no_set_hierarchy_without_collections(client):
    assert not Collection.objects.exists()
    assert error_codes(ask(client, verb="ListSets")) == ["noSetHierarchy"]
    root = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="any")
    assert error_codes(root) == ["noSetHierarchy"]
    assert error_codes(ask(client, verb="ListRecords", metadataPrefix="oai_dc")) == [
        "noRecordsMatch"
    ]
    ask(client, verb="Identify")  # valid even when the repository is empty


# --- An independent harvester over HTTP -------------------------------------------------------


@pytest.fixture
def live_seed(transactional_db):
    call_command("load_seed", verbosity=0)


# Serialized rollback: the data migrations' themes and groups are there whatever transactional
# test ran before (each flushes the database when it ends).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_harvester_harvests_the_whole_seed_collection(live_server, live_seed, settings):
    """oaipmh-scythe against a live server on an ephemeral port, with small pages so that it
    follows resumption tokens; every response it receives is validated against the schemas."""
    settings.OAI_BATCH_SIZE = 4
    withdraw("D000011")
    responses = []

    def check(response):
        response.read()
        responses.append(validate(response.content))

    with Scythe(f"{live_server.url}/oai/") as scythe:
        scythe.client.event_hooks["response"].append(check)
        identify = scythe.identify()
        assert identify.deletedRecord == "persistent"
        records = list(scythe.list_records(metadata_prefix="oai_dc"))
        live = list(scythe.list_records(metadata_prefix="oai_dc", ignore_deleted=True))
        sets = list(scythe.list_sets())
        one = scythe.get_record(identifier=oai_id("D000010"), metadata_prefix="oai_dc")
    identifiers_harvested = {record.header.identifier for record in records}
    assert identifiers_harvested == published_ids() | {oai_id("D000011")}
    assert [r.header.identifier for r in records if r.deleted] == [oai_id("D000011")]
    assert len(live) == Document.objects.published().count() == 10
    assert all(record.metadata["title"] for record in live)
    list_pages = [root for root in responses if root.find("oai:ListRecords", NS) is not None]
    assert len(list_pages) == 6  # two harvests of 11 records in pages of 4
    assert [s.setSpec for s in sets] == ["soviet-foreign-policy-1919-1941"]
    assert one.metadata["date"] == ["1921-08-13"]
    assert len(responses) == 9  # Identify, 3 + 3 list pages, ListSets, GetRecord
