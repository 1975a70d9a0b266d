"""The catalogue version: one number in the database that moves with what the public sees.

Every save or delete the public can see (a document published, withdrawn or edited while
published, anything attached to a published document, an authority, a place, a theme, a
collection: see `is_public_change`) calls `record_change`, which increments the number and logs
the changed record IN THE SAME TRANSACTION. Drafting and review leave it alone.

Readers use `current_version()`, read from the database once per request (one primary-key
query; `CatalogueVersionMiddleware` keeps it for the rest of the request). Because the number
and the data change together, whatever a request computes from the data is at least as new as
the version it read: a value cached under that version (catalogue.caching) can never show a
document withdrawn at or before it, whatever the number of workers, the cache backend, its
evictions or restarts. A derived index reads `changes_since(its version)` to catch up.

Bulk writes that send no signals (the synthetic generator, a search index rebuild) call
`record_change(model)` with no ids themselves.
"""

import contextvars
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from catalogue.models import CatalogueChange, CatalogueVersion, Document, Status

# Above this many ids one change is logged as "every record of the model" (a rebuild).
MAX_LOGGED_IDS = 500
# Every PRUNE_EVERY versions the log keeps only the last KEEP_VERSIONS versions.
PRUNE_EVERY = 1000
KEEP_VERSIONS = 100_000

# Per request: {database alias: version}. None outside a request (then every call reads).
_request_versions: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "catalogue_request_versions", default=None
)


# --- Reading ---------------------------------------------------------------------------------


def current_version(using: str = DEFAULT_DB_ALIAS) -> int:
    """The catalogue version as the database `using` has it; read once per request."""
    remembered = _request_versions.get()
    if remembered is not None and using in remembered:
        return remembered[using]
    number = _read(using)
    if remembered is not None:
        remembered[using] = number
    return number


def _read(using) -> int:
    rows = CatalogueVersion.objects.using(using).filter(pk=CatalogueVersion.SINGLETON)
    number = rows.values_list("number", flat=True).first()
    return _start(using) if number is None else number


def _clock() -> int:
    # Milliseconds: a version (re)started from the clock lies above every number used before
    # (each change adds 1), so values cached under an earlier row's versions are never read.
    return time.time_ns() // 1_000_000


def _start(using) -> int:
    """Create the version row (a new database, or one whose row was deleted)."""
    start = _clock()
    try:
        with transaction.atomic(using=using):
            version, _ = CatalogueVersion.objects.using(using).get_or_create(
                pk=CatalogueVersion.SINGLETON,
                defaults={"number": start, "log_starts_at": start},
            )
    except IntegrityError:  # another process created it meanwhile
        version = CatalogueVersion.objects.using(using).get(pk=CatalogueVersion.SINGLETON)
    return version.number


def has_uncommitted_change(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the current transaction recorded a public change not yet committed. Nothing may
    be cached meanwhile: its version number is not final (the transaction may roll back and
    another change take the number)."""
    connection = connections[using]
    marker = getattr(connection, "_catalogue_change_in", None)
    return marker is not None and _outermost_transaction(connection) == marker


def _outermost_transaction(connection):
    """An identity of the transaction under way, None in autocommit. A test case's own
    wrapping transaction does not count: in a test, changes count as committed."""
    if not connection.in_atomic_block:
        return None
    blocks = [b for b in connection.atomic_blocks if not getattr(b, "_from_testcase", False)]
    return id(blocks[0]) if blocks else None


# --- Writing ---------------------------------------------------------------------------------


def record_change(model: str, ids=None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Increment the version for a public change of `model` records `ids` (None: possibly
    all of them) and log it, in the caller's transaction; return the new version."""
    table = CatalogueVersion._meta.db_table
    connection = connections[using]
    ids = None if ids is None else sorted({int(pk) for pk in ids if pk is not None})
    with transaction.atomic(using=using, savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {connection.ops.quote_name(table)} "
                "SET number = number + 1, changed_at = %s WHERE id = %s RETURNING number",
                [timezone.now(), CatalogueVersion.SINGLETON],
            )
            row = cursor.fetchone()
        number = row[0] if row else _start(using)
        _log(model, ids, number, using)
        if number % PRUNE_EVERY == 0:
            prune_log(number - KEEP_VERSIONS, using)
        _mark_uncommitted(connection)
    remembered = _request_versions.get()
    if remembered is not None:
        remembered.pop(using, None)  # read again: the committed number, once there is one
    return number


def _log(model, ids, number, using):
    if ids is not None and len(ids) > MAX_LOGGED_IDS:
        ids = None
    targets = [None] if ids is None else ids
    CatalogueChange.objects.using(using).bulk_create(
        CatalogueChange(version=number, model=model, object_id=pk) for pk in targets
    )


def _mark_uncommitted(connection):
    connection._catalogue_change_in = _outermost_transaction(connection)


def prune_log(before_version: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Forget changes older than `before_version`; an index older than that rebuilds."""
    CatalogueChange.objects.using(using).filter(version__lt=before_version).delete()
    CatalogueVersion.objects.using(using).filter(log_starts_at__lt=before_version).update(
        log_starts_at=before_version
    )


@dataclass
class Changes:
    """What changed after a version, up to `version`: per model, the ids changed, or None
    for "possibly every record" (rebuild)."""

    version: int
    by_model: dict[str, set[int] | None] = field(default_factory=dict)

    @property
    def documents(self) -> set[int] | None:
        return self.by_model.get("document", set())

    def add(self, model, object_id):
        if object_id is None:
            self.by_model[model] = None
        elif self.by_model.get(model, set()) is not None:
            self.by_model.setdefault(model, set()).add(object_id)


def changes_since(version: int, using: str = DEFAULT_DB_ALIAS) -> Changes | None:
    """The changes made after `version`, or None when the log no longer reaches back to it
    (pruned, or the version row was restarted): the caller must rebuild."""
    state = CatalogueVersion.objects.using(using).filter(pk=CatalogueVersion.SINGLETON).first()
    if state is None or version < state.log_starts_at - 1 or version > state.number:
        return None
    changes = Changes(version=state.number)
    rows = CatalogueChange.objects.using(using).filter(
        version__gt=version, version__lte=state.number
    )
    for model, object_id in rows.values_list("model", "object_id"):
        changes.add(model, object_id)
    return changes


# --- Which changes are public ----------------------------------------------------------------

# Records the public never sees: audit history, importer suggestions and other transcriptions,
# revisions awaiting an editor (catalogue.revisions; publishing one saves the document, which is
# public), this log.
PRIVATE_MODELS = {
    "authoritysuggestion",
    "othertranscription",
    "catalogueversion",
    "cataloguechange",
    "revision",
}
# Name variants and offices change how their owner appears.
OWNERS = {
    "personname": "person",
    "organisationname": "organisation",
    "placename": "place",
    "office": "person",
}


def is_public_change(instance, created=False) -> bool:
    """Whether saving or deleting `instance` can change what a public page shows.

    Drafts and documents in review are invisible, and so are their mentions, correspondents,
    footnotes, scans and themes: editing them changes nothing public; nor do a published
    document's pending scans (catalogue.revisions). A document that is or
    was published, anything attached to one, and authorities, places, themes and collections
    (shown on public pages whatever they are linked to) are public. When in doubt (an unknown
    model, a status not loaded) the answer is yes.
    """
    meta = instance._meta
    if meta.model_name in PRIVATE_MODELS or meta.model_name.startswith("historical"):
        return False
    if getattr(instance, "pending", False) is True:  # a page image awaiting an editor
        return False
    if isinstance(instance, Document):
        if instance.status == Status.PUBLISHED:
            return True
        return not created and instance.was_published is not False
    document_id = getattr(instance, "document_id", None)
    if document_id is not None:
        if (published := _document_in_hand_published(instance, document_id)) is not None:
            return published
        return Document.objects.filter(pk=document_id, status=Status.PUBLISHED).exists()
    return True


def _document_in_hand_published(instance, document_id) -> bool | None:
    """Whether the part's document, already loaded with it (the importer's new draft, an
    inline formset's parent), is published as saved or loaded; None when it is not in hand
    or its status in the database is not known (then a query answers)."""
    document = instance._state.fields_cache.get("document")
    if not isinstance(document, Document) or document.pk != document_id:
        return None
    return document.was_published


def changed_record(instance) -> tuple[str, int | None]:
    """The record whose public appearance changes with `instance`: its document, the owner
    of a name variant, or itself."""
    document_id = getattr(instance, "document_id", None)
    if document_id is not None:
        return "document", document_id
    model_name = instance._meta.model_name
    owner = OWNERS.get(model_name)
    if owner is not None:
        return owner, getattr(instance, f"{owner}_id", None)
    return model_name, instance.pk


def _on_catalogue_change(sender, instance, created=False, raw=False, **kwargs):
    if instance._meta.app_label != "catalogue" or sender.__module__ == "__fake__":
        return  # a data migration's model: the version row may not exist yet
    if is_public_change(instance, created):
        model, object_id = changed_record(instance)
        record_change(model, [object_id] if object_id is not None else None)
        after_public_change(raw)


def _on_links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Themes added to or removed from documents (and footnotes' persons and places)."""
    if not action.startswith("post_") or instance._meta.app_label != "catalogue":
        return
    if sender.__module__ == "__fake__":
        return
    if reverse and model is Document:  # theme.documents.add(...): the documents changed
        published = Document.objects.filter(status=Status.PUBLISHED)
        ids = None if pk_set is None else published.filter(pk__in=pk_set).values_list("pk")
        if ids is None or ids:
            record_change("document", None if ids is None else [pk for (pk,) in ids])
            after_public_change()
        return
    _on_catalogue_change(sender, instance)


def after_public_change(raw=False):
    """Queue the warming of the public pages once the change commits (see catalogue.warming)."""
    if settings.CACHE_WARMING and not raw:
        # robust: a queue that cannot be reached must not fail the archivist's save
        transaction.on_commit(enqueue_warming, robust=True)


def enqueue_warming():
    from catalogue.tasks import warm_public_pages

    warm_public_pages.enqueue(current_version())


def connect_signals():
    post_save.connect(_on_catalogue_change, dispatch_uid="catalogue-version-save")
    post_delete.connect(_on_catalogue_change, dispatch_uid="catalogue-version-delete")
    m2m_changed.connect(_on_links_changed, dispatch_uid="catalogue-version-links")


# --- Per request -------------------------------------------------------------------------------


class CatalogueVersionMiddleware:
    """Reads the catalogue version at most once per request (when something asks for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_versions.set({})
        try:
            return self.get_response(request)
        finally:
            _request_versions.reset(token)
