import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalogue.dates import parse_date_range
from catalogue.markers import mismatched_markers, unambiguous_markers
from catalogue.models import (
    Correspondent,
    CorrespondentRole,
    Document,
    Footnote,
    Mention,
    Person,
    PersonName,
    Place,
    PlaceName,
    Scan,
    Status,
)
from catalogue.text import fold, name_key
from tests.factories import make_collection, make_document, make_person, make_place

D = datetime.date


@pytest.mark.parametrize(
    ("edtf", "start", "end", "precision", "uncertain", "approximate"),
    [
        ("1921-12-26", D(1921, 12, 26), D(1921, 12, 26), "day", False, False),
        ("1921-12", D(1921, 12, 1), D(1921, 12, 31), "month", False, False),
        ("1921-02", D(1921, 2, 1), D(1921, 2, 28), "month", False, False),
        ("1921", D(1921, 1, 1), D(1921, 12, 31), "year", False, False),
        ("192X", D(1920, 1, 1), D(1929, 12, 31), "decade", False, False),
        ("1939-08-20/1939-08-26", D(1939, 8, 20), D(1939, 8, 26), "range", False, False),
        ("1921-11/1922-01", D(1921, 11, 1), D(1922, 1, 31), "range", False, False),
        ("1921-12-26?", D(1921, 12, 26), D(1921, 12, 26), "day", True, False),
        ("1921~", D(1921, 1, 1), D(1921, 12, 31), "year", False, True),
        ("1921-12%", D(1921, 12, 1), D(1921, 12, 31), "month", True, True),
    ],
)
def test_edtf_derivation(edtf, start, end, precision, uncertain, approximate):
    derived = parse_date_range(edtf)
    assert (derived.start, derived.end, derived.precision) == (start, end, precision)
    assert (derived.uncertain, derived.approximate) == (uncertain, approximate)


@pytest.mark.parametrize(
    "bad", ["26 December 1921", "1921-13-01", "1921-02-30", "abc", "1939-08-26/1939-08-20"]
)
def test_invalid_edtf_gives_readable_message(bad):
    with pytest.raises(ValidationError) as error:
        parse_date_range(bad)
    message = " ".join(error.value.messages)
    assert bad in message
    assert "EDTF" in message or "ends before it starts" in message


@pytest.mark.django_db
def test_document_save_derives_dates_and_identifier():
    document = make_document(date_edtf="1939-08-20/1939-08-26", heading="From diary of Ivanova")
    document.refresh_from_db()
    assert document.identifier == f"D{document.pk:06d}"
    assert (document.date_start, document.date_end) == (D(1939, 8, 20), D(1939, 8, 26))
    assert document.date_precision == "range"
    assert document.slug == "from-diary-of-ivanova"
    assert document.published_at is not None


@pytest.mark.django_db
def test_clearing_the_date_clears_the_derived_range():
    document = make_document(date_edtf="1921")
    document.date_edtf = ""
    document.save()
    document.refresh_from_db()
    assert document.date_start is None and document.date_end is None
    assert document.date_precision == ""


@pytest.mark.django_db
def test_full_clean_reports_invalid_edtf_on_its_field():
    document = Document(collection=make_collection(), heading="x", date_edtf="December 1921")
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "date_edtf" in error.value.message_dict


@pytest.mark.django_db
def test_database_refuses_end_before_start():
    document = make_document(date_edtf="1921-12-26")
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(date_end=D(1921, 12, 1))


@pytest.mark.django_db
def test_constraint_message_for_end_before_start():
    document = make_document(date_edtf="1921-12-26")
    document.date_end = D(1921, 1, 1)
    with pytest.raises(ValidationError) as error:
        document.validate_constraints()
    assert "end date may not be before the start date" in str(error.value)


@pytest.mark.django_db
def test_one_footnote_marker_per_document():
    document = make_document()
    Footnote.objects.create(document=document, marker="1", text="First")
    with pytest.raises(IntegrityError), transaction.atomic():
        Footnote.objects.create(document=document, marker="1", text="Second")
    Footnote.objects.create(document=make_document(), marker="1", text="Other document")


@pytest.mark.django_db
def test_footnote_marker_message_is_clear():
    document = make_document()
    Footnote.objects.create(document=document, marker="*", text="First")
    with pytest.raises(ValidationError) as error:
        Footnote(document=document, marker="*", text="Again").full_clean()
    assert "already has a footnote with this marker" in str(error.value)


def png_file(name):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 3), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_one_page_number_per_document():
    document = make_document()
    scan = Scan.objects.create(
        document=document, page=1, checksum="a" * 64, image=png_file("a.png")
    )
    assert (scan.width, scan.height) == (4, 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Scan.objects.create(document=document, page=1, checksum="b" * 64, image=png_file("b.png"))


@pytest.mark.django_db
def test_scan_checksum_is_unique():
    Scan.objects.create(
        document=make_document(), page=1, checksum="c" * 64, image=png_file("x.png")
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Scan.objects.create(
            document=make_document(), page=1, checksum="c" * 64, image=png_file("y.png")
        )


@pytest.mark.django_db
def test_correspondent_is_a_person_or_an_organisation_not_both():
    from tests.factories import make_organisation

    document = make_document()
    with pytest.raises(IntegrityError), transaction.atomic():
        Correspondent.objects.create(document=document, role=CorrespondentRole.AUTHOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Correspondent.objects.create(
            document=document,
            role=CorrespondentRole.AUTHOR,
            person=make_person(),
            organisation=make_organisation(),
        )


@pytest.mark.django_db
def test_mention_names_one_target_once():
    document = make_document()
    place = make_place("Ankara")
    Mention.objects.create(document=document, place=place, name_as_printed="angora")
    with pytest.raises(IntegrityError), transaction.atomic():
        Mention.objects.create(document=document, place=place)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mention.objects.create(document=document)


@pytest.mark.django_db
def test_place_coordinates_come_in_pairs():
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.create(name="Kars", slug="kars", latitude=40.6)


@pytest.mark.django_db
def test_published_queryset_hides_drafts_and_review():
    collection = make_collection()
    public = make_document(collection, status=Status.PUBLISHED)
    make_document(collection, status=Status.DRAFT)
    make_document(collection, status=Status.REVIEW)
    assert list(Document.objects.published()) == [public]


@pytest.mark.django_db
def test_authorities_match_any_variant_ignoring_case_and_typography():
    ankara = make_place("Ankara")
    PlaceName.objects.create(place=ankara, name="Angora")
    kemal = make_person("Mustafa Kemal")
    PersonName.objects.create(person=kemal, name="Atatürk")
    bouillon = make_person("Franklin-Bouillon")
    assert list(Place.objects.matching_name("ANGORA")) == [ankara]
    assert list(Place.objects.matching_name("ankara")) == [ankara]
    assert list(Person.objects.matching_name("ataturk")) == [kemal]
    assert list(Person.objects.matching_name("franklinbouillon")) == [bouillon]
    assert not Person.objects.matching_name("").exists()


def test_fold_and_name_key_normalise_typography():
    assert fold("Peopleʹs Commissar") == fold("people's commissar") == "peoples commissar"
    assert fold("ʺunity and progressʺ") == "unity and progress"
    assert name_key("Franklin-Bouillon") == name_key("franklinbouillon")
    assert name_key("Saracoğlu") == "saracoglu"
    assert fold("pan‐Islamism") == fold("pan-islamism")


def test_footnote_markers_in_bodies():
    body = "the documents **, reliable ***. Enver 1 is a fairy tale. See [2]."
    assert unambiguous_markers(body) == ["**", "***", "[2]"]
    assert mismatched_markers(body, ["**", "1", "****"]) == (["***", "[2]"], ["****"])
    # A list item or a figure is not a marker.
    assert mismatched_markers("1. Molotov did not sign; 10,000 dollars", ["1"]) == ([], ["1"])


@pytest.mark.django_db
def test_history_records_who_and_what():
    document = make_document(heading="Before")
    document.heading = "After"
    document.save()
    records = list(document.history.order_by("history_date"))
    assert [r.heading for r in records] == ["Before", "After"]
    assert records[-1].history_type == "~"
