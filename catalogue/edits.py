"""Edit versions: no archivist's save silently overwrites another's (issue 11 B).

Documents, persons, organisations, places and collections carry `edit_version`, a
django-concurrency `AutoIncVersionField`: every save adds 1, and a save of an instance loaded at
an older version is refused by the database update itself (`RecordModifiedError`).

A record's parts are edited on its form (a document's correspondents, mentions, footnotes,
scans and relations; a person's name variants and offices; the variants of organisations and
places), so a saved or deleted part moves its owner's version too (`connect_signals`): two
people changing different inlines of one document conflict like two people changing its heading.
Storing a pending revision of a document moves its version as well (catalogue.revisions), and
the conflict page lists such revisions (`revision_edits`).

An edit form carries a signed token of the version it was loaded from and when
(`edit_token`). Before anything is saved, `find_conflict` locks the row and compares; a newer
version is an `EditConflict` listing what the others changed since, field by field, from the
django-simple-history records, with who and when.
"""

import datetime
from dataclasses import dataclass, field

from django.core import signing
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from catalogue.models import (
    Collection,
    Correspondent,
    Document,
    DocumentRelation,
    Footnote,
    Mention,
    Office,
    Organisation,
    OrganisationName,
    Person,
    PersonName,
    Place,
    PlaceName,
    Revision,
    Scan,
)

VERSION_FIELD = "edit_version"
VERSIONED_MODELS = (Document, Person, Organisation, Place, Collection)
# The parts edited on their owner's form, and the foreign key naming the owner.
PARTS = {
    Correspondent: "document",
    Mention: "document",
    Footnote: "document",
    Scan: "document",
    DocumentRelation: "source",  # the relations stated from the document, on its form
    PersonName: "person",
    Office: "person",
    OrganisationName: "organisation",
    PlaceName: "place",
}
TOKEN_SALT = "catalogue.edits.token"
LONGEST_VALUE = 300  # characters of a changed value shown on the conflict page
SAME_SAVE = datetime.timedelta(seconds=2)  # records this close, by one person: one save


def is_versioned(model) -> bool:
    return any(issubclass(model, versioned) for versioned in VERSIONED_MODELS)


# --- Versions move with every change ----------------------------------------------------------


def current_version(model, pk, lock=False) -> int | None:
    """The version of record `pk` in the database (None: no such record); `lock` holds the row
    until the transaction ends, so no other save can slip in between the check and the save."""
    rows = model._base_manager.filter(pk=pk)
    if lock:
        rows = rows.select_for_update()
    return rows.values_list(VERSION_FIELD, flat=True).first()


def bump_version(model, pk, instance=None) -> None:
    """Add 1 to record `pk`'s version (a change django-concurrency did not count: a part, a
    save limited to some fields); `instance`, a copy of that record in memory, follows."""
    rows = model._base_manager.filter(pk=pk)
    if rows.update(**{VERSION_FIELD: F(VERSION_FIELD) + 1}) and instance is not None:
        setattr(instance, VERSION_FIELD, rows.values_list(VERSION_FIELD, flat=True).get())


def locked_for_saving(queryset):
    """The records of `queryset`, fresh and locked until the transaction ends (call it in
    one): a list action saving them neither waits on nor overwrites a form saved meanwhile,
    which either commits first (then these copies are its version) or waits for the action."""
    return queryset.model._base_manager.select_for_update().filter(pk__in=queryset.values("pk"))


def _part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return  # fixtures: their owner may not be loaded yet
    owner_field = PARTS[sender]
    owner_id = getattr(instance, f"{owner_field}_id", None)
    if owner_id is None:
        return
    owner_model = sender._meta.get_field(owner_field).related_model
    cached = instance._state.fields_cache.get(owner_field)  # e.g. the inline formset's parent
    bump_version(owner_model, owner_id, cached)


def _is_partial(update_fields) -> bool:
    return update_fields is not None and VERSION_FIELD not in update_fields


def _versioned_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """`save(update_fields=[...])` without the version (the importer, authority suggestions)
    writes the row without counting: count it here."""
    if raw or not _is_partial(update_fields):
        return
    instance.__dict__.pop("_concurrency_disabled", None)
    bump_version(sender, instance.pk, instance)


def _versioned_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    """Two saves that cannot overwrite anyone's work pass django-concurrency's check.

    A save of named fields (`update_fields`: the importer, authority suggestions) writes only
    those, whatever copy it comes from. A fixture (`load_seed`, `loaddata`) says nothing of
    versions: its new rows start at 1, and loaded again over rows edited since, it saves over
    their current version and moves it, like any other save."""
    if _is_partial(update_fields) and not raw:
        instance._concurrency_disabled = True  # until post_save (_versioned_saved)
    if raw and instance.pk is not None:
        version = current_version(sender, instance.pk)
        setattr(instance, VERSION_FIELD, 1 if version is None else version)


def connect_signals():
    for part in PARTS:
        uid = f"catalogue-edit-version-{part._meta.model_name}"
        post_save.connect(_part_changed, sender=part, dispatch_uid=f"{uid}-save")
        post_delete.connect(_part_changed, sender=part, dispatch_uid=f"{uid}-delete")
    for model in VERSIONED_MODELS:
        pre_save.connect(
            _versioned_saving, sender=model, dispatch_uid=f"catalogue-edit-saving-{model}"
        )
        post_save.connect(
            _versioned_saved, sender=model, dispatch_uid=f"catalogue-edit-version-{model}"
        )


# --- The version a form was loaded from --------------------------------------------------------


@dataclass(frozen=True)
class LoadedVersion:
    """The version an edit form was loaded from, and when."""

    version: int
    loaded_at: datetime.datetime


def edit_token(model, pk, version: int | None = None) -> str:
    """A signed token for a form showing record `pk` at `version` (default: the current one)."""
    if version is None:
        version = current_version(model, pk)
    stamp = timezone.now().isoformat()
    return signing.dumps([model._meta.label_lower, str(pk), version, stamp], salt=TOKEN_SALT)


def read_token(token, model, pk) -> LoadedVersion | None:
    """The version in `token`; None when it is missing, forged or for another record."""
    try:
        label, token_pk, version, stamp = signing.loads(token or "", salt=TOKEN_SALT)
        loaded_at = datetime.datetime.fromisoformat(stamp)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if label != model._meta.label_lower or token_pk != str(pk) or not isinstance(version, int):
        return None
    return LoadedVersion(version, loaded_at)


# --- Conflicts ---------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class OtherEdit:
    """One save by someone else since the form was loaded."""

    who: str
    when: datetime.datetime
    what: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class EditConflict:
    """A save refused because the record moved on since the form was loaded."""

    model: type
    pk: object
    loaded: LoadedVersion | None
    current_version: int
    edits: list[OtherEdit]

    @property
    def people(self) -> list[str]:
        return sorted({edit.who for edit in self.edits})

    def fresh_token(self) -> str:
        """The token to save over the current version, deliberately."""
        return edit_token(self.model, self.pk, self.current_version)


def find_conflict(model, pk, token) -> EditConflict | None:
    """Lock record `pk` and compare its version with the form's `token`: None when they agree
    (or the record is gone), else what changed since. Call it inside a transaction."""
    version = current_version(model, pk, lock=True)
    if version is None:
        return None
    loaded = read_token(token, model, pk)
    if loaded is not None and loaded.version == version:
        return None
    return EditConflict(model, pk, loaded, version, edits_since(model, pk, loaded))


def edits_since(model, pk, loaded: LoadedVersion | None) -> list[OtherEdit]:
    """What others saved of record `pk` and its parts since `loaded` (None: the last save)."""
    history = model.history.filter(**{model._meta.pk.attname: pk})
    if loaded is None:
        records = history.order_by("-history_date", "-history_id")[:1]
    else:
        records = history.filter(**{f"{VERSION_FIELD}__gt": loaded.version})
    edits = [_record_edit(record, model._meta.verbose_name) for record in records]
    if loaded is not None:
        for part, owner_field in PARTS.items():
            if part._meta.get_field(owner_field).related_model is model:
                edits += part_edits(part, owner_field, pk, loaded.loaded_at)
        if model is Document:
            edits += revision_edits(pk, loaded.loaded_at)
    return merged(sorted(edits, key=lambda edit: edit.when))


def merged(edits: list[OtherEdit]) -> list[OtherEdit]:
    """One entry per save: simple-history records a save's many-to-many links (themes) apart."""
    result: list[OtherEdit] = []
    for edit in edits:
        last = result[-1] if result else None
        if (
            last
            and (last.who, last.what) == (edit.who, edit.what)
            and (edit.when - last.when) <= SAME_SAVE
        ):
            last.fields += [change for change in edit.fields if change not in last.fields]
        else:
            result.append(edit)
    return result


def part_edits(part, owner_field, owner_pk, since) -> list[OtherEdit]:
    records = part.history.filter(**{f"{owner_field}_id": owner_pk, "history_date__gt": since})
    return [_record_edit(record, part._meta.verbose_name) for record in records]


def revision_edits(document_pk, since) -> list[OtherEdit]:
    """Revisions of the document stored since `since` (they move its version, not its row)."""
    from catalogue.revisions import compare  # it imports this module

    found = Revision.objects.filter(document_id=document_pk, updated_at__gt=since)
    edits = []
    for revision in found.select_related("author"):
        fields, _inlines = compare(revision.base, revision.snapshot)
        edits.append(
            OtherEdit(
                who=str(revision.author) if revision.author else "someone (no user recorded)",
                when=revision.updated_at,
                what=f"saved a revision for review: {revision.change_summary}",
                fields=[
                    FieldChange(f.label, _cut(f.public), _cut(f.revised))
                    for f in fields
                    if f.changed
                ],
            )
        )
    return edits


def _record_edit(record, noun) -> OtherEdit:
    who = str(record.history_user) if record.history_user_id else "someone (no user recorded)"
    name = str(record.instance)
    if record.history_type == "+":
        what = f"added {noun} “{name}”"
    elif record.history_type == "-":
        what = f"deleted {noun} “{name}”"
    else:
        what = f"changed {noun} “{name}”"
    previous = record.prev_record if record.history_type == "~" else None
    changes = _field_changes(record, previous) if previous is not None else []
    return OtherEdit(who=who, when=record.history_date, what=what, fields=changes)


def _field_changes(record, previous) -> list[FieldChange]:
    delta = record.diff_against(previous, excluded_fields=[VERSION_FIELD])
    model = record.instance_type
    changes = []
    for change in delta.changes:
        model_field = model._meta.get_field(change.field)
        changes.append(
            FieldChange(
                label=str(model_field.verbose_name),
                before=describe(model_field, change.old),
                after=describe(model_field, change.new),
            )
        )
    return changes


def describe(model_field, value) -> str:
    """A field's value as a person reads it: choices by label, links by name, long text cut."""
    if value in (None, "", []):
        return "—"
    if model_field.many_to_many:
        ids = [row.get(model_field.m2m_reverse_field_name()) for row in value]
        return ", ".join(_related_name(model_field, pk) for pk in ids)
    if model_field.is_relation:
        return _related_name(model_field, value)
    if model_field.choices:
        value = dict(model_field.flatchoices).get(value, value)
    return _cut(value)


def _cut(value) -> str:
    text = str(value) if value not in (None, "") else "—"
    return text if len(text) <= LONGEST_VALUE else f"{text[: LONGEST_VALUE - 1]}…"


def _related_name(model_field, pk) -> str:
    related = model_field.related_model._base_manager.filter(pk=pk).first()
    return str(related) if related is not None else f"#{pk} (deleted)"
