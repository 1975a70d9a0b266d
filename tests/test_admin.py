"""The archivists' admin, through the test client against the real admin URLs."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from catalogue.models import (
    Archive,
    Collection,
    Correspondent,
    Document,
    Footnote,
    Mention,
    Office,
    Organisation,
    OrganisationName,
    Person,
    PersonName,
    Place,
    PlaceName,
    Status,
    Theme,
)
from tests.admin_forms import post_data
from tests.factories import (
    make_collection,
    make_document,
    make_organisation,
    make_person,
    make_place,
)

CATALOGUE_ADMINS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "catalogue"),
    key=lambda model: model._meta.model_name,
)


def admin_url(model, view, *args):
    return reverse(f"admin:catalogue_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def catalogue_objects(db):
    """One saved object of every catalogue model, linked the way the seed letter is."""
    collection = make_collection(
        title="Soviet foreign policy",
        archive=Archive.objects.create(
            name="Foreign Policy Archive of the Russian Federation", abbreviation="AVP RF"
        ),
    )
    chicherin = make_person("G. V. Chicherin", sort_name="Chicherin, G. V.")
    PersonName.objects.create(person=chicherin, name="Tchitcherine")
    nkid = make_organisation("People's Commissariat of Foreign Affairs", abbreviation="NKID")
    OrganisationName.objects.create(organisation=nkid, name="NKID")
    Office.objects.create(
        person=chicherin, title="People's Commissar", organisation=nkid, start="1918", end="1930"
    )
    ankara = make_place("Ankara", latitude=39.93, longitude=32.86, country="Turkey")
    PlaceName.objects.create(place=ankara, name="Angora")
    document = make_document(
        collection, heading="Letter to Frunze", body="Enver 1 is a myth.", status=Status.DRAFT
    )
    document.themes.add(Theme.objects.get(slug="turkey"))
    Correspondent.objects.create(
        document=document, role="author", person=chicherin, office_as_stated="people's commissar"
    )
    Mention.objects.create(document=document, place=ankara, name_as_printed="angora")
    Footnote.objects.create(document=document, marker="1", text="Enver pasha ...")
    return {"document": document, "person": chicherin, "place": ankara, "organisation": nkid}


def test_every_catalogue_model_is_registered():
    names = {model._meta.model_name for model in CATALOGUE_ADMINS}
    expected = {
        "document",
        "person",
        "place",
        "organisation",
        "footnote",
        "collection",
        "archive",
        "theme",
        "correspondent",
        "mention",
        "office",
    }
    assert expected <= names


@pytest.mark.parametrize("model", CATALOGUE_ADMINS, ids=lambda m: m._meta.model_name)
def test_changelist_and_add_page_load_for_archivist(archivist_client, catalogue_objects, model):
    assert archivist_client.get(admin_url(model, "changelist")).status_code == 200
    if model._meta.model_name in ("authoritysuggestion", "othertranscription", "revision"):
        return  # made by the importer, or by saving a published document: no add page
    assert archivist_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", CATALOGUE_ADMINS, ids=lambda m: m._meta.model_name)
def test_change_page_loads_and_saves_unchanged(archivist_client, catalogue_objects, model):
    obj = model.objects.first()
    if obj is None:
        pytest.skip(f"no {model._meta.model_name} in the fixture")
    url = admin_url(model, "change", obj.pk)
    page = archivist_client.get(url)
    assert page.status_code == 200
    response = archivist_client.post(url, post_data(page))
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    assert model.objects.filter(pk=obj.pk).exists()


def add_and_expect_saved(client, model, fields):
    page = client.get(admin_url(model, "add"))
    response = client.post(admin_url(model, "add"), post_data(page, **fields))
    if response.status_code != 302:
        errors = [response.context["adminform"].form.errors]
        errors += [
            fs.errors
            for fs in response.context["inline_admin_formsets"]
            and [i.formset for i in response.context["inline_admin_formsets"]]
        ]
        pytest.fail(f"not saved: {errors}")
    return response


def test_add_pages_save_authorities_with_variants(archivist_client, db):
    add_and_expect_saved(
        archivist_client,
        Person,
        {
            "preferred_name": "Mustafa Kemal",
            "sort_name": "Kemal, Mustafa",
            "slug": "mustafa-kemal",
            "birth": "1881",
            "death": "1938-11-10",
            "wikidata_id": "Q5152",
            "variants-0-name": "Ataturk",
        },
    )
    kemal = Person.objects.get(slug="mustafa-kemal")
    assert list(kemal.variants.values_list("name", flat=True)) == ["Ataturk"]
    add_and_expect_saved(
        archivist_client,
        Place,
        {
            "name": "Ankara",
            "slug": "ankara",
            "kind": "city",
            "country": "Turkey",
            "latitude": "39.93",
            "longitude": "32.86",
            "variants-0-name": "Angora",
        },
    )
    assert Place.objects.matching_name("angora").get().name == "Ankara"
    add_and_expect_saved(
        archivist_client,
        Organisation,
        {
            "name": "Grand National Assembly of Turkey",
            "slug": "gnat",
            "variants-0-name": "great national assembly",
        },
    )
    add_and_expect_saved(archivist_client, Collection, {"title": "Second", "slug": "second"})
    add_and_expect_saved(archivist_client, Archive, {"name": "RGASPI", "abbreviation": "RGASPI"})
    add_and_expect_saved(archivist_client, Theme, {"name": "Japan", "slug": "japan"})


def test_add_document_with_inlines(archivist_client, archivist, catalogue_objects):
    person, place = catalogue_objects["person"], catalogue_objects["place"]
    collection = Collection.objects.get()
    add_and_expect_saved(
        archivist_client,
        Document,
        {
            "collection": collection.pk,
            "heading": "Telegram from Ankara",
            "title": "Telegram from Ankara",
            "slug": "telegram-from-ankara",
            "doc_type": "telegram",
            "date_written": "Out of line 24 November 1938",
            "date_edtf": "1938-11-24",
            "classification": "top_secret",
            "priority": "urgent",
            "status": "review",
            "body": "Together with Tereityeva ** this morning I visited Saracoglu.",
            "themes": [Theme.objects.get(slug="turkey").pk],
            "correspondents-TOTAL_FORMS": "1",
            "correspondents-0-order": "1",
            "correspondents-0-role": "author",
            "correspondents-0-person": person.pk,
            "correspondents-0-office_as_stated": "deputy peopleʹs commissar",
            "mentions-TOTAL_FORMS": "1",
            "mentions-0-place": place.pk,
            "mentions-0-name_as_printed": "Ankara",
            "footnotes-TOTAL_FORMS": "1",
            "footnotes-0-marker": "**",
            "footnotes-0-order": "1",
            "footnotes-0-kind": "editorial",
            "footnotes-0-text": "The delegation for Atatürk's funeral.",
        },
    )
    document = Document.objects.get(heading="Telegram from Ankara")
    assert document.status == Status.REVIEW
    assert document.created_by == archivist and document.updated_by == archivist
    assert str(document.date_start) == "1938-11-24" and document.date_precision == "day"
    assert document.correspondents.get().office_as_stated == "deputy peopleʹs commissar"
    assert document.mentions.get().place == place
    assert document.footnotes.get().marker == "**"
    assert document.identifier == f"D{document.pk:06d}"


def change_document(client, document, **fields):
    url = admin_url(Document, "change", document.pk)
    return client.post(url, post_data(client.get(url), **fields), follow=True)


def test_invalid_edtf_is_refused_with_examples(archivist_client, catalogue_objects):
    document = catalogue_objects["document"]
    response = change_document(archivist_client, document, date_edtf="26 December 1921")
    errors = response.context["adminform"].form.errors["date_edtf"]
    assert "is not a valid EDTF date" in errors[0] and "1921-12-26" in errors[0]
    document.refresh_from_db()
    assert document.date_edtf == "1921-12-26"


def test_edtf_help_text_shows_examples(archivist_client, catalogue_objects):
    page = archivist_client.get(admin_url(Document, "add"))
    assert "1939-08-20/1939-08-26 (a range)" in page.content.decode()


def test_footnote_marker_mismatch_warns_naming_markers(archivist_client, catalogue_objects):
    document = catalogue_objects["document"]
    response = change_document(
        archivist_client, document, body="Enver * is a myth; the documents ** are real."
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("no footnote: *, **" in m for m in messages), messages
    assert any("marker is not in the body: 1" in m for m in messages), messages


def test_matching_markers_give_no_warning(archivist_client, catalogue_objects):
    response = change_document(archivist_client, catalogue_objects["document"])
    assert not [m for m in response.context["messages"] if "marker" in str(m)]


def test_duplicate_footnote_marker_in_inline_is_a_form_error(archivist_client, catalogue_objects):
    document = catalogue_objects["document"]
    url = admin_url(Document, "change", document.pk)
    data = post_data(
        archivist_client.get(url),
        **{
            "footnotes-TOTAL_FORMS": "2",
            "footnotes-1-marker": "1",
            "footnotes-1-order": "2",
            "footnotes-1-kind": "editorial",
            "footnotes-1-text": "again",
        },
    )
    response = archivist_client.post(url, data)
    assert response.status_code == 200
    assert (
        "footnote" in str(response.context["inline_admin_formsets"][2].formset.errors).lower()
        or response.context["inline_admin_formsets"][2].formset.non_form_errors()
    )
    assert document.footnotes.count() == 1


def test_duplicate_mention_in_inline_is_a_form_error(archivist_client, catalogue_objects):
    document, place = catalogue_objects["document"], catalogue_objects["place"]
    url = admin_url(Document, "change", document.pk)
    data = post_data(
        archivist_client.get(url),
        **{
            "mentions-TOTAL_FORMS": "2",
            "mentions-1-place": place.pk,
        },
    )
    response = archivist_client.post(url, data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][1].formset
    assert formset.errors or formset.non_form_errors()
    assert document.mentions.count() == 1


def test_correspondent_needs_person_or_organisation(archivist_client, catalogue_objects):
    document = catalogue_objects["document"]
    url = admin_url(Document, "change", document.pk)
    data = post_data(
        archivist_client.get(url),
        **{
            "correspondents-TOTAL_FORMS": "2",
            "correspondents-1-role": "recipient",
            "correspondents-1-order": "2",
            "correspondents-1-office_as_stated": "ambassador",
        },
    )
    response = archivist_client.post(url, data)
    assert response.status_code == 200
    assert "exactly one" in str(response.context["inline_admin_formsets"][0].formset.errors)


# Publishing ---------------------------------------------------------------------------------


def test_archivist_cannot_publish_through_the_form(archivist_client, catalogue_objects):
    document = catalogue_objects["document"]
    response = change_document(archivist_client, document, status="published")
    assert "status" in response.context["adminform"].form.errors
    document.refresh_from_db()
    assert document.status == Status.DRAFT


def test_archivist_has_no_publish_action(archivist_client, catalogue_objects):
    document = catalogue_objects["document"]
    changelist = archivist_client.get(admin_url(Document, "changelist"))
    assert "publish" not in changelist.context["action_form"].fields["action"].choices.__str__()
    archivist_client.post(
        admin_url(Document, "changelist"), {"action": "publish", "_selected_action": [document.pk]}
    )
    document.refresh_from_db()
    assert document.status == Status.DRAFT


def test_archivist_cannot_unpublish_and_edits_published_as_a_revision(
    archivist_client, catalogue_objects
):
    document = catalogue_objects["document"]
    document.status = Status.PUBLISHED
    document.save()
    response = change_document(archivist_client, document, status="draft", translator="A. N. Other")
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED
    assert document.translator == ""  # the public version waits for an editor (issue 11)
    assert document.revisions.get().snapshot["document"]["translator"] == "A. N. Other"


def test_editor_publishes_through_form_and_action(editor_client, catalogue_objects):
    document = catalogue_objects["document"]
    change_document(editor_client, document, status="published")
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED and document.published_at is not None

    other = make_document(Collection.objects.get(), status=Status.REVIEW)
    editor_client.post(
        admin_url(Document, "changelist"), {"action": "publish", "_selected_action": [other.pk]}
    )
    other.refresh_from_db()
    assert other.status == Status.PUBLISHED
    withdraw = {"action": "unpublish", "_selected_action": [other.pk, document.pk]}
    confirmation = editor_client.post(admin_url(Document, "changelist"), withdraw)
    assert "What the public will lose" in confirmation.content.decode()
    assert Document.objects.published().count() == 2
    editor_client.post(admin_url(Document, "changelist"), {**withdraw, "post": "yes"})
    assert not Document.objects.published().exists()


def test_view_on_site_only_for_published(editor_client, catalogue_objects):
    document = catalogue_objects["document"]
    url = admin_url(Document, "change", document.pk)
    assert not editor_client.get(url).context["has_absolute_url"]
    document.status = Status.PUBLISHED
    document.save()
    assert editor_client.get(url).context["has_absolute_url"]


def test_document_list_has_facets_search_and_date_hierarchy(archivist_client, catalogue_objects):
    url = admin_url(Document, "changelist")
    page = archivist_client.get(url, {"_facets": "1"})
    assert page.context["cl"].date_hierarchy == "date_start"
    assert "Draft (1)" in page.content.decode()
    found = archivist_client.get(url, {"q": "Enver"})
    assert list(found.context["cl"].result_list) == [catalogue_objects["document"]]


# Authorities --------------------------------------------------------------------------------


def test_person_search_by_variant_and_document_counts(archivist_client, catalogue_objects):
    response = archivist_client.get(admin_url(Person, "changelist"), {"q": "tchitcherine"})
    people = list(response.context["cl"].result_list)
    assert people == [catalogue_objects["person"]]
    assert people[0].correspondence_count == 1 and people[0].mention_count == 0


def test_place_search_by_variant_and_counts(archivist_client, catalogue_objects):
    response = archivist_client.get(admin_url(Place, "changelist"), {"q": "Angora"})
    places = list(response.context["cl"].result_list)
    assert places == [catalogue_objects["place"]] and places[0].mention_count == 1


def test_autocomplete_finds_persons_for_the_document_form(archivist_client, catalogue_objects):
    response = archivist_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Tchitch",
            "app_label": "catalogue",
            "model_name": "correspondent",
            "field_name": "person",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["G. V. Chicherin"]


# History ------------------------------------------------------------------------------------


def test_history_records_admin_change_and_reverts(archivist_client, archivist, catalogue_objects):
    document = catalogue_objects["document"]
    change_document(archivist_client, document, heading="A wrong heading")
    document.refresh_from_db()
    assert document.heading == "A wrong heading"
    latest = document.history.latest()
    assert latest.history_user == archivist and latest.heading == "A wrong heading"
    original = document.history.earliest()

    history_page = archivist_client.get(admin_url(Document, "history", document.pk))
    assert history_page.status_code == 200 and "A wrong heading" in history_page.content.decode()

    revert_url = reverse("admin:catalogue_document_simple_history", args=[document.pk, original.pk])
    form_page = archivist_client.get(revert_url)
    assert form_page.status_code == 200
    response = archivist_client.post(revert_url, post_data(form_page))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.heading == "Letter to Frunze"
    revert = document.history.latest()
    assert revert.heading == "Letter to Frunze" and revert.history_user == archivist
    assert revert.history_type == "~"


def test_history_of_footnotes_and_places(archivist_client, catalogue_objects):
    place = catalogue_objects["place"]
    url = admin_url(Place, "change", place.pk)
    archivist_client.post(url, post_data(archivist_client.get(url), country="Türkiye"))
    assert place.history.latest().country == "Türkiye"
    footnote = Footnote.objects.get()
    url = admin_url(Footnote, "change", footnote.pk)
    archivist_client.post(url, post_data(archivist_client.get(url), text="Corrected"))
    assert [h.text for h in footnote.history.order_by("history_date")] == [
        "Enver pasha ...",
        "Corrected",
    ]


# Demo users ---------------------------------------------------------------------------------


def test_demo_users_are_created_once_in_debug(db, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_users")
    out = capsys.readouterr().out
    assert "log in at /admin/ as archivist / archivist" in out
    assert User.objects.get(username="editor").has_perm("catalogue.publish_document")
    assert not User.objects.get(username="archivist").has_perm("catalogue.publish_document")
    call_command("create_demo_users")
    assert User.objects.count() == 2


def test_demo_users_refused_without_debug(db, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_users")
