"""Search explains itself: an excerpt and where each hit matched; a person's own letters rank
above passing mentions (index weights); “did you mean” for misspelled names."""

import lxml.html
import pytest
from django.db import connection

from catalogue import suggestions
from catalogue.excerpts import as_html, folded_with_offsets, python_excerpt
from catalogue.models import (
    Correspondent,
    CorrespondentRole,
    Document,
    Footnote,
    Mention,
    PersonName,
)
from catalogue.search import SearchTerms, index_parts, with_index_relations
from tests.factories import make_collection, make_document, make_person, make_place

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking needs PostgreSQL full-text search"
)


def rows(client, query):
    """[(title, excerpt text, marked words, found-in sentence)] of the list page for `query`."""
    page = lxml.html.fromstring(client.get("/documents/", query).content)
    found = []
    for row in page.xpath('//article[@class="document-row"]'):
        snippet = row.xpath('.//p[@class="snippet"]')
        found.append(
            (
                row.xpath("string(.//h3)").strip(),
                " ".join(snippet[0].text_content().split()) if snippet else "",
                [mark.text_content() for mark in row.xpath('.//p[@class="snippet"]/mark')],
                " ".join(row.xpath('string(.//p[@class="found-in"])').split()),
            )
        )
    return found


@pytest.fixture
def chicherin(db):
    person = make_person("Georgy Vasilyevich Chicherin", slug="chicherin")
    PersonName.objects.create(person=person, name="Tchitcherine")
    return person


def test_index_puts_correspondents_above_mentioned_names(chicherin):
    enver = make_person("Enver Pasha", slug="enver")
    letter = make_document(make_collection(), heading="Letter", body="Dear comrade.")
    Correspondent.objects.create(document=letter, role=CorrespondentRole.AUTHOR, person=chicherin)
    Mention.objects.create(document=letter, person=enver, name_as_printed="Enver")
    (loaded,) = with_index_relations(Document.objects.filter(pk=letter.pk))
    parts = index_parts(loaded)
    assert "chicherin" in parts["A"] and "tchitcherine" in parts["A"]
    assert "chicherin" not in parts["B"]
    assert "enver" in parts["B"] and "enver" not in parts["A"]


def test_every_hit_shows_an_excerpt_and_where_it_matched(client, chicherin):
    collection = make_collection()
    make_document(collection, heading="In the text", body="Troops were seen near Erzurum today.")
    in_note = make_document(collection, heading="In a note", body="Nothing of interest.")
    Footnote.objects.create(document=in_note, marker="1", text="Erzurum, a fortress town.")
    named = make_document(collection, heading="Named", body="Nothing of interest.")
    Mention.objects.create(document=named, place=make_place("Erzurum"))
    make_document(collection, heading="Report from Erzurum", body="Nothing of interest.")
    found = {
        title: (excerpt, marks, where)
        for title, excerpt, marks, where in rows(client, {"q": "Erzurum"})
    }
    assert set(found) == {"In the text", "In a note", "Named", "Report from Erzurum"}
    for title, (excerpt, marks, _where) in found.items():
        assert marks and all(mark.casefold() == "erzurum" for mark in marks), title
        assert "Erzurum" in excerpt, title
    assert found["In the text"][2] == "Found in the text."
    # ts_headline drops a closing full stop or bracket; the Python excerpt keeps it.
    assert found["In the text"][0].startswith("Troops were seen near Erzurum today")
    assert found["In a note"][2] == "Found in a footnote."
    assert found["In a note"][0].startswith("Erzurum, a fortress town")
    assert found["Named"][2] == "Found in a name."
    assert found["Named"][0].startswith("Erzurum (mentioned")
    assert found["Report from Erzurum"][2] == "Found in the heading."


def test_a_hit_through_several_parts_names_them_all_and_quotes_the_text(client, chicherin):
    letter = make_document(
        make_collection(), heading="Letter to Frunze", body="Signed by Chicherin himself."
    )
    Correspondent.objects.create(document=letter, role=CorrespondentRole.AUTHOR, person=chicherin)
    ((_title, excerpt, marks, where),) = rows(client, {"q": "Chicherin"})
    assert where == "Found in the text and a name."
    assert excerpt.startswith("Signed by Chicherin himself") and marks == ["Chicherin"]
    ((_title, excerpt, marks, where),) = rows(client, {"q": "Tchitcherine"})
    # The text holds "Chicherin" but not the whole name the query stands for: not counted.
    assert where == "Found in a name."
    assert excerpt.startswith("Georgy Vasilyevich Chicherin (author; also Tchitcherine")
    assert "Tchitcherine" in marks


def test_every_hit_for_peoples_in_the_seed_has_a_highlighted_excerpt(seed, client):
    found = rows(client, {"q": "people's"})
    assert len(found) >= 8
    for title, excerpt, marks, where in found:
        assert excerpt and marks, title
        assert where.startswith("Found in "), title


def test_python_excerpt_marks_words_across_typography_and_escapes():
    terms = SearchTerms.parse("people's commissar", expand_names=False)
    text = "Long before it, the peopleʹs commissar <b>wrote</b> to the Peopleʹs Commissariat."
    excerpt = python_excerpt(text, terms)
    assert excerpt.count("\ue000") == 4  # people's twice, commissar twice (in "Commissariat")
    html = as_html(excerpt)
    assert "<b>" not in html and "&lt;b&gt;" in html
    fragment = lxml.html.fragment_fromstring(f"<p>{html}</p>")
    assert [m.text for m in fragment.iter("mark")][:2] == ["peopleʹs", "commissar"]
    folded, offsets = folded_with_offsets("Saracoğlu’s")
    assert folded == "saracoglus" and len(offsets) == len(folded)


@postgres_only
def test_a_persons_own_letters_rank_above_passing_mentions(chicherin):
    from django.http import QueryDict

    from catalogue.filters import DocumentFilter

    collection = make_collection()
    mentioning = make_document(
        collection,
        heading="Report on the talks",
        body="Chicherin said that Chicherin would see Chicherin's deputy.",
    )
    Mention.objects.create(document=mentioning, person=chicherin, name_as_printed="Chicherin")
    letter = make_document(collection, heading="Letter to Frunze", body="Dear comrade.")
    Correspondent.objects.create(document=letter, role=CorrespondentRole.AUTHOR, person=chicherin)
    received = make_document(collection, heading="Telegram to Moscow", body="Urgent.")
    Correspondent.objects.create(
        document=received, role=CorrespondentRole.RECIPIENT, person=chicherin
    )
    ranked = DocumentFilter(QueryDict("q=Chicherin"), queryset=Document.objects.published()).qs
    headings = [document.heading for document in ranked]
    assert headings[-1] == "Report on the talks"
    assert set(headings[:2]) == {"Letter to Frunze", "Telegram to Moscow"}


@postgres_only
def test_seed_search_for_chicherin_puts_his_letters_first(seed, client):
    found = [title for title, *_ in rows(client, {"q": "Chicherin"})]
    assert found[-1].startswith("Note from P. Mdivani")  # mentions him only
    assert all("Chicherin" in title for title in found[:-1])


# --- Did you mean ---------------------------------------------------------------------------


def suggestion(client, query):
    page = lxml.html.fromstring(client.get("/documents/", query).content)
    links = page.xpath('//p[@class="suggestion"]/a')
    return [(link.text_content(), link.get("href")) for link in links]


def test_a_misspelled_name_gets_did_you_mean(seed, client):
    assert suggestion(client, {"q": "Chicheirn"}) == [("Chicherin", "?q=Chicherin")]
    assert suggestion(client, {"q": "Chicheirn", "type": "letter"}) == [
        ("Chicherin", "?q=Chicherin&type=letter")
    ]
    assert suggestion(client, {"q": "letter Frunez"}) == [("letter Frunze", "?q=letter+Frunze")]
    assert suggestion(client, {"q": "Chicherin"}) == []  # found: nothing to suggest
    assert suggestion(client, {"q": "xylophone"}) == []  # close to no name


def test_no_suggestion_that_finds_nothing(seed, client):
    make_person("Zinovy Lomakin", slug="lomakin")  # in no published document
    assert suggestions.did_you_mean("Lomakyn").query == "Lomakin"
    assert suggestion(client, {"q": "Lomakyn"}) == []


def test_correction_of_single_words(seed):
    assert suggestions.correction("Chicheirn") == "Chicherin"
    assert suggestions.correction("angroa") == "Angora"
    assert suggestions.correction("Chicherin") == ""  # a name word already
    assert suggestions.correction("the") == ""  # too short
    assert suggestions.correction("1921") == ""


@postgres_only
def test_trigram_indexes_serve_the_suggestions(seed):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        "person_name_trgm",
        "person_variant_trgm",
        "organisation_name_trgm",
        "organisation_variant_trgm",
        "place_name_trgm",
        "place_variant_trgm",
    }
    assert "Georgy Vasilyevich Chicherin" in suggestions.similar_names("chicheirn", "default")
