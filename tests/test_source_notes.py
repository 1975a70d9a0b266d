"""The editors' gloss of source notes the translation garbled (catalogue.sourcenotes)."""

import pytest

from catalogue.sourcenotes import ARCHIVE_COPY, gloss
from catalogue.templatetags.source_notes import with_gloss


@pytest.mark.parametrize(
    "note",
    [
        # As printed in the collection (corpus pages 000, 002, 005)
        "Print. By architect.",
        "Pgchat. About arch.",
        "Print. By srh.",
        # Garbles of the same note not seen yet, and the transliteration itself
        "Print. by arch.",
        "PRINT. BY ARCHITECT",
        "Prnt. By architect.",
        "Pechat. po arkh.",
        "Pechat po arhivu",
        "Printed from the archive",
        "Печат. по арх.",
    ],
)
def test_garbled_archive_copy_notes_get_the_gloss(note):
    found = gloss(note)
    assert found is not None and found.text == ARCHIVE_COPY == "printed from the archive copy"
    assert found.original == "Pechat. po arkh."


@pytest.mark.parametrize(
    "note",
    [
        "",
        "Izvestia",
        "Print. By Izvestia.",
        "Print. According to the newspaper.",
        "A source: USSR foreign policy documents. Volume 4. p. 270. Moscow. Gospolitizdat. 1960",
        "Print. By architect. The rest of the letter is lost.",
        "Printed from the archive copy",  # already plain English
        "Print",
    ],
)
def test_other_notes_get_none(note):
    assert gloss(note) is None


def test_the_note_is_kept_as_printed_with_the_gloss_beside_it():
    html = str(with_gloss("Print. By architect."))
    assert html.startswith('<span class="as-printed">Print. By architect.</span> ')
    assert '<span class="gloss">(editors’ gloss: printed from the archive copy' in html


def test_notes_are_escaped():
    assert "<b>" not in str(with_gloss("<b>Print. By architect.</b>"))
    assert "&lt;script&gt;" in str(with_gloss("<script>"))


def test_seed_letter_page_shows_the_gloss(client, seed):
    html = client.get("/documents/D000001/").content.decode()
    assert html.count("printed from the archive copy") == 2  # metadata panel and end of text
    assert "Print. By architect." in html
