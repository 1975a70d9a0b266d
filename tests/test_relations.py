"""Relations between documents (issue 15, item 1): model, admin, reading page, API, JSON-LD,
CSL-JSON and the importer's suggestions."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalogue.citations.csl import csl_item, for_citation
from catalogue.importers.relations import suggest_references
from catalogue.models import Document, DocumentRelation, RelationKind, Status, public_relations
from catalogue.versioning import current_version
from tests.admin_forms import post_data


def doc(identifier):
    return Document.objects.get(identifier=identifier)


def relate(source, kind, target, **fields):
    return DocumentRelation.objects.create(
        source=doc(source), kind=kind, target=doc(target), **fields
    )


def reading_page(client, identifier):
    response = client.get(f"/documents/{identifier}/")
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


# --- Model ------------------------------------------------------------------------------------


def test_seed_relations_are_read_from_both_sides(seed):
    assert [(r.key, r.document.identifier) for r in public_relations(doc("D000007"))] == [
        ("refers_to", "D000006")
    ]
    assert [(r.label, r.document.identifier) for r in public_relations(doc("D000006"))] == [
        ("Is referred to by", "D000007")
    ]
    # symmetric: the same words from both ends
    assert [r.key for r in public_relations(doc("D000001"))] == ["same_event"]
    assert [r.key for r in public_relations(doc("D000010"))] == ["same_event"]


def test_a_document_cannot_be_related_to_itself(seed):
    relation = DocumentRelation(source=doc("D000001"), kind="refers_to", target=doc("D000001"))
    with pytest.raises(ValidationError):
        relation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        relation.save()


def test_one_relation_of_a_kind_per_pair_in_either_direction(seed):
    with pytest.raises(IntegrityError), transaction.atomic():
        relate("D000001", RelationKind.SAME_EVENT, "D000010")  # the seed has 10 -> 1
    relate("D000001", RelationKind.REPLIES_TO, "D000010")  # another kind is fine


def test_relations_to_or_from_drafts_and_suggestions_are_not_public(client, seed):
    draft = "D000012"
    assert doc(draft).status == Status.DRAFT
    relate("D000004", RelationKind.REPLIES_TO, draft)
    relate(draft, RelationKind.REFERS_TO, "D000003")
    relate("D000005", RelationKind.REFERS_TO, "D000002", suggested=True)
    for identifier in ("D000004", "D000003", "D000005", "D000002"):
        assert public_relations(doc(identifier)) == []
        assert draft not in reading_page(client, identifier)
        assert 'id="related-heading"' not in reading_page(client, identifier)


def test_editing_a_relation_of_a_published_document_moves_the_catalogue_version(seed):
    before = current_version()
    relate("D000004", RelationKind.REPLIES_TO, "D000003")
    assert current_version() > before
    before = current_version()
    relate("D000012", RelationKind.REFERS_TO, "D000003")  # from a draft: nothing public
    assert current_version() == before


# --- Admin ------------------------------------------------------------------------------------


def test_admin_edits_relations_inline_and_shows_the_inverse(seed, editor_client):
    page = editor_client.get(f"/admin/catalogue/document/{doc('D000006').pk}/change/")
    html = page.content.decode()
    assert "Relations from other documents" in html
    assert "Is referred to by" in html and "D000007" in html
    page = editor_client.get(f"/admin/catalogue/document/{doc('D000007').pk}/change/")
    html = page.content.decode()
    assert 'name="relations_out-0-target"' in html
    assert "admin-autocomplete" in html


def test_admin_saves_a_new_relation(client, seed, editor_client):
    source = doc("D000004")
    url = f"/admin/catalogue/document/{source.pk}/change/"
    prefix = "relations_out"
    data = post_data(
        editor_client.get(url),
        **{
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-kind": RelationKind.REPLIES_TO,
            f"{prefix}-0-target": str(doc("D000003").pk),
            f"{prefix}-0-note": "Answers the Berlin telegram.",
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    relation = DocumentRelation.objects.get(source=source)
    assert (relation.kind, relation.target.identifier) == ("replies_to", "D000003")
    assert "Is replied to by" in reading_page(client, "D000003")


# --- Public outputs ---------------------------------------------------------------------------


def test_reading_page_links_related_documents(client, seed):
    html = reading_page(client, "D000001")
    assert 'id="related-heading"' in html
    assert 'href="/documents/D000010/"' in html
    assert "Another record of the same conversation or event" in html
    html = reading_page(client, "D000006")
    assert "Is referred to by" in html and 'href="/documents/D000007/"' in html


def test_reading_page_query_count_does_not_grow_with_relations(
    client, seed, django_assert_max_num_queries
):
    client.get("/documents/D000006/")
    for target in ("D000002", "D000003", "D000004", "D000005"):
        relate("D000006", RelationKind.REFERS_TO, target)
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(40) as captured:
        client.get("/documents/D000006/")
    queries = [q["sql"] for q in captured.captured_queries if "documentrelation" in q["sql"]]
    assert len(queries) == 2


def test_json_ld_uses_schema_org_properties(client, seed):
    relate("D000004", RelationKind.REPLIES_TO, "D000003")
    data = json_ld(reading_page(client, "D000007"))
    assert data["citation"] == [
        {"@id": "http://testserver/documents/D000006/", "identifier": "D000006"}
    ]
    data = json_ld(reading_page(client, "D000004"))
    assert data["parentItem"][0]["identifier"] == "D000003"
    assert "parentItem" not in json_ld(reading_page(client, "D000003"))


def test_api_gives_relations_from_this_side(client, seed):
    data = client.get("/api/documents/D000006").json()
    assert data["related"] == [
        {
            "relation": "referred_to_by",
            "label": "Is referred to by",
            "identifier": "D000007",
            "title": doc("D000007").display_title,
            "url": "http://testserver/documents/D000007/",
            "api_url": "http://testserver/api/documents/D000007",
            "note": doc("D000007").relations_out.get().note,
        }
    ]
    relate("D000006", RelationKind.REPLIES_TO, "D000012")  # a draft
    assert len(client.get("/api/documents/D000006").json()["related"]) == 1


def test_csl_json_carries_relations_in_custom(seed):
    document = for_citation(Document.objects.published()).get(identifier="D000007")
    item = csl_item(document, url="http://example.org/documents/D000007/")
    assert item["custom"] == {
        "relations": [
            {
                "relation": "refers_to",
                "label": "Refers to",
                "id": "D000006",
                "URL": "http://example.org/documents/D000006/",
            }
        ]
    }
    assert "references" not in item  # printed by the Chicago styles; not a relation
    unrelated = for_citation(Document.objects.published()).get(identifier="D000002")
    assert "custom" not in csl_item(unrelated, url="x")


def test_bulk_csl_export_prefetches_relations(client, seed, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as captured:
        response = client.get("/documents/export.json")
        items = json.loads(b"".join(response.streaming_content))
    assert {i["id"] for i in items if "custom" in i} == {"D000001", "D000006", "D000007", "D000010"}
    relation_queries = [q for q in captured.captured_queries if "documentrelation" in q["sql"]]
    assert len(relation_queries) == 2


# --- Importer ---------------------------------------------------------------------------------


def test_importer_suggests_refers_to_for_a_named_document(seed):
    target = doc("D000006")  # May 13, 1921, no. 11/930
    body = "As stated in our note of May 13, 1921 no. 11/930, the government protests again."
    draft = Document.objects.create(
        collection=target.collection, heading="Test note", body=body, status=Status.DRAFT
    )
    created = suggest_references(draft)
    assert [(r.kind, r.target_id, r.suggested) for r in created] == [("refers_to", target.pk, True)]
    assert suggest_references(draft) == []  # not twice


def test_importer_suggests_nothing_for_a_date_alone_or_an_unknown_number(seed):
    target = doc("D000006")
    for body in (
        "As of May 13, 1921 the troops left.",
        "Our note of May 13, 1921 no. 99/999 was ignored.",
    ):
        draft = Document.objects.create(
            collection=target.collection, heading="Test", body=body, status=Status.DRAFT
        )
        assert suggest_references(draft) == []


def test_seed_relations_pass_full_clean(seed):
    relations = list(DocumentRelation.objects.all())
    assert len(relations) == 2
    for relation in relations:
        relation.full_clean()
        assert not relation.suggested


def test_admin_refuses_a_duplicate_with_a_message(seed, editor_client):
    source = doc("D000001")  # the seed has D000010 same_event D000001
    url = f"/admin/catalogue/document/{source.pk}/change/"
    data = post_data(
        editor_client.get(url),
        **{
            "relations_out-TOTAL_FORMS": "1",
            "relations_out-0-kind": RelationKind.SAME_EVENT,
            "relations_out-0-target": str(doc("D000010").pk),
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "already have a relation of this kind" in response.content.decode()
    assert DocumentRelation.objects.filter(source=source).count() == 0
