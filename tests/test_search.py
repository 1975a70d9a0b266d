"""Full-text search: typography, name variants, the index kept fresh, ranking and snippets."""

import lxml.html
import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict

from catalogue.excerpts import headlines
from catalogue.filters import DocumentFilter
from catalogue.models import (
    Correspondent,
    CorrespondentRole,
    Document,
    Footnote,
    Mention,
    PersonName,
    PlaceName,
    Status,
)
from catalogue.search import SearchTerms, searchable
from tests.factories import make_collection, make_document, make_person, make_place

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking needs PostgreSQL full-text search"
)


def found(query, status_filter=True):
    documents = Document.objects.published() if status_filter else Document.objects.all()
    return [d.heading for d in DocumentFilter(QueryDict(query), queryset=documents).qs]


def search_for(text):
    params = QueryDict(mutable=True)
    params["q"] = text
    return found(params.urlencode())


@pytest.fixture
def collection(db):
    return make_collection()


def test_indexed_text_is_folded_with_joined_compounds():
    assert searchable("Peopleʹs ʺunity‐andʺ Franklin-Bouillon") == (
        "peoples unity and franklin bouillon unityand franklinbouillon"
    )


def test_typography_does_not_matter(collection):
    make_document(collection, heading="Letter", body="the peopleʹs commissar of the RSFSR")
    make_document(collection, heading="Other", body="the commissar of the people")
    for query in ["people's", "PEOPLE’S", "peoples", "peopleʹs"]:
        assert "Letter" in search_for(query), query


def test_hyphens_and_fused_words_meet(collection):
    make_document(collection, heading="Fused", body="on the franklinbouillon negotiations")
    make_document(collection, heading="Hyphenated", body="the Franklin‐Bouillon treaty")
    assert sorted(search_for("Franklin-Bouillon")) == ["Fused", "Hyphenated"]
    assert sorted(search_for("franklinbouillon")) == ["Fused", "Hyphenated"]


def test_a_mentioned_place_is_found_under_all_its_names(collection):
    ankara = make_place("Ankara")
    PlaceName.objects.create(place=ankara, name="Angora")
    letter = make_document(collection, heading="Letter", body="France made friends with angora.")
    Mention.objects.create(document=letter, place=ankara, name_as_printed="angora")
    make_document(collection, heading="Unrelated", body="France made friends with Rome.")
    assert search_for("Ankara") == ["Letter"]
    assert search_for("Angora") == ["Letter"]


def test_a_person_is_found_under_a_variant_of_the_indexed_name(collection):
    ataturk = make_person("Mustafa Kemal Atatürk")
    PersonName.objects.create(person=ataturk, name="Ataturk")
    PersonName.objects.create(person=ataturk, name="Mustafa Kemal")
    note = make_document(collection, heading="Note", body="Conversation with Ataturk.")
    Mention.objects.create(document=note, person=ataturk)
    assert search_for("Mustafa Kemal") == ["Note"]
    assert search_for("Atatürk") == ["Note"]


def test_query_names_expand_to_their_variants_without_a_mention(collection):
    istanbul = make_place("Istanbul")
    PlaceName.objects.create(place=istanbul, name="Constantinople")
    make_document(collection, heading="Embassy", body="The embassy in Istanbul reports.")
    assert search_for("Constantinople") == ["Embassy"]
    assert SearchTerms.parse("Constantinople").alternatives == ["istanbul"]


def test_correspondents_and_footnotes_are_searchable(collection):
    chicherin = make_person("G. V. Chicherin")
    letter = make_document(collection, heading="Letter", body="Dear comrade.")
    Correspondent.objects.create(document=letter, role=CorrespondentRole.AUTHOR, person=chicherin)
    Footnote.objects.create(document=letter, marker="1", text="Enver pasha, a war minister.")
    assert search_for("Chicherin") == ["Letter"]
    assert search_for("Enver pasha") == ["Letter"]


def test_the_index_follows_edits(collection):
    place = make_place("Trabzon")
    letter = make_document(collection, heading="Letter", body="Dear comrade.")
    assert search_for("Trapezund") == []

    mention = Mention.objects.create(document=letter, place=place)
    PlaceName.objects.create(place=place, name="Trapezund")  # a variant added later
    assert search_for("Trapezund") == ["Letter"]

    place.name = "Trebizond"
    place.save()  # renaming the authority refreshes the documents naming it
    assert search_for("Trebizond") == ["Letter"]

    mention.delete()
    assert search_for("Trapezund") == []

    letter.body = "A new text about Erzurum."
    letter.save()
    assert search_for("Erzurum") == ["Letter"]
    footnote = Footnote.objects.create(document=letter, marker="*", text="On Basmachi bands.")
    assert search_for("Basmachi") == ["Letter"]
    footnote.delete()
    assert search_for("Basmachi") == []


def test_drafts_and_documents_in_review_are_never_found(collection):
    make_document(collection, heading="Draft", body="Erzurum", status=Status.DRAFT)
    make_document(collection, heading="Review", body="Erzurum", status=Status.REVIEW)
    make_document(collection, heading="Published", body="Erzurum")
    assert search_for("Erzurum") == ["Published"]
    assert sorted(found("q=Erzurum", status_filter=False)) == ["Draft", "Published", "Review"]


def test_rebuild_command_indexes_bulk_inserted_documents(collection):
    Document.objects.bulk_create(
        [
            Document(
                collection=collection,
                identifier="X000001",
                heading="Bulk",
                body="Kars",
                status=Status.PUBLISHED,
            )
        ]
    )
    assert search_for("Kars") == []
    call_command("rebuild_search_index", verbosity=0)
    assert search_for("Kars") == ["Bulk"]


def test_search_fields_are_not_kept_in_the_history(collection):
    history_fields = {f.name for f in Document.history.model._meta.get_fields()}
    assert "body" in history_fields
    assert not {"search_text", "search_vector"} & history_fields


def test_snippet_highlights_and_escapes(collection):
    letter = make_document(
        collection,
        heading="Letter",
        body="Before <script>alert(1)</script> the concentration of troops near Erzurum & Kars.",
    )
    snippet = headlines([letter], SearchTerms.parse("Erzurum"))[letter.pk]
    fragment = lxml.html.fragment_fromstring(f"<p>{snippet}</p>")
    assert [mark.text for mark in fragment.iter("mark")] == ["Erzurum"]
    assert not list(fragment.iter("script"))
    assert "<script" not in snippet  # escaped (SQLite) or dropped as markup (ts_headline)


def test_list_page_shows_snippets_and_sorts_by_relevance(collection, client):
    make_document(collection, heading="About Kars", body="Kars, Kars and Kars again.")
    page = lxml.html.fromstring(client.get("/documents/?q=Kars").content)
    assert page.xpath('//select[@name="sort"]/option[@selected]/@value') == ["relevance"]
    assert page.xpath("//p[@class='snippet']/mark/text()")[:1] == ["Kars"]
    assert page.xpath('//input[@name="q"]/@value') == ["Kars"]


@postgres_only
def test_ranking_prefers_heading_then_names_then_body_then_footnotes(collection):
    in_footnote = make_document(collection, heading="Fourth", body="Nothing here.")
    Footnote.objects.create(document=in_footnote, marker="1", text="On Erzurum.")
    make_document(collection, heading="Third", body="Troops near Erzurum.")
    named = make_document(collection, heading="Second", body="Nothing here.")
    Mention.objects.create(document=named, place=make_place("Erzurum"))
    make_document(collection, heading="First: Erzurum", body="Nothing here.")
    assert search_for("Erzurum") == ["First: Erzurum", "Second", "Third", "Fourth"]


@postgres_only
def test_a_query_of_stop_words_only_matches_nothing(collection):
    make_document(collection, heading="Letter", body="the and of")
    assert search_for("the and") == []


def test_seed_letter_is_found_by_variants_and_typography(seed):
    for query in [
        "Ankara",
        "angora",
        "people's",
        "Franklin-Bouillon",
        "Mustafa Kemal",
        "Chicherin",
    ]:
        params = QueryDict(mutable=True)
        params["q"] = query
        identifiers = [
            d.identifier for d in DocumentFilter(params, queryset=Document.objects.published()).qs
        ]
        assert "D000001" in identifiers, query


@postgres_only
def test_migration_gives_tsvector_matching_a_realistic_cost():
    with connection.cursor() as cursor:
        cursor.execute("SELECT procost FROM pg_proc WHERE proname = 'ts_match_vq'")
        assert cursor.fetchone()[0] == 100
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'document_search_vector_gin'")
        assert cursor.fetchone()
