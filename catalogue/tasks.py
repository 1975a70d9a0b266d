"""Background work: derivatives of scans are made outside the admin's request.

With the default "immediate" backend a task runs as soon as it is enqueued (after the upload's
transaction commits); with TASKS_BACKEND=database, `manage.py db_worker` runs them from a queue.
`manage.py regenerate_derivatives` makes any that are missing or stale.
"""

import logging

from django.db import transaction
from django_tasks import task

from catalogue.imaging import store_derivatives

logger = logging.getLogger(__name__)


@task()
def make_scan_derivatives(scan_id: int) -> bool:
    """Make the display image and thumbnail of one scan, unless they are current already."""
    from catalogue.models import Scan

    scan = Scan.objects.filter(pk=scan_id).first()
    if scan is None or scan.derivatives_current:
        return False
    return store_derivatives(scan)


def enqueue_derivatives(scan_id: int) -> None:
    """Queue the derivatives of a scan once the current transaction has committed."""
    transaction.on_commit(lambda: make_scan_derivatives.enqueue(scan_id))


@task()
def warm_public_pages(version: int) -> int:
    """Recompute the cached counts of the most visited public pages (see catalogue.warming)."""
    from catalogue.warming import warm_if_current

    warmed = warm_if_current(version)
    return -1 if warmed is None else len(warmed)
