"""Write the CSL-JSON items whose citeproc-js renderings the tests compare with ours.

The items are the published documents of the seed collection, mapped by catalogue.citations.csl
(loaded into a throw-away SQLite database), followed by the hand-written cases in cases.json that
exercise each correction of catalogue/citations/compat.py. Run by update.sh.
"""

import datetime
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The tests build the same items with these values (tests/test_citations_styles.py).
BASE_URL = "http://testserver"
ACCESSED = datetime.date(2025, 1, 15)


def main():
    database = Path(tempfile.mkdtemp()) / "items.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from catalogue.citations.csl import csl_item, for_citation
    from catalogue.models import Document

    call_command("migrate", verbosity=0)
    call_command("load_seed", verbosity=0)
    documents = for_citation(Document.objects.published().order_by("identifier"))
    items = [
        csl_item(doc, url=BASE_URL + doc.get_absolute_url(), accessed=ACCESSED) for doc in documents
    ]
    items += json.loads((Path(__file__).with_name("cases.json")).read_text(encoding="utf-8"))
    json.dump(items, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
