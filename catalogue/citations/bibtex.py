"""BibTeX rendered from the CSL-JSON item (UTF-8; biblatex fields where BibTeX has none).

Entry type ``@misc`` for every document, the one type every BibTeX and biblatex style prints
without required fields; the document type is in ``type``. Values are escaped for LaTeX (the ten
special characters), the title and bodies' names are braced so that styles keep their case and do
not split a body's name at "and". Non-Latin text (Cyrillic, U+02B9) is written as UTF-8.
"""

from . import dates, names, titles

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
}
_LATEX_TABLE = str.maketrans(_LATEX_SPECIALS)


def escape(value: str) -> str:
    """LaTeX-escape a value; line breaks become spaces."""
    return " ".join(str(value).split()).translate(_LATEX_TABLE)


def name_list(csl_names: list[dict]) -> str:
    """BibTeX names joined by "and"; a literal (a body, a one-part name) is braced whole."""
    written = []
    for name in csl_names:
        if "literal" in name:
            written.append("{" + escape(name["literal"]) + "}")
        else:
            written.append(escape(names.inverted(name)))
    return " and ".join(written)


def _recipient_note(item: dict) -> str:
    """'Letter to …' for a titled item with recipients (an untitled one has it as its title)."""
    if not item.get("recipient") or not item.get("title"):
        return ""
    return titles.description(item)


def _archive(item: dict) -> str:
    parts = (item.get("archive"), item.get("archive-place"), item.get("archive_location"))
    return ", ".join(part for part in parts if part)


def fields(item: dict) -> list[tuple[str, str]]:
    """(field, BibTeX value) pairs, in a readable order; empty fields left out."""
    pairs = [
        ("author", name_list(item.get("author", []))),
        ("title", "{" + escape(titles.title(item)) + "}"),
        ("type", escape(item.get("genre", ""))),
        ("date", escape(dates.iso_date(dates.document_date(item)))),
        ("year", escape(dates.year(dates.document_date(item)))),
        ("recipient", name_list(item.get("recipient", []))),
        ("note", escape(_recipient_note(item))),
        ("howpublished", escape(_archive(item))),
        ("booktitle", escape(item.get("container-title", ""))),
        ("volume", escape(item.get("volume", ""))),
        ("number", escape(item.get("number", ""))),
        ("pages", escape(item.get("page", "").replace("–", "--"))),
        ("publisher", escape(item.get("publisher", ""))),
        ("address", escape(item.get("publisher-place", ""))),
        ("translator", name_list(item.get("translator", []))),
        ("series", escape(item.get("collection-title", ""))),
        ("language", escape(item.get("language", ""))),
        ("url", escape(item.get("URL", ""))),
        ("urldate", escape(dates.iso_date(item.get("accessed")))),
    ]
    return [(name, value) for name, value in pairs if value and value != "{}"]


def entry(item: dict) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields(item))
    return f"@misc{{{item['id']},\n{body}\n}}\n"
