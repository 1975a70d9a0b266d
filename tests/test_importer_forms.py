"""The page forms of issue 13, one test each: headings, date lines, markings, reference
numbers, signatures, fused footnote markers, bad bytes and heading-only pages."""

import pytest

from catalogue.importers.dates import find_date
from catalogue.importers.parser import (
    fused_markers,
    parse_date_line,
    parse_heading,
    parse_lines,
    parse_page,
)
from catalogue.importers.text import PageError, read_page
from catalogue.models.vocabularies import Classification, DocumentType, Priority

BODY = "The ambassador came to me with the following questions."


def parse(*lines):
    return parse_lines(list(lines))


def only(*lines):
    [document] = parse(*lines)
    return document


# --- Headings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "doc_type", "is_extract"),
    [
        ("From: conversation of the peopleʹs commissar V. M. Molotov with f. Schulenburg",
         DocumentType.RECORD_OF_CONVERSATION, True),
        ("From; telegram of the plenipotentiary representative to the NKID",
         DocumentType.TELEGRAM, True),
        ("From   the diary of the plenipotentiary representative ca. Vinogradova",
         DocumentType.DIARY_ENTRY, True),
        ("From a conversation of the ambassador with Saracoglu",
         DocumentType.RECORD_OF_CONVERSATION, True),
        ("Record of the conversation of comrade Litvinov with Aras",
         DocumentType.RECORD_OF_CONVERSATION, False),
        ("Recording the conversation of the charge dʹaffaires with Saracoglu",
         DocumentType.RECORD_OF_CONVERSATION, False),
        ("Telegrams of the plenipotentiary representative to the NKID",
         DocumentType.TELEGRAM, False),
        ("Conversation of the first deputy peopleʹs commissioner al. Vyshinsky with Aktaem",
         DocumentType.RECORD_OF_CONVERSATION, False),
        ("Talk of the peopleʹs commissar with the ambassador of Iran",
         DocumentType.RECORD_OF_CONVERSATION, False),
        ("Message of the peopleʹs commissar to the grand national assembly",
         DocumentType.LETTER, False),
        ("Statement of the Soviet government on the straits", DocumentType.STATEMENT, False),
        ("Communiqué of the Soviet and Turkish governments", DocumentType.COMMUNIQUE, False),
        ("From the annual report of the peopleʹs commissariat to the IX congress of Soviets",
         DocumentType.REPORT, True),
        ("Memorandum of the peopleʹs commissariat to the Turkish embassy",
         DocumentType.MEMORANDUM, False),
        ("Minutes of the meeting of the Soviet and Turkish delegations",
         DocumentType.MINUTES, False),
        ("Speech of the peopleʹs commissar at the session of the central executive committee",
         DocumentType.SPEECH, False),
        ("Treaty between the RSFSR and Turkey", DocumentType.TREATY, False),
    ],
)  # fmt: skip
def test_heading_forms_are_recognised_with_their_type(heading, doc_type, is_extract):
    document = only(heading, "December 6, 1940", BODY)
    assert document.doc_type == doc_type
    assert document.is_extract is is_extract
    assert document.date_edtf == "1940-12-06"


def test_heading_without_a_type_word_is_read_when_a_date_line_follows():
    document = only(
        "G. A. Astakhov to the peopleʹs commissariat of foreign affairs of the",
        "USSR",
        "July 8, 1939 top secret",
        BODY,
    )
    assert document.heading.endswith("of the USSR")
    assert document.doc_type == DocumentType.OTHER
    assert document.sender_name == "G. A. Astakhov"
    assert document.classification == Classification.TOP_SECRET


def test_heading_broken_over_three_lines_is_joined():
    document = only(
        "Note of the deputy peopleʹs commissar for foreign affairs of the",
        "RSFSR to the ambassador of Persia in the RSFSR Moshaver‐ol‐me‐",
        "Malek",
        "November 24, 1922 no. Vb / 1034",
        BODY,
    )
    assert document.recipient_name == "Moshaver‐ol‐me‐Malek"
    assert document.reference_number == "no. Vb / 1034"


def test_date_at_the_end_of_a_heading_after_a_full_stop_even_when_printed_twice():
    heading = parse_heading(
        "Recording of the talks between the USSR peopleʹs commissar and the Turkish foreign "
        "minister Aras. July 15‐17, 1937 July 15‐17, 1937"
    )
    assert heading.date.edtf == "1937-07-15/1937-07-17"
    assert heading.core.endswith("minister Aras")


def test_date_inside_a_heading_is_used_when_there_is_no_date_line():
    document = only("Telegram of 12 May 1921 from the plenipotentiary to the NKID", BODY)
    assert document.date_edtf == "1921-05-12"


def test_several_documents_on_a_page_each_with_its_own_date_and_markings():
    first, second = parse(
        "Telegram of the plenipotentiary representative to the NKID",
        "October 26, 1939 out of line. Top secret",
        BODY,
        "Terentyev",
        "Record of the conversation of comrade Molotov with the ambassador a.kh. Aktaem",
        "December 28, 1939 secret",
        BODY,
    )
    assert (first.priority, first.classification) == (Priority.URGENT, Classification.TOP_SECRET)
    assert first.signature == "Terentyev"
    assert (second.priority, second.classification) == (Priority.NONE, Classification.SECRET)
    assert second.date_edtf == "1939-12-28"


def test_a_sentence_beginning_with_a_type_word_does_not_start_a_document():
    document = only(
        "Telegram of the plenipotentiary representative to the NKID",
        "March 19, 1940",
        BODY,
        "Conversation with the ambassador lasted an hour and touched on many questions.",
        "Everyone is very gloomy.",
    )
    assert "lasted an hour" in document.body


# --- Parties ----------------------------------------------------------------------------------


def test_other_party_of_a_record_of_conversation():
    document = only(
        "Recording of the conversation of the deputy peopleʹs commissioner for foreign affairs "
        "of the USSR Potemkin with the ambassador of Turkey in the USSR z. Apaydin",
        "May 13, 1939 secret",
        BODY,
    )
    assert document.sender_name == "Potemkin"
    assert document.other_party_name == "z. Apaydin"
    assert document.other_party_office == "ambassador of Turkey in the USSR"
    assert document.recipient_name == ""


def test_conversation_between_two_parties():
    document = only(
        "Recording of the conversation between the USSR plenipotentiary representative in "
        "Turkey and Turkish president Ataturk. June 1, 1937",
        "June 1, 1937",
        BODY,
    )
    assert document.sender_office == "USSR plenipotentiary representative in Turkey"
    assert document.other_party_name == "Ataturk"


def test_a_conference_name_is_not_taken_for_a_person():
    document = only("Telegram of the delegation to the Lausanne Conference", "1923", BODY)
    assert document.recipient_name == ""


# --- Date lines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "edtf"),
    [
        ("December 26, 1921", "1921-12-26"),
        ("26 December 1921", "1921-12-26"),
        ("26th December 1921", "1921-12-26"),
        ("26.12.1921", "1921-12-26"),
        ("August 20‐26, 1939", "1939-08-20/1939-08-26"),
        ("20-26 August 1939", "1939-08-20/1939-08-26"),
        ("August 30 - September 2, 1939", "1939-08-30/1939-09-02"),
        ("December 30, 1921 - January 2, 1922", "1921-12-30/1922-01-02"),
        ("Between April 20 and early May 1921", "1921-04-20/1921-05~"),
        ("early May 1921", "1921-05~"),
        ("1937 g 25 on May", "1937-05-25"),
        ("1937 g on May 14.", "1937-05-14"),
        ("[December 26, 1921]", "1921-12-26?"),
        ("December 1921", "1921-12"),
    ],
)
def test_date_forms(text, edtf):
    assert find_date(text).edtf == edtf


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Lausanne, January 21, 1923 No. 84",
         {"place": "Lausanne", "reference_number": "No. 84"}),
        ("Transmitted by telegraph on April 12, 1921",
         {"transmission": "Transmitted by telegraph on"}),
        ("Transmitted on the radio on April 12, 1921",
         {"transmission": "Transmitted on the radio on"}),
        ("August 20, 1921 no. 863‐a", {"reference_number": "no. 863‐a"}),
        ("November 24, 1922 no. Vb / 1034", {"reference_number": "no. Vb / 1034"}),
        ("January 21, 1923 № 84", {"reference_number": "№ 84"}),
        ("January 21, 1923 m 84", {"reference_number": "m 84"}),
        ("January 21, 1923 N 84", {"reference_number": "N 84"}),
        ("December 23-28, 1921 Extract", {"is_extract": True}),
    ],
)  # fmt: skip
def test_date_line_parts(line, expected):
    date_line = parse_date_line(line)
    for name, value in expected.items():
        assert getattr(date_line, name) == value


@pytest.mark.parametrize(
    ("line", "classification", "priority"),
    [
        ("Out of line 24 November 1938", Classification.NONE, Priority.URGENT),
        ("Immediately top secret December 25, 1939", Classification.TOP_SECRET, Priority.URGENT),
        ("December 25, 1939 immediately. Top secret", Classification.TOP_SECRET, Priority.URGENT),
        ("Out of line top secret 24 November 1938", Classification.TOP_SECRET, Priority.URGENT),
        ("June 20, 1940, urgent", Classification.NONE, Priority.URGENT),
        ("Highly important out of turn June 20, 1940", Classification.NONE, Priority.URGENT),
        ("June 20, 1940 Top. Secret", Classification.TOP_SECRET, Priority.NONE),
        ("June 20, 1940 Soviet secret", Classification.TOP_SECRET, Priority.NONE),
        ("March 2, 1941  secret", Classification.SECRET, Priority.NONE),
    ],
)
def test_markings_on_the_date_line(line, classification, priority):
    document = only("Telegram of the plenipotentiary to the NKID", line, BODY)
    assert (document.classification, document.priority) == (classification, priority)
    assert document.place_of_origin == ""
    assert document.date_edtf


def test_marking_on_its_own_line_before_the_date():
    document = only("Telegram of the plenipotentiary to the NKID", "Immediately",
                    "Top secret", "June 20, 1940", BODY)  # fmt: skip
    assert (document.classification, document.priority) == (
        Classification.TOP_SECRET,
        Priority.URGENT,
    )


def test_unrecognised_rest_of_a_date_line_is_quoted_in_a_warning():
    document = only("Telegram of the plenipotentiary to the NKID", "June 20, 1940 via Baku", BODY)
    assert document.date_edtf == "1940-06-20"
    assert any("“via Baku”" in warning for warning in document.warnings)


def test_a_sentence_with_a_date_is_no_date_line():
    assert parse_date_line("On 28 August 1921 the following reply was received from him.") is None


# --- Signatures and footnote markers -----------------------------------------------------------


def test_signature_before_an_appended_reply():
    document = only(
        "Note from the plenipotentiary representative to Yusuf Kemal.",
        "August 20, 1921 no. 863‐a",
        "Lord commissioner,",
        "I have the honor to inform you of it.",
        "Please accept, Mr. Commissioner, the assurance of my highest consideration.",
        "Natsarenus",
        "The following reply was received to this note from Yusuf Kemal on 28 august 1921:",
        "“Mr. Plenipotentiary representative, we agree.",
    )
    assert document.signature == "Natsarenus"
    assert "The following reply" in document.body


def test_fragment_of_a_cut_off_page_is_no_signature():
    document = only("Telegram of the plenipotentiary to the NKID", "July 8, 1939", BODY, "Charge")
    assert document.signature == ""
    document = only(
        "Telegram of the plenipotentiary to the NKID",
        "July 8, 1939",
        "He expects events in",
        "Ribbentrop",
    )
    assert document.signature == ""


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("the agreement136 was signed", ["136"]),
        ("this morning.21 Then", ["21"]),
        ("revising the Montreux convention95 and", ["95"]),
        ("an ally of England and France129. France fell out.", ["129"]),
        ("in 1921 the treaty of 16 March, p.322 and l.161", []),
        ("the USSR1 and Kars", []),
    ],
)
def test_endnote_numbers_fused_to_words(text, markers):
    assert fused_markers(text) == markers


def test_footnote_markers_field_lists_every_kind_in_order():
    document = only(
        "Telegram of the plenipotentiary to the NKID",
        "July 8, 1939",
        "Germany has an interest * in the convention95 and the agreement [1] of 1921.",
    )
    assert document.footnote_markers == ["*", "95", "[1]"]


# --- Bad bytes and empty pages -----------------------------------------------------------------

TWO_DOCUMENTS = (
    "URL: https://example.org/page\n\n"
    "Note of the peopleʹs commissar to the ambassador Ali Fuad.\n\n"
    "May 13, 1921 no. 11/930\n\nThe first note.\n\nChicherin\n\n"
    "Note of the peopleʹs commissar to the ambassador Ali Fuad.\n\n"
    "May 18, 1921 no. 11/1013\n\nThe second\x00 note.\n\nChicherin\n"
)


def test_a_nul_byte_fails_only_its_document_and_says_where():
    first, second = parse_page(read_page(TWO_DOCUMENTS.encode())).documents
    assert first.error == ""
    assert "byte 0x00 at line 15, column 11" in second.error
    assert "The second" in second.body


def test_many_nul_bytes_are_still_a_binary_file():
    with pytest.raises(PageError, match="binary"):
        read_page(b"\x00\x01\x02" * 200)


def test_a_page_holding_only_a_heading_is_refused():
    page = read_page(b"URL: x\n\nTelegram of the NKID to the plenipotentiary in Turkey\n")
    with pytest.raises(PageError, match="only a heading"):
        parse_page(page)


def test_a_heading_with_no_text_beside_a_full_document_fails_on_its_own():
    first, second = parse(
        "Telegram of the plenipotentiary to the NKID",
        "July 8, 1939",
        BODY,
        "Terentyev",
        "Note of the NKID to the embassy of Turkey. July 9, 1939",
    )
    assert first.error == ""
    assert "followed by no text" in second.error


def test_type_word_followed_directly_by_a_name():
    document = only("Letter G. V. Chicherin to V. I. Lenin", "May 5, 1921", BODY)
    assert document.doc_type == DocumentType.LETTER
    assert (document.sender_name, document.recipient_name) == ("G. V. Chicherin", "V. I. Lenin")


def test_number_after_the_type_word():
    document = only("Minutes No. 5 of the meeting of the delegations", "May 5, 1921", BODY)
    assert document.doc_type == DocumentType.MINUTES


def test_marking_printed_above_the_heading_belongs_to_it():
    document = only(
        "Top secret", "Telegram of the plenipotentiary to the NKID", "May 5, 1921", BODY
    )
    assert document.classification == Classification.TOP_SECRET


def test_heading_continued_on_the_next_line_by_a_link_word():
    document = only(
        "Record of conversation", "with the ambassador of Turkey Apaydin", "May 5, 1921", BODY
    )
    assert document.heading == "Record of conversation with the ambassador of Turkey Apaydin"
    assert document.other_party_name == "Apaydin"


def test_parenthesised_remark_on_a_date_line_is_kept_in_a_warning():
    document = only(
        "Telegram of the plenipotentiary to the NKID", "May 1921 (no later than the 15th)", BODY
    )
    assert document.date_edtf == "1921-05"
    assert any("no later than" in warning for warning in document.warnings)


def test_a_weekday_before_the_date_is_no_place():
    document = only("Telegram of the plenipotentiary to the NKID", "Monday, May 5, 1921", BODY)
    assert (document.place_of_origin, document.date_edtf) == ("", "1921-05-05")


def test_signature_followed_by_the_place_and_date_of_the_letter():
    document = only(
        "Letter of the peopleʹs commissar to the plenipotentiary representative in Turkey",
        "Dear comrade,",
        "I have received your letter.",
        "With communist greetings",
        "Chicherin",
        "Moscow, December 26, 1921",
    )
    assert (document.signature, document.date_edtf) == ("Chicherin", "1921-12-26")
    assert document.place_of_origin == "Moscow"
    assert "December 26" not in document.body


def test_a_page_ending_with_its_signature_is_not_truncated():
    document = only("Telegram of the plenipotentiary to the NKID", "May 5, 1921", BODY, "Aralov")
    assert document.signature == "Aralov"
    assert not any("truncated" in warning for warning in document.warnings)
    document = only("Telegram of the plenipotentiary to the NKID", "May 5, 1921", "He said that")
    assert any("truncated" in warning for warning in document.warnings)


def test_reception_of_a_visitor_by_the_commissar():
    document = only(
        "Reception of the ambassador of Turkey Aktay by comrade V. M. Molotov", "May 5, 1940", BODY
    )
    assert document.doc_type == DocumentType.RECORD_OF_CONVERSATION
    assert (document.sender_name, document.other_party_name) == ("V. M. Molotov", "Aktay")


def test_diary_entry_naming_its_visitor():
    document = only(
        "From the diary of V. M. Molotov. Reception of the ambassador of Turkey Aktay",
        "May 5, 1940",
        BODY,
    )
    assert document.doc_type == DocumentType.DIARY_ENTRY
    assert (document.sender_name, document.other_party_name) == ("V. M. Molotov", "Aktay")


def test_from_and_a_type_word_followed_by_any_word():
    document = only(
        "From letter interim attorney of the USSR in Iran A. Kartashev to the commissioner",
        "January 21, 1939 secret",
        BODY,
    )
    assert (document.doc_type, document.is_extract) == (DocumentType.LETTER, True)


def test_special_folder_marking_and_sent_out_to():
    document = only(
        "From: conversation of the plenipotentiary Dekanozov with the ambassador Draganov",
        "Sent out to comrade Molotov, comrade Vyshinsky, general secretariat",
        "18 February 1941 secret",
        "Top. Secret special stick",
        BODY,
    )
    assert document.distribution.startswith("Sent out to")
    assert (document.date_edtf, document.classification) == (
        "1941-02-18",
        Classification.TOP_SECRET,
    )


def test_a_blog_title_above_the_heading_is_no_document():
    document = only(
        "V. I. Lenin to the Emir of Afghanistan Amanullah Khan. -letters",
        "Message from the Chairman of the Council V. I. Lenin to the Emir Amanullah Khan.",
        "USSR foreign policy documents. Volume 4. p. 93. Moscow. 1960",
        "Between April 20 and early May 1921",
        BODY,
    )
    assert document.heading.startswith("Message from")
    assert (document.printed_volume, document.date_edtf) == ("4", "1921-04-20/1921-05~")
    document = only(
        "Instruction to the Plenipotentiary Representative of the RSFSR in Afghanistan.",
        "Instruction of the Peopleʹs Commissar to the Plenipotentiary Representative.",
        "June 3, 1921",
        BODY,
    )
    assert document.heading.startswith("Instruction of") and document.error == ""


def test_a_source_label_on_its_own_line():
    document = only(
        "Note of the Peopleʹs Commissar to the Ambassador of Turkey Ali Fuad.",
        "A source:",
        "USSR foreign policy documents. Volume 4. p. 49. Moscow. 1960",
        "April 6, 1921 No. 11/552",
        BODY,
    )
    assert document.source_note.startswith("A source: USSR foreign policy documents")
    assert (document.printed_page, document.reference_number) == ("49", "No. 11/552")
