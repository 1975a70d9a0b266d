"""The download formats: one CSL-JSON item (or many) written as BibTeX, RIS, CSL-JSON or CSV."""

import json
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from . import bibtex, csv_rows, ris


@dataclass(frozen=True)
class Format:
    extension: str
    label: str
    content_type: str
    render: Callable[[dict], str]  # one item
    head: str = ""
    separator: str = ""
    tail: str = ""
    for_reference_managers: bool = True  # offered in a document's citation box

    def write(self, items: Iterable[dict]) -> Iterator[str]:
        """The file, piece by piece: head, the items with separators between them, tail."""
        yield self.head
        for index, item in enumerate(items):
            yield (self.separator if index else "") + self.render(item)
        yield self.tail

    def render_all(self, items: Iterable[dict]) -> str:
        return "".join(self.write(items))


def _csl_json(item: dict) -> str:
    return textwrap.indent(json.dumps(item, ensure_ascii=False, indent=2), "  ")


FORMATS = {
    "bib": Format(
        "bib", "BibTeX", "application/x-bibtex; charset=utf-8", bibtex.entry, separator="\n"
    ),
    "ris": Format("ris", "RIS", "application/x-research-info-systems; charset=utf-8", ris.record),
    "json": Format(
        "json",
        "CSL-JSON",
        "application/vnd.citationstyles.csl+json; charset=utf-8",
        _csl_json,
        head="[\n",
        separator=",\n",
        tail="\n]\n",
    ),
    "csv": Format(
        "csv",
        "CSV",
        "text/csv; charset=utf-8; header=present",
        csv_rows.row,
        head=csv_rows.HEADER,
        for_reference_managers=False,
    ),
}
