"""The editors' gloss of source notes the translation garbled.

Soviet editions end a document with a source note: "Pechat. po arkh." (*pechataetsya po
arkhivnomu ekzemplyaru*, "printed from the archive copy"). Machine translation turns it into
"Print. By architect.", "Pgchat. About arch.", "Print. By srh." and the like. The catalogue keeps
the note as printed and shows the editors' gloss beside it. Known garbles are listed; others are
recognised by their shape: a word for "printed", a preposition, and a word for "archive".
"""

from dataclasses import dataclass

from catalogue.text import fold

ARCHIVE_COPY = "printed from the archive copy"
ARCHIVE_COPY_RUSSIAN = "Pechat. po arkh."

# As printed in the collection (folded), and the transliteration itself.
KNOWN_GARBLES = {
    fold(note): ARCHIVE_COPY
    for note in (
        "Print. By architect.",
        "Pgchat. About arch.",
        "Print. By srh.",
        "Print. By arch.",
        "Printed by arch.",
        "Print. On arch.",
        "Pechat. po arkh.",
        "Pechat. po arh.",
        "Печат. по арх.",
        "Печатается по архивному экземпляру.",
    )
}

PRINTED = ("print", "printed", "printing", "pechat", "pechataetsya", "печат", "печатается")
PREPOSITIONS = {"by", "po", "about", "on", "from", "according", "after", "per", "to", "по"}
ARCHIVE_STEMS = ("arch", "arkh", "arh", "ark", "srh", "apx", "арх")
MAX_WORDS = 5  # "Printed from the archive copy" is five; a longer note says something else


@dataclass(frozen=True)
class Gloss:
    """What the editors say a source note means."""

    text: str
    original: str = ARCHIVE_COPY_RUSSIAN


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (short words only)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def _looks_like(word: str, forms, tolerance: int) -> bool:
    return any(
        word.startswith(form) or _distance(word[: len(form)], form) <= tolerance for form in forms
    )


def _is_archive_copy(words: list[str]) -> bool:
    """'print(ed) <preposition> [the] arch…' with the translation's misspellings."""
    words = [word for word in words if word not in {"the", "a", "an", "copy", "copies"}]
    if len(words) != 3:
        return False
    printed, preposition, archive = words
    return (
        _looks_like(printed, PRINTED, tolerance=1 if len(printed) < 6 else 2)
        and preposition in PREPOSITIONS
        and (archive.startswith(ARCHIVE_STEMS) or _distance(archive[:4], "arkh") <= 1)
    )


def gloss(note: str) -> Gloss | None:
    """The editors' gloss of a source note as printed, or None when it needs none."""
    folded = fold(note)
    if not folded or folded == fold(ARCHIVE_COPY):  # empty, or already plain English
        return None
    if folded in KNOWN_GARBLES:
        return Gloss(KNOWN_GARBLES[folded])
    words = folded.split()
    if len(words) <= MAX_WORDS and _is_archive_copy(words):
        return Gloss(ARCHIVE_COPY)
    return None
