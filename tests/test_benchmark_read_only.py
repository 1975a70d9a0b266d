"""`manage.py benchmark --read-only` (issue 15): measures the network pages of a shared catalogue
without writing to it: no user, no recorded change."""

import pytest
from django.contrib.auth import get_user_model

from catalogue import versioning
from catalogue.benchmarking import Run, run_benchmark


def test_a_read_only_run_writes_nothing(seed):
    version = versioning.current_version()
    users = get_user_model().objects.count()
    report = run_benchmark(Run(repeat=1, pages=("network", "network_person"), read_only=True))
    assert [r["status"] for r in report["results"]] == [200, 200]
    assert versioning.current_version() == version
    assert get_user_model().objects.count() == users
    index = report["catalogue_index"]
    assert index["catch_up_ms"] is None and index["apply_one_document_ms"] is not None
    assert index["network_pairs"] > 0


def test_admin_pages_are_refused_in_a_read_only_run(seed):
    with pytest.raises(ValueError, match="read-only"):
        run_benchmark(Run(repeat=1, pages=("admin_changelist",), read_only=True))
