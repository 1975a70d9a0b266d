"""Field-level accuracy of the parser against hand-written expectations.

The expectations file (tests/data/import_expectations.json) lists, per page file, the page's
source URL and for each document on it the expected value of each field. A field is right on
a document when the parser's value is exactly the expected one (warnings compared as sets);
right on a page when it is right on every document the page should yield, and the parser found
exactly that many documents.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from .files import read_page_file
from .parser import parse_page
from .text import PageError, read_page

UNORDERED_FIELDS = {"warnings", "footnote_markers"}
# Fields whose value is a list or a long text: reported per field, left out of the share of
# scalar fields right.
NON_SCALAR_FIELDS = {"warnings", "footnotes", "footnote_markers", "body"}


@dataclass
class FieldScore:
    documents_right: int = 0
    documents: int = 0
    pages_right: int = 0
    pages: int = 0

    @property
    def document_share(self) -> float:
        return self.documents_right / self.documents if self.documents else 0.0

    @property
    def page_share(self) -> float:
        return self.pages_right / self.pages if self.pages else 0.0


@dataclass
class AccuracyReport:
    scores: dict[str, FieldScore] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)  # "page[index] field: got ..., want ..."
    errors: list[str] = field(default_factory=list)
    pages: int = 0
    pages_recognised: int = 0  # the parser found at least one document (the page not refused)

    @property
    def scalar_right(self) -> tuple[int, int]:
        """(scalar field values right, scalar field values expected) over every document."""
        right = total = 0
        for name, score in self.scores.items():
            if name.startswith("(") or name in NON_SCALAR_FIELDS or name == "source_url":
                continue
            right += score.documents_right
            total += score.documents
        return right, total

    @property
    def all_fields_right(self) -> tuple[int, int]:
        right = sum(s.documents_right for n, s in self.scores.items() if not n.startswith("("))
        total = sum(s.documents for n, s in self.scores.items() if not n.startswith("("))
        return right, total


def load_expectations(path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"Cannot read the expectations file {path}: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("pages"), dict):
        raise ValueError(f"{path} has no “pages” object.")
    return data


def _same(name: str, got, want) -> bool:
    if name in UNORDERED_FIELDS:
        return sorted(got or []) == sorted(want or [])
    return got == want


def _parse(path: Path):
    return parse_page(read_page(read_page_file(path)))


def measure(folder, expectations: dict) -> AccuracyReport:
    report = AccuracyReport()
    for page_name, page in expectations["pages"].items():
        expected_docs = page.get("documents", [])
        report.pages += 1
        try:
            parsed = _parse(Path(folder) / page_name)
            got_docs, got_url = [d.as_dict() for d in parsed.documents], parsed.source_url
            report.pages_recognised += bool(got_docs)
        except (PageError, OSError) as error:
            report.errors.append(f"{page_name}: {error}")
            got_docs, got_url = [], None
        count_right = len(got_docs) == len(expected_docs)
        _score(report, "(document count)", [count_right], page_level=True)
        if "source_url" in page:
            _score(report, "source_url", [got_url == page["source_url"]], page_level=True)
        names = sorted({name for doc in expected_docs for name in doc})
        for name in names:
            results = []
            for index, want in enumerate(expected_docs):
                got = got_docs[index].get(name) if index < len(got_docs) else None
                right = index < len(got_docs) and _same(name, got, want.get(name))
                if not right:
                    report.misses.append(
                        f"{page_name}[{index}] {name}: got {got!r}, want {want.get(name)!r}"
                    )
                results.append(right)
            _score(report, name, results, page_complete=count_right)
    return report


def _score(report, name, results, page_level=False, page_complete=True):
    score = report.scores.setdefault(name, FieldScore())
    if not page_level:
        score.documents += len(results)
        score.documents_right += sum(results)
    score.pages += 1
    score.pages_right += int(all(results) and page_complete)


def format_table(report: AccuracyReport) -> str:
    lines = [
        "| field | documents right | pages right |",
        "| --- | --- | --- |",
    ]
    for name, score in report.scores.items():
        documents = (
            f"{score.documents_right}/{score.documents} ({score.document_share:.0%})"
            if score.documents
            else "–"
        )
        pages = f"{score.pages_right}/{score.pages} ({score.page_share:.0%})"
        lines.append(f"| {name} | {documents} | {pages} |")
    lines += ["", *format_overall(report)]
    return "\n".join(lines)


def _share(right: int, total: int) -> str:
    return f"{right}/{total} ({right / total:.1%})" if total else "–"


def format_overall(report: AccuracyReport) -> list[str]:
    count = report.scores.get("(document count)", FieldScore())
    return [
        f"pages recognised (not refused): {_share(report.pages_recognised, report.pages)}",
        f"pages with every document found: {_share(count.pages_right, count.pages)}",
        f"scalar fields right: {_share(*report.scalar_right)}",
        f"all fields right: {_share(*report.all_fields_right)}",
    ]
