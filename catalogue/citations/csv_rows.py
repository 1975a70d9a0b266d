"""CSV rendered from the CSL-JSON item: one row per document, for spreadsheets and scripts.

Columns follow the CSL variables historians cite (see catalogue.citations.csl); names are
inverted and joined with "; ", the date is ISO 8601 / EDTF ("1939-08-20/1939-08-26"). A cell
that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return)
is written with a leading apostrophe, as OWASP advises for CSV exports.
"""

import csv
import io

from . import dates, names, titles

COLUMNS = [
    ("id", "identifier"),
    ("URL", "url"),
    ("type", "type"),
    ("genre", "genre"),
    ("title", "title"),
    ("author", "author"),
    ("recipient", "recipient"),
    ("issued", "date"),
    ("archive", "archive"),
    ("archive-place", "archive_place"),
    ("archive_location", "archive_location"),
    ("container-title", "printed_source"),
    ("volume", "volume"),
    ("page", "page"),
    ("number", "document_number"),
    ("translator", "translator"),
    ("language", "language"),
    ("collection-title", "collection"),
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(item: dict, variable: str) -> str:
    value = item.get(variable, "")
    if variable in ("author", "recipient", "translator"):
        value = "; ".join(names.inverted(name) for name in value or [])
    elif variable == "title":  # correspondence is untitled in CSL: named as the styles name it
        value = titles.title(item)
    elif variable == "issued":  # the document's own date, also when cited from a printed volume
        value = dates.iso_date(dates.document_date(item))
    value = " ".join(str(value).split())
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


HEADER = _line([heading for _variable, heading in COLUMNS])


def row(item: dict) -> str:
    return _line([_cell(item, variable) for variable, _heading in COLUMNS])
