"""The import_accuracy command, and the importer against the seed collection."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalogue.importers.accuracy import load_expectations, measure
from catalogue.importers.persist import Outcome, import_page
from catalogue.models import Collection, Document

DATA = Path(__file__).parent / "data"
PAGES = DATA / "pages"
EXPECTATIONS = DATA / "import_expectations.json"


def accuracy(*args):
    out = StringIO()
    call_command("import_accuracy", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_accuracy_table_over_the_test_pages():
    output = accuracy(str(PAGES), str(EXPECTATIONS))
    assert "| field | documents right | pages right |" in output
    assert "| body | 13/13 (100%) | 10/10 (100%) |" in output
    pages = len(json.loads(EXPECTATIONS.read_text(encoding="utf-8"))["pages"])
    assert f"| (document count) | – | {pages}/{pages} (100%) |" in output
    assert f"pages recognised (not refused): {pages}/{pages} (100.0%)" in output
    assert "scalar fields right: " in output and "| other_party_name |" in output


def test_overall_figures_count_scalar_fields_and_refused_pages(tmp_path):
    expected = {"pages": {
        "000-seed.txt": {"documents": [{"signature": "Chicherin", "doc_type": "note",
                                        "footnotes": [], "warnings": []}]},
        "nowhere.txt": {"documents": [{"signature": "X"}]},
    }}  # fmt: skip
    path = tmp_path / "e.json"
    path.write_text(json.dumps(expected), encoding="utf-8")
    report = measure(PAGES, load_expectations(path))
    assert (report.pages_recognised, report.pages) == (1, 2)
    assert report.scalar_right == (1, 3)  # signature right; type wrong; the missing page's
    assert report.all_fields_right == (2, 5)  # and warnings right, footnotes wrong


def test_a_wrong_expectation_lowers_the_figures(tmp_path):
    expected = json.loads(EXPECTATIONS.read_text(encoding="utf-8"))
    expected["pages"]["000-seed.txt"]["documents"][0]["signature"] = "[Chicherin]"
    del expected["pages"]["002-1938-03-18-telegrams.txt"]["documents"][2]
    path = tmp_path / "expectations.json"
    path.write_text(json.dumps(expected), encoding="utf-8")
    report = measure(PAGES, load_expectations(path))
    # Pages 300-333 expect header fields and mentions only, not a signature.
    with_signature = [p for p in expected["pages"].values() if "signature" in p["documents"][0]]
    documents = sum(len(page["documents"]) for page in with_signature)
    pages = len(with_signature)
    assert report.scores["signature"].documents_right == documents - 1
    assert report.scores["signature"].pages_right == pages - 2  # seed wrong; 002 miscounted
    assert report.scores["(document count)"].pages_right == len(expected["pages"]) - 1
    output = accuracy(str(PAGES), str(path), "--show-misses")
    assert "000-seed.txt[0] signature: got 'Chicherin', want '[Chicherin]'" in output


def test_missing_page_counts_as_wrong(tmp_path):
    expected = {"pages": {"nowhere.txt": {"documents": [{"heading": "Letter"}]}}}
    path = tmp_path / "e.json"
    path.write_text(json.dumps(expected), encoding="utf-8")
    report = measure(PAGES, load_expectations(path))
    assert report.scores["heading"].documents_right == 0
    assert report.errors


def test_unreadable_expectations_are_a_clear_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="Cannot read the expectations file"):
        accuracy(str(PAGES), str(path))


def test_corpus_pages_already_in_the_seed_are_not_imported_twice(seed):
    collection = Collection.objects.get()
    seeded = Document.objects.count()
    results = {
        path.name: import_page(path.name, path.read_bytes(), collection)
        for path in sorted(PAGES.glob("00*.txt"))
    }
    outcomes = [item.outcome for result in results.values() for item in result.documents]
    assert outcomes == [Outcome.SKIPPED] * 12
    assert results["000-seed.txt"].documents[0].document.identifier == "D000001"
    assert Document.objects.count() == seeded


def test_seed_authorities_are_found_for_a_new_page(seed):
    page = (PAGES / "101-synthetic-distribution.txt").read_bytes()
    result = import_page("synthetic", page, Collection.objects.get(), dry_run=True)
    names = result.documents[0].names
    mentioned = {str(match.record) for match in names.matched}
    assert any("Ankara" in name for name in mentioned)  # "angora" in the body
