"""Persons and places mentioned (issue 13, item 4): gazetteer, name patterns, suggestions."""

import json
from pathlib import Path

import pytest

from catalogue.importers.accuracy import measure, measure_mentions
from catalogue.importers.gazetteer import places_in
from catalogue.importers.mentions import find_mentions
from catalogue.importers.names import CONTEXT, INITIALS, KNOWN, TITLE_AFTER, persons_in
from catalogue.importers.parser import ParsedDocument, ParsedFootnote
from catalogue.importers.persist import import_page
from catalogue.models import AuthoritySuggestion, Mention, Person, Place, SuggestionStatus
from tests.factories import make_collection, make_place

PAGES = Path(__file__).parent / "data" / "pages"


def persons(text):
    return {mention.printed for mention in persons_in(text)}


def places(text):
    return {mention.place.name for mention in places_in(text)}


# --- Places -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "printed, modern, geonames_id",
    [
        ("angora", "Ankara", "323786"),
        ("Constantinople", "Istanbul", "745044"),
        ("Batum", "Batumi", "615532"),
        ("Erivan", "Yerevan", "616052"),
        ("Persia", "Iran", "130758"),
        ("Tiflis", "Tbilisi", "611717"),
        ("Trapezoid", "Trabzon", "738648"),
        ("Meshed", "Mashhad", "124665"),
        ("Alexandropol", "Gyumri", "616635"),
        ("Smyrna", "Izmir", "311046"),
    ],
)
def test_historical_names_give_the_modern_place_and_its_geonames_id(printed, modern, geonames_id):
    [found] = places_in(f"The news reached us from {printed} yesterday.")
    assert (found.printed, found.place.name, found.place.geonames_id) == (
        printed,
        modern,
        geonames_id,
    )


def test_countries_cities_regions_and_seas_in_running_text():
    text = (
        "The Turks have concentrated troops in Thrace, near the Bosporus and the black sea; "
        "kabul and Peshawar were quiet, and the caucasus too. Turkeyʹs position is firm."
    )
    assert places(text) == {"Thrace", "Bosporus", "Black Sea", "Kabul", "Peshawar",
                            "Caucasus", "Turkey"}  # fmt: skip


def test_words_that_only_look_like_places_are_not_places():
    text = (
        "It will be impossible for us to go further. Comrade Karsky met a Turkish deputy. "
        "The USSR and the Soviet Union answered in May. Split the difference, said Engels."
    )
    assert places(text) == set()  # not Togo, not Kars, not the USSR, not Split


def test_a_small_town_must_be_printed_capitalised():
    assert places("The conference will be held in Kars.") == {"Kars"}
    assert places("the kars conference") == set()


# --- Persons ----------------------------------------------------------------------------------


def test_initials_and_surname_whatever_the_spacing_and_case():
    text = "Sent by G. V. Chicherin and M.V. Frunze to s. A. Zlatopolsky and GK Ordzhonikidze."
    found = persons(text)
    assert {"M.V. Frunze", "s. A. Zlatopolsky", "GK Ordzhonikidze"} <= found
    assert any("Chicherin" in name for name in found)


@pytest.mark.parametrize(
    "text, name",
    [
        ("the commander, divisional general Kazim Karabekir pasha, arrived", "Kazim Karabekir"),
        ("signed by commissioner Yusuf Kemal‐bey, as well as", "Yusuf Kemal"),
        ("Today I met with Faiza Mohamed khan. After several questions", "Faiza Mohamed khan"),
        ("with the participation of Veli Bey, a deputy from Burdur", "Veli Bey"),
        ("the delegate Mr. Dzhunkovsky objected", "Dzhunkovsky"),
        ("I handed it to comrade Petrovsky yesterday", "Petrovsky"),
        ("At 12 oʹclock the envoy Draganov came to me", "Draganov"),
        ("the Emir Nasrullah received the mission", "Nasrullah"),
    ],
)
def test_titles_before_and_after_a_name(text, name):
    assert any(name in printed for printed in persons(text))


def test_a_name_that_speaks_or_owns_is_a_person_with_less_confidence():
    [found] = persons_in("In the evening Kelmendi said that London agreed.")
    assert (found.printed, found.confidence) == ("Kelmendi", CONTEXT)
    assert persons("the optimism of Vanderlipʹs telegram") == {"Vanderlip"}


def test_false_positives_are_avoided():
    text = (
        "Mr. Ambassador, Lord commissioner, Mr. Plenipotentiary Representative: "
        "Having received no answer, the Turkish government replied. After listening, "
        "Turkey declared, and Germany said nothing. Everyone reported the news. "
        "In May the President said no. The Soviet Government believes it. Oi believes it."
    )
    assert persons(text) == set()


def test_confidence_ranks_the_kinds_of_evidence():
    found = {m.printed: m.confidence for m in persons_in(
        "Litvinov wrote to S. I. Bolotnikov about Rauf Bey; Tarkovsky replied."
    )}  # fmt: skip
    assert found["Litvinov"] == KNOWN
    assert found["S. I. Bolotnikov"] == INITIALS
    assert found["Rauf Bey"] == KNOWN
    assert found["Tarkovsky"] == CONTEXT
    assert KNOWN > INITIALS > TITLE_AFTER > CONTEXT


def test_names_in_headings_and_footnotes_count():
    parsed = ParsedDocument(
        heading="Conversation of the plenipotentiary representative of the USSR in Germany "
        "Dekanozov with the ambassador of the kingdom of Bulgaria in Germany P. Zlatarov",
        body="The envoy came to me on his first visit.",
        footnotes=[ParsedFootnote(marker="*", text="Enver Pasha left Batum in 1921.")],
    )
    found = find_mentions(parsed)
    names = " ".join(found.person_names())
    assert "Dekanozov" in names and "P. Zlatarov" in names and "Enver" in names
    assert set(found.place_names()) == {"Germany", "Bulgaria", "Batumi"}


def test_a_name_after_the_state_of_an_office_in_a_heading_is_a_person():
    parsed = ParsedDocument(
        heading="From diary of the first secretary of the official USSR representations in "
        "Germany Ivanova",
        body="A message was published in the German press.",
    )
    [person] = find_mentions(parsed).persons
    assert (person.printed, person.confidence) == ("Ivanova", 0.8)
    assert find_mentions(ParsedDocument(heading="Telegram to the NKID of the USSR")).persons == []


def test_one_person_under_several_spellings_is_one_mention():
    parsed = ParsedDocument(
        heading="Note to the ambassador of Turkey Ismet Pasha",
        body="I. Inonu said that Ismet Inonu and ismet Inonu agree. Vinogradova and Vinogradov.",
    )
    keys = [m.key for m in find_mentions(parsed).persons]
    assert sorted(keys) == ["inonu", "vinogradov"]


# --- Suggestions, never records ---------------------------------------------------------------


@pytest.fixture
def collection(db):
    return make_collection(slug="selected-documents")


def run(name, collection, **options):
    path = PAGES / name
    return import_page(name, path.read_bytes(), collection, **options)


def test_mentions_become_suggestions_with_confidence_never_records(collection):
    persons_before, places_before = Person.objects.count(), Place.objects.count()
    document = run("309-1921-08-20-note-yusuf-kemal.txt", collection).documents[0].document
    assert (Person.objects.count(), Place.objects.count()) == (persons_before, places_before)
    assert not Mention.objects.filter(document=document).exists()
    suggestions = AuthoritySuggestion.objects.filter(document=document, role="mention")
    by_name = {s.name_as_printed: s for s in suggestions}
    assert by_name["angora"].suggested_name == "Ankara"
    assert by_name["angora"].geonames_id == "323786"
    assert by_name["Kazim Karabekir"].kind == "person"
    assert all(0 < s.confidence <= 1 and s.reason for s in suggestions)
    assert all(s.status == SuggestionStatus.OPEN for s in suggestions)


def test_a_place_known_by_its_geonames_id_is_proposed_and_the_spelling_kept(collection):
    ankara = make_place("Ankara", geonames_id="323786")
    document = run("309-1921-08-20-note-yusuf-kemal.txt", collection).documents[0].document
    suggestion = AuthoritySuggestion.objects.get(document=document, name_as_printed="angora")
    assert suggestion.place == ankara  # proposed, not yet linked
    assert not Mention.objects.filter(document=document, place=ankara).exists()
    assert suggestion.create_record() == ankara  # the archivist accepts the proposal
    assert Mention.objects.filter(document=document, place=ankara).exists()
    assert ankara.variants.filter(name="angora").exists()


def test_creating_a_place_from_a_suggestion_uses_the_modern_name_and_geonames(collection):
    document = run("309-1921-08-20-note-yusuf-kemal.txt", collection).documents[0].document
    suggestion = AuthoritySuggestion.objects.get(document=document, name_as_printed="angora")
    place = suggestion.create_record()
    assert (place.name, place.geonames_id) == ("Ankara", "323786")
    assert place.variants.filter(name="angora").exists()


def test_dry_run_lists_the_suggestions_and_writes_none(collection):
    result = run("322-1921-08-20-note-yusuf-kemal-neodemocracy.txt", collection, dry_run=True)
    [item] = result.documents
    suggested = {(m.kind, m.name) for m in item.names.unmatched if m.role == "mention"}
    assert ("place", "Adrianople") in suggested and ("person", "Veli Bey") in suggested
    assert not AuthoritySuggestion.objects.exists()


def test_correspondents_are_not_suggested_again_as_mentions(collection):
    document = run("004-1921-05-13-notes-ali-fuad.txt", collection).documents[0].document
    suggestions = AuthoritySuggestion.objects.filter(document=document)
    ali_fuad = suggestions.filter(name_key="alifuad")
    assert [s.role for s in ali_fuad] == ["recipient"]


# --- Measuring --------------------------------------------------------------------------------


def write_page(folder, name, body):
    text = f"URL: https://example.org/{name}\n\nTelegram of the plenipotentiary to the NKID\n\n"
    (folder / name).write_text(text + f"May 2, 1938\n\n{body}\n", encoding="utf-8")


def test_mention_precision_and_recall_are_measured(tmp_path, db):
    write_page(tmp_path, "a.txt", "Comrade Molotov met Saracoglu in Tiflis; Paris agreed.")
    expectations = {
        "pages": {
            "a.txt": {
                "documents": [
                    {
                        "date_written": "May 2, 1938",
                        "persons_mentioned": ["V. M. Molotov", "Saracoglu", "Menemencioglu"],
                        "places_mentioned": ["Tbilisi", "Ankara"],
                    }
                ]
            }
        }
    }
    report = measure_mentions(tmp_path, expectations)
    persons_score, places_score = report.scores["persons"], report.scores["places"]
    assert (persons_score.right, persons_score.found, persons_score.expected) == (2, 2, 3)
    assert (places_score.right, places_score.found, places_score.expected) == (1, 2, 2)
    assert places_score.precision == 0.5 and places_score.recall == 0.5
    # The scalar-field report ignores the mention lists.
    scalar = measure(tmp_path, expectations)
    assert "persons_mentioned" not in scalar.scores
    assert not [miss for miss in scalar.misses if "mentioned" in miss]


def test_every_development_page_has_its_mentions_written(db):
    data = json.loads((PAGES.parent / "import_expectations.json").read_text(encoding="utf-8"))
    mine = {name: page for name, page in data["pages"].items() if name.startswith("3")}
    assert len(mine) >= 30
    for name, page in mine.items():
        assert (PAGES / name).read_text(encoding="utf-8").startswith(f"URL: {page['source_url']}\n")
        for document in page["documents"]:
            assert {"persons_mentioned", "places_mentioned"} <= set(document)
