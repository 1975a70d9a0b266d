"""Text normalisation shared by search, authority matching and the importer.

The stored text keeps what was printed; these functions produce the comparable form beside it.
"""

import re
import unicodedata

# Characters the translations use for ordinary punctuation (see DOMAIN.md, "Typography").
TYPOGRAPHY = str.maketrans(
    {
        "\u02b9": "'",  # modifier letter prime, used as apostrophe
        "\u02bc": "'",
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u02ba": '"',  # modifier letter double prime, used as double quote
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",  # hyphen
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)

_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


def normalise_typography(text: str) -> str:
    """Replace typographic look-alikes by their plain ASCII punctuation."""
    return (text or "").translate(TYPOGRAPHY)


def fold(text: str) -> str:
    """Case-, accent- and typography-insensitive form of a text, punctuation kept as spaces.

    "Peopleʹs Commissar" -> "people s commissar"; "Saracoğlu" -> "saracoglu".
    """
    text = normalise_typography(text)
    if not text.isascii():  # ASCII has nothing to decompose (most of the importer's text)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("'", "")
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def name_key(name: str) -> str:
    """A key under which spellings of one name meet: folded, with spaces and hyphens removed.

    "Franklin-Bouillon" and "franklinbouillon" share the key "franklinbouillon".
    """
    return fold(name).replace(" ", "")
