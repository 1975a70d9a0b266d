"""The seed collection (fixtures/authorities.json, fixtures/documents.json).

loaddata bypasses save(), so every value save() would compute (derived dates, name keys,
identifiers, slugs) is written into the fixtures by hand; these tests hold them to what the
models compute. The texts are checked against the copies of the corpus pages in tests/data/pages.
"""

import datetime
import json
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils.text import slugify

from catalogue.markers import mismatched_markers
from catalogue.models import (
    Archive,
    Collection,
    Correspondent,
    Document,
    Footnote,
    Mention,
    Organisation,
    OrganisationName,
    Person,
    PersonName,
    Place,
    PlaceName,
    Status,
)
from catalogue.text import name_key
from tests.factories import make_document

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
PAGES = Path(__file__).parent / "data" / "pages"  # copies of ../shared/corpus

# The corpus page each seed document was catalogued from.
SOURCE_PAGES = {
    1: "000-seed.txt",
    2: "001-1940-07-10-telegram.txt",
    3: "002-1938-03-18-telegrams.txt",
    4: "002-1938-03-18-telegrams.txt",
    5: "003-1940-12-10-telegram-kabul.txt",
    6: "004-1921-05-13-notes-ali-fuad.txt",
    7: "004-1921-05-13-notes-ali-fuad.txt",
    8: "005-1921-04-06-note-mukhtar.txt",
    9: "006-1939-08-20-diary.txt",
    10: "007-1921-08-13-note-volume4.txt",
    11: "008-1938-11-24-telegram-ankara.txt",
    12: "002-1938-03-18-telegrams.txt",
}
SEED_HEADING = (
    "Letter from the peopleʹs commissar for foreign affairs of the RSFSR to the extraordinary "
    "ambassador of the Ukrainian SSR in Turkey"
)
DERIVED_DATE_FIELDS = [
    "date_start",
    "date_end",
    "date_precision",
    "date_uncertain",
    "date_approximate",
]


def fixture_objects():
    objects = []
    for name in ("authorities.json", "documents.json"):
        objects += json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return objects


def catalogue_counts():
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_app_config("catalogue").get_models()
        if model._meta.model_name not in ("catalogueversion", "cataloguechange")
    }


def page_text(document):
    return (PAGES / SOURCE_PAGES[document.pk]).read_text(encoding="utf-8")


def seed_letter():
    return Document.objects.get(identifier="D000001")


@pytest.mark.django_db
def test_load_seed_creates_every_fixture_object():
    expected = Counter(item["model"] for item in fixture_objects())
    call_command("load_seed", verbosity=0)
    counts = catalogue_counts()
    for label, number in expected.items():
        assert counts[label] == number, label
    assert Document.objects.count() == len(SOURCE_PAGES)


def test_loading_twice_creates_nothing_new(seed):
    before = catalogue_counts()
    call_command("load_seed", verbosity=0)
    assert catalogue_counts() == before


def test_reloading_restores_the_catalogued_values(seed):
    Document.objects.filter(pk=1).update(title="Changed by hand")
    call_command("load_seed", verbosity=0)
    assert seed_letter().title == "Letter from G. V. Chicherin to M. V. Frunze"


def test_documents_created_after_the_seed_get_fresh_keys(seed):
    """loaddata resets PostgreSQL sequences: a new document does not collide with the seed."""
    collection = Collection.objects.get(slug="soviet-foreign-policy-1919-1941")
    document = make_document(collection=collection)
    assert document.pk > max(SOURCE_PAGES)
    assert document.identifier == f"D{document.pk:06d}"


def test_derived_dates_equal_what_derive_dates_computes(seed):
    for document in Document.objects.all():
        recomputed = Document(date_edtf=document.date_edtf)
        recomputed.derive_dates()
        for field in DERIVED_DATE_FIELDS:
            assert getattr(document, field) == getattr(recomputed, field), (document.pk, field)
        assert document.date_start is not None, document.pk


def test_values_save_would_compute_are_in_the_fixtures(seed):
    for document in Document.objects.all():
        assert document.identifier == f"D{document.pk:06d}"
        assert document.slug == slugify(document.display_title)[:120].strip("-")
        assert (document.published_at is not None) == document.is_published
    for model, field in [(Person, "preferred_name"), (Organisation, "name"), (Place, "name")]:
        for record in model.objects.all():
            assert record.name_key == name_key(getattr(record, field)), record
    for model in (PersonName, OrganisationName, PlaceName):
        for variant in model.objects.all():
            assert variant.key == name_key(variant.name), variant


def test_every_seed_object_passes_full_clean(seed):
    models = [
        Archive,
        Collection,
        Organisation,
        OrganisationName,
        Person,
        PersonName,
        Place,
        PlaceName,
        Document,
        Correspondent,
        Mention,
        Footnote,
        apps.get_model("catalogue", "Office"),
    ]
    for model in models:
        objects = list(model.objects.all())
        assert objects, model
        for obj in objects:
            obj.full_clean()


def test_every_document_belongs_to_the_collection(seed):
    collection = Collection.objects.get(slug="soviet-foreign-policy-1919-1941")
    assert collection.archive.abbreviation == "AVP RF"
    assert collection.series_title == "Dokumenty vneshnei politiki SSSR"
    assert set(Document.objects.values_list("collection", flat=True)) == {collection.pk}


def test_texts_are_copied_verbatim_from_the_corpus_pages(seed):
    printed_fields = [
        "heading",
        "body",
        "date_written",
        "addressee_line",
        "reference_number",
        "marking_as_printed",
        "signature",
        "source_note",
        "archival_reference",
    ]
    for document in Document.objects.all():
        page = page_text(document)
        assert document.body, document.pk
        for field in printed_fields:
            assert getattr(document, field) in page, (document.pk, field)
        for footnote in document.footnotes.all():
            assert footnote.text in page, (document.pk, footnote.marker)
        for mention in document.mentions.all():
            assert mention.name_as_printed in page, (document.pk, mention.name_as_printed)
        for correspondent in document.correspondents.all():
            assert correspondent.office_as_stated in page, (document.pk, correspondent)
            assert correspondent.name_as_printed in page, (document.pk, correspondent)


def test_seed_letter_fields(seed):
    letter = seed_letter()
    assert letter.heading == SEED_HEADING
    assert letter.title == "Letter from G. V. Chicherin to M. V. Frunze"
    assert (letter.doc_type, letter.is_extract) == ("letter", False)
    assert (letter.date_written, letter.date_edtf) == ("December 26, 1921", "1921-12-26")
    assert letter.date_start == letter.date_end == datetime.date(1921, 12, 26)
    assert letter.date_precision == "day"
    assert letter.addressee_line == "M.V. Frunze."
    assert letter.body.startswith("Dear comrade,\n\nBoth from London and from Rome")
    assert letter.body.endswith("natural allies,\n\nWith communist greetings")
    assert "Yusuf Kemal\u02b9s proposal" in letter.body
    assert (letter.signature, letter.signature_supplied) == ("[Chicherin]", True)
    assert letter.source_note == "Print. By architect."
    assert (letter.original_language, letter.translation_language) == ("ru", "en")
    assert set(letter.themes.values_list("slug", flat=True)) == {"turkey", "caucasus"}
    assert letter.status == Status.PUBLISHED and letter.published_at is not None
    assert letter.get_absolute_url() == "/documents/D000001/"


def test_seed_letter_correspondents_with_their_offices(seed):
    letter = seed_letter()
    correspondents = [
        (c.role, c.person.sort_name, c.office_as_stated) for c in letter.correspondents.all()
    ]
    assert correspondents == [
        (
            "author",
            "Chicherin, Georgy Vasilyevich",
            "peopleʹs commissar for foreign affairs of the RSFSR",
        ),
        (
            "recipient",
            "Frunze, Mikhail Vasilyevich",
            "extraordinary ambassador of the Ukrainian SSR in Turkey",
        ),
    ]
    chicherin = Person.objects.get(sort_name="Chicherin, Georgy Vasilyevich")
    offices = {(o.title, o.start, o.end) for o in chicherin.offices.all()}
    assert ("People's Commissar for Foreign Affairs of the RSFSR", "1918", "1923-07") in offices
    assert ("People's Commissar for Foreign Affairs of the USSR", "1923-07", "1930-07") in offices
    frunze_offices = Person.objects.get(slug="frunze-mikhail-vasilyevich").offices
    assert frunze_offices.filter(
        title="Extraordinary Ambassador of the Ukrainian SSR in Turkey",
        organisation__name="Government of the Ukrainian SSR",
    ).exists()


def test_seed_letter_mentions(seed):
    letter = seed_letter()
    mentions = letter.mentions.select_related("person", "organisation", "place")
    places = {m.place.name: m.name_as_printed for m in mentions if m.place}
    persons = {m.person.preferred_name: m.name_as_printed for m in mentions if m.person}
    bodies = {m.organisation.name for m in mentions if m.organisation}
    assert places["Ankara"] == "angora"
    assert places["Dagestan"] == "the dagestan"
    assert {
        "London",
        "Rome",
        "Kars",
        "Erzurum",
        "Artvin",
        "Ardahan",
        "Caucasus",
        "Romania",
        "Dniester",
        "Batumi",
        "Adjara",
        "Bukhara",
        "Baku",
    } <= set(places)
    assert persons["Henry Franklin-Bouillon"] == "franklinbouillon"
    assert {"Enver Pasha", "Yusuf Kemal Tengirşenk", "Mustafa Kemal Atatürk"} <= set(persons)
    assert "Entente" in bodies


def test_seed_letter_footnote(seed):
    letter = seed_letter()
    note = letter.footnotes.get()
    assert (note.marker, note.kind) == ("1", "biographical")
    paragraphs = note.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Enver pasha is a former war minister")
    assert "ʺunity and progressʺ" in paragraphs[0]
    assert paragraphs[2].endswith("he was killed.")
    assert set(note.persons.values_list("preferred_name", flat=True)) == {
        "Enver Pasha",
        "Mustafa Kemal Atatürk",
    }
    assert set(note.places.values_list("name", flat=True)) == {"Batumi", "Bukhara", "Baku"}
    assert mismatched_markers(letter.body, ["1"]) == ([], [])


def test_exactly_one_draft_and_it_is_not_published(seed):
    drafts = Document.objects.exclude(status=Status.PUBLISHED)
    assert drafts.count() == 1
    draft = drafts.get()
    assert draft.status == Status.DRAFT and draft.published_at is None
    assert not Document.objects.published().filter(pk=draft.pk).exists()
    assert Document.objects.published().count() == len(SOURCE_PAGES) - 1


def test_varied_cataloguing_for_filters(seed):
    documents = {d.pk: d for d in Document.objects.all()}
    diary = documents[9]
    assert (diary.doc_type, diary.is_extract, diary.classification) == (
        "diary_entry",
        True,
        "secret",
    )
    assert (diary.date_start, diary.date_end, diary.date_precision) == (
        datetime.date(1939, 8, 20),
        datetime.date(1939, 8, 26),
        "range",
    )
    kabul = documents[5]
    assert kabul.classification == "top_secret"
    assert kabul.archive.abbreviation == "AVP RF"
    assert (kabul.fond, kabul.opis, kabul.papka, kabul.delo, kabul.folios) == (
        "059",
        "1",
        "322",
        "2216",
        "161–162",
    )
    assert kabul.archival_location == "f. 059, op. 1, p. 322, d. 2216, l. 161–162"
    ankara = documents[11]
    assert (ankara.priority, ankara.marking_as_printed) == ("urgent", "Out of line")
    assert ankara.place_of_origin.name == "Ankara"
    assert (documents[10].printed_volume, documents[10].printed_page) == ("4", "270")
    assert documents[6].reference_number == "no. 11/930"
    assert documents[8].reference_number == "no. 317"
    assert Counter(d.doc_type for d in documents.values()) == {
        "letter": 1,
        "telegram": 6,
        "note": 4,
        "diary_entry": 1,
    }


@pytest.mark.parametrize(
    ("model", "spelling", "expected"),
    [
        (Person, "Ataturk", "Mustafa Kemal Atatürk"),
        (Person, "franklin-bouillon", "Henry Franklin-Bouillon"),
        (Person, "Tchitcherine", "Georgy Vasilyevich Chicherin"),
        (Place, "Angora", "Ankara"),
        (Place, "constantinople", "Istanbul"),
        (Place, "Trapezund", "Trabzon"),
        (Organisation, "great national assembly", "Grand National Assembly of Turkey"),
    ],
)
def test_authorities_are_found_under_their_variants(seed, model, spelling, expected):
    assert [str(record) for record in model.objects.matching_name(spelling)] == [expected]
