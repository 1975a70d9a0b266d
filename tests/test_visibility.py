"""Drafts and documents in review never show publicly: not in lists, counts, search, authority
pages or indexes, and their own addresses answer 404."""

import pytest

from catalogue.models import Correspondent, CorrespondentRole, Mention, Status, Theme
from tests.factories import make_collection, make_document, make_person, make_place

pytestmark = pytest.mark.django_db

SECRET_WORD = "Zanzibarovich"


@pytest.fixture
def hidden(db):
    """A published letter, and a draft and a document in review sharing its authorities, plus a
    person and a place that only the hidden documents name."""
    collection = make_collection(title="Visible collection", slug="visible")
    author = make_person("Public Author", slug="public-author")
    hidden_person = make_person(f"{SECRET_WORD} Person", slug="hidden-person")
    place = make_place("Public Place", slug="public-place")
    hidden_place = make_place(f"{SECRET_WORD} Town", slug="hidden-place")
    turkey = Theme.objects.get(slug="turkey")

    published = make_document(collection, heading="Published letter", date_edtf="1930-01-01")
    Correspondent.objects.create(document=published, role=CorrespondentRole.AUTHOR, person=author)
    Mention.objects.create(document=published, place=place)
    published.themes.add(turkey)

    documents = {"published": published}
    for status in (Status.DRAFT, Status.REVIEW):
        document = make_document(
            collection,
            heading=f"{SECRET_WORD} {status} heading",
            body=f"{SECRET_WORD} body",
            date_edtf="1925-05-05",
            status=status,
            place_of_origin=hidden_place,
        )
        Correspondent.objects.create(
            document=document, role=CorrespondentRole.AUTHOR, person=author
        )
        Correspondent.objects.create(
            document=document, role=CorrespondentRole.RECIPIENT, person=hidden_person
        )
        Mention.objects.create(document=document, place=place)
        Mention.objects.create(document=document, place=hidden_place)
        Mention.objects.create(document=document, person=hidden_person)
        document.themes.add(turkey)
        documents[status] = document
    return documents


PUBLIC_PAGES = [
    "/",
    "/documents/",
    "/documents/?sort=-date",
    f"/documents/?q={SECRET_WORD}",
    "/documents/?author=person:public-author",
    "/documents/?place=public-place&theme=turkey",
    "/documents/?year=1925",
    "/documents/?recipient=person:hidden-person",
    "/persons/",
    "/persons/?sort=count",
    "/persons/public-author/",
    "/persons/hidden-person/",
    "/places/",
    "/places/public-place/",
    "/places/hidden-place/",
    "/collections/visible/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_hidden_documents_appear_nowhere(hidden, client, url):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    for status in (Status.DRAFT, Status.REVIEW):
        assert hidden[status].get_absolute_url() not in content
        assert f"{SECRET_WORD} {status}" not in content
    if "1925" not in url:  # a selected year stays listed, with 0 documents
        assert "1925" not in content  # neither as a year facet nor in a browse-by-year list


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_hidden_documents_answer_404(hidden, client, status):
    document = hidden[status]
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(f"{document.get_absolute_url()}{document.slug}/").status_code == 404


def test_counts_include_published_documents_only(hidden, client):
    list_page = client.get("/documents/")
    assert list_page.context["result_count"] == 1
    facets = {facet.name: facet for facet in list_page.context["facets"]}
    assert {v.value: v.count for v in facets["author"].values} == {"person:public-author": 1}
    assert {v.value: v.count for v in facets["theme"].values} == {"turkey": 1}
    assert {v.value: v.count for v in facets["place"].values} == {"public-place": 1}
    assert "recipient" not in {name for name, facet in facets.items() if facet.values}

    assert client.get("/").context["document_count"] == 1
    author = client.get("/persons/public-author/").context["groups"]
    assert [group.count for group in author] == [1, 0, 0]
    place = client.get("/places/public-place/").context["groups"]
    assert [group.count for group in place] == [0, 1]
    persons = client.get("/persons/").context["authorities"]
    assert [person.slug for person in persons] == ["public-author"]
    places = client.get("/places/").context["authorities"]
    assert [place.slug for place in places] == ["public-place"]


def test_publishing_makes_a_document_visible(hidden, client):
    draft = hidden[Status.DRAFT]
    draft.status = Status.PUBLISHED
    draft.save()
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(f"/documents/?q={SECRET_WORD}").context["result_count"] == 1


def test_a_person_in_two_roles_on_one_document_counts_once(hidden, client):
    published = hidden["published"]
    author = published.correspondents.get().person
    Correspondent.objects.create(
        document=published, role=CorrespondentRole.SIGNATORY, person=author
    )
    groups = client.get(author.get_absolute_url()).context["groups"]
    assert [group.count for group in groups] == [1, 0, 0]
    assert len(groups[0].documents) == 1
