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
        names = sorted({name for doc in expected_docs for name in doc} - MENTION_FIELDS)
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


# --- Persons and places mentioned (issue 13, item 4) -----------------------------------------
# Expected per document as "persons_mentioned" and "places_mentioned": every person and place
# the document names (heading, addressee, body, signature, footnotes). A person is right when
# the surname meets (known spellings first brought to one name: "Ismet Pasha" = "I. Inonu"); a
# place when the gazetteer brings both names to one place ("angora" = "Ankara").

MENTION_FIELDS = {"persons_mentioned", "places_mentioned"}


@dataclass
class MentionScore:
    found: int = 0
    right: int = 0
    expected: int = 0
    recalled: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.recalled / self.expected if self.expected else 0.0


@dataclass
class MentionReport:
    scores: dict[str, MentionScore] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)


def _person_key(name: str) -> str:
    from .names import preferred_person_name, surname_key

    return surname_key(preferred_person_name(name))


def _place_key(name: str) -> str:
    from .gazetteer import gazetteer, place_key

    place = gazetteer().lookup(name) or gazetteer().lookup(name.title())
    return place_key(place.name if place else name)


def _compare(report, label, where, found: list[str], expected: list[str], key):
    score = report.scores.setdefault(label, MentionScore())
    found_keys, expected_keys = {key(n) for n in found}, {key(n) for n in expected}
    score.found += len(found_keys)
    score.right += len(found_keys & expected_keys)
    score.expected += len(expected_keys)
    score.recalled += len(found_keys & expected_keys)
    extra = sorted(n for n in found if key(n) not in expected_keys)
    missed = sorted(n for n in expected if key(n) not in found_keys)
    if extra or missed:
        report.misses.append(f"{where} {label}: not expected {extra}, missed {missed}")


def measure_mentions(folder, expectations: dict, accepted_only: bool = False) -> MentionReport:
    """Precision and recall of persons and places mentioned, over documents in order.

    A page the parser refuses (or a document it does not find) counts every expected name as
    missed, unless `accepted_only`.
    """
    from .mentions import find_mentions

    report = MentionReport()
    for page_name, page in expectations["pages"].items():
        expected_docs = [d for d in page.get("documents", []) if MENTION_FIELDS & set(d)]
        if not expected_docs:
            continue
        try:
            parsed = _parse(Path(folder) / page_name).documents
        except (PageError, OSError):
            parsed = []
        if accepted_only and not parsed:
            continue
        for index, want in enumerate(expected_docs):
            document = _same_document(parsed, index, want)
            found = find_mentions(document) if document else None
            persons = [p.name for p in found.persons] if found else []
            places = found.place_names() if found else []
            where = f"{page_name}[{index}]"
            _compare(report, "persons", where, persons, want.get("persons_mentioned", []),
                     _person_key)  # fmt: skip
            _compare(report, "places", where, places, want.get("places_mentioned", []),
                     _place_key)  # fmt: skip
    return report


def _same_document(parsed: list, index: int, want: dict):
    """The parsed document of that date (a stray heading may shift the order), else by order."""
    date = want.get("date_edtf")
    same_date = [doc for doc in parsed if date and doc.date_edtf == date]
    if len(same_date) == 1:
        return same_date[0]
    return parsed[index] if index < len(parsed) else None


def format_mentions(report: MentionReport) -> str:
    lines = ["| mentions | precision | recall |", "| --- | --- | --- |"]
    for label, score in report.scores.items():
        lines.append(
            f"| {label} | {score.right}/{score.found} ({score.precision:.0%}) "
            f"| {score.recalled}/{score.expected} ({score.recall:.0%}) |"
        )
    return "\n".join(lines)
