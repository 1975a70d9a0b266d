"""Snapshots of a document with its inlines, their differences, and publishing a revision.

A snapshot is plain JSON: the document's editable fields and themes, and its correspondents,
mentions, footnotes and page images, each row with its id (None for a row the revision adds).
`snapshot_of` reads one from the database (the public version); the admin builds one from a
submitted form (catalogue.admin.revisions). `publish_revision` makes the live document what
the snapshot says, in one transaction; every save goes through the models' signals, so
catalogue.versioning records the public change (caches and indexes see it) and the search
index follows.

Page images cannot wait in JSON: the files a revision adds are stored at once as scans marked
`pending` (Scan.objects.public() leaves them out); publishing clears the mark.
"""

import copy
import functools
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Max

from catalogue import versioning
from catalogue.edits import bump_version, current_version
from catalogue.models import (
    Correspondent,
    Document,
    DocumentRelation,
    Footnote,
    Mention,
    Revision,
    RevisionState,
    Scan,
    Status,
)

# Never part of a revision: publication state, identity, bookkeeping (and the edit version of
# branch `concurrency`, which the document's own save moves).
NOT_REVISED = {"status", "identifier", "import_checksum", "import_warnings", "edit_version"}


@dataclass(frozen=True)
class Inline:
    """One kind of row attached to a document, as a revision holds it."""

    name: str  # the document's related name, also the snapshot key
    model: type
    fields: tuple[str, ...]
    many: tuple[str, ...] = ()
    label: str = ""
    fk: str = "document"  # the row's foreign key to the document


INLINES = (
    Inline(
        "correspondents",
        Correspondent,
        ("order", "role", "person", "organisation", "office_as_stated", "name_as_printed"),
        label="Correspondents",
    ),
    Inline(
        "mentions",
        Mention,
        ("person", "organisation", "place", "name_as_printed"),
        label="Mentions",
    ),
    Inline(
        "footnotes",
        Footnote,
        ("marker", "order", "kind", "text"),
        many=("persons", "places"),
        label="Footnotes",
    ),
    Inline("scans", Scan, ("page", "caption", "rights"), label="Page images"),
    Inline(
        "relations_out",
        DocumentRelation,
        ("kind", "target", "note", "suggested"),
        label="Relations to other documents",
        fk="source",  # stated from this document; those stated from others are theirs
    ),
)
INLINES_BY_MODEL = {inline.model: inline for inline in INLINES}


def inline_for(formset) -> Inline | None:
    """The kind of row an admin inline formset edits, if a revision holds it (the relations
    stated from other documents, shown read-only on this one, are not this document's)."""
    inline = INLINES_BY_MODEL.get(formset.model)
    if inline is None or formset.fk.name != inline.fk:
        return None
    return inline


def document_fields():
    """The document's fields a revision carries (those an archivist edits in the form)."""
    return [
        f
        for f in Document._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in NOT_REVISED
    ]


def _value(instance, model_field):
    return model_field.value_from_object(instance)


def row_values(instance, inline: Inline, many=None) -> dict:
    """One row of a snapshot; `many` gives the many-to-many ids when not read from the row."""
    meta = instance._meta
    row = {"id": instance.pk}
    for name in inline.fields:
        row[name] = _value(instance, meta.get_field(name))
    for name in inline.many:
        ids = many[name] if many is not None else getattr(instance, name).values_list("pk")
        row[name] = sorted(pk if isinstance(pk, int) else pk[0] for pk in ids)
    return row


def document_values(document, theme_ids) -> dict:
    values = {f.name: _value(document, f) for f in document_fields()}
    values["themes"] = sorted(theme_ids)
    return values


def snapshot_of(document) -> dict:
    """The document as the database holds it (for a published one: the public version)."""
    snapshot = {"document": document_values(document, document.themes.values_list("pk", flat=True))}
    for inline in INLINES:
        rows = getattr(document, inline.name).all()
        if inline.model is Scan:
            rows = rows.filter(pending=False)
        snapshot[inline.name] = [row_values(row, inline) for row in rows.order_by("pk")]
    return snapshot


def propose(document, snapshot: dict, author, summary="", based_on=None) -> Revision:
    """Keep `snapshot` as a pending revision of the published `document`.

    `based_on`, a revision continued by its author, lends its base: the new revision is
    compared with the public version that one was made from. Storing a revision moves the
    document's edit version (`pending_revision_saved`)."""
    if based_on is not None:
        base, base_version = based_on.base, based_on.base_version
    else:
        base, base_version = snapshot_of(document), current_version(Document, document.pk)
    revision = Revision.objects.create(
        document=document,
        snapshot=snapshot,
        base=base,
        base_version=base_version,
        author=author,
        change_summary=summary or summarise(base, snapshot),
    )
    pending_revision_saved(revision)
    return revision


def revise(revision: Revision, snapshot: dict) -> Revision:
    """Replace a pending revision's snapshot with its author's continued work."""
    revision.snapshot = snapshot
    revision.change_summary = summarise(revision.base, snapshot)
    revision.save(update_fields=["snapshot", "change_summary", "updated_at"])
    pending_revision_saved(revision)
    return revision


def pending_revision_saved(revision: Revision):
    """A stored revision is an edit of the document: every edit form opened before it (another
    archivist's, the author's other tab, an editor's) is now stale and conflicts on saving,
    instead of silently replacing or forking this work (catalogue.edits)."""
    bump_version(Document, revision.document_id)


def summarise(public: dict, revised: dict) -> str:
    """ "Changed body, footnotes." — what a revision changes, for lists and the history."""
    fields, inlines = compare(public, revised)
    changed = [f.label for f in fields if f.changed]
    changed += [inline.label.lower() for inline in inlines if inline.changed]
    return f"Changed {', '.join(changed)}." if changed else "No changes."


def propose_suggested_link(suggestion, record, author) -> Revision:
    """A revision of a published document adding the correspondent, mention or place of
    origin an importer suggestion stood for (resolved by someone who may not publish)."""
    from catalogue.models.imports import CORRESPONDENT_ROLES, SuggestionRole

    document = suggestion.document
    snapshot = snapshot_of(document)
    if suggestion.role == SuggestionRole.PLACE_OF_ORIGIN:
        if snapshot["document"]["place_of_origin"] is None:
            snapshot["document"]["place_of_origin"] = record.pk
    elif suggestion.role in CORRESPONDENT_ROLES:
        rows = snapshot["correspondents"]
        rows.append(
            _new_row(INLINES_BY_MODEL[Correspondent], suggestion, record)
            | {"role": suggestion.role, "order": len(rows)}
            | {"office_as_stated": suggestion.office_as_stated}
        )
    else:
        snapshot["mentions"].append(_new_row(INLINES_BY_MODEL[Mention], suggestion, record))
    summary = f"Linked “{suggestion.name_as_printed}” to {record} (importer suggestion)."
    return propose(document, snapshot, author, summary)


def _new_row(inline, suggestion, record):
    row = {"id": None, **dict.fromkeys(inline.fields)}
    row.update({suggestion.kind: record.pk, "name_as_printed": suggestion.name_as_printed[:255]})
    return row


# --- Publishing --------------------------------------------------------------------------------


class RevisionConflict(Exception):
    """The revision cannot be applied as it stands (a record it names is gone, a clash)."""


class StaleRevision(RevisionConflict):
    """The public version changed after the revision was made: publishing it as it stands
    would silently undo that change."""


AS_IT_STANDS, ONTO_CURRENT, ANYWAY = "as_it_stands", "onto_current", "anyway"
STALE_MESSAGE = (
    "Not published: the public version changed after this revision was made, and publishing "
    "it as it stands would undo those changes. Publish its changes onto the current version "
    "(conflicts are listed below), send it back to its author, or publish it anyway after "
    "looking at the differences."
)
CHANGED_AGAIN_MESSAGE = (
    "Not published: the public version changed again while you were comparing. Look at the "
    "differences below once more."
)


def digest(snapshot: dict) -> str:
    """A short fingerprint of a snapshot: what an editor saw when deciding."""
    text = json.dumps(snapshot, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def is_stale(revision: Revision, public: dict) -> bool:
    """Whether the public version `public` differs from the one the revision was made from
    (in what the revision's base holds: revisions older than a kind of row lack it)."""
    held = {name: value for name, value in public.items() if name in revision.base}
    return digest(held) != digest(revision.base)


def publish_revision(
    revision: Revision, editor, how=AS_IT_STANDS, seen="", take_revised=()
) -> Document:
    """Make the document what the revision says, in one transaction, and mark it published.

    When the public version changed since the revision was made, `how` says what to do:
    AS_IT_STANDS refuses (StaleRevision); ONTO_CURRENT re-applies the revision's own changes
    onto the current version (`merge`; conflicts keep the public value unless their key is in
    `take_revised`); ANYWAY writes the revision over it. Both need `seen`, the digest of the
    public version the editor compared with, to be the current one.

    Raises ValidationError when the revision was reviewed already, RevisionConflict when the
    database refuses it.
    """
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if revision.state != RevisionState.PENDING:
            raise ValidationError("This revision was already reviewed.")
        document = Document.objects.select_for_update().get(pk=revision.document_id)
        target = target_snapshot(revision, snapshot_of(document), how, seen, take_revised)
        try:
            with transaction.atomic():
                apply_snapshot(document, target, editor)
        except (IntegrityError, ValueError, ValidationError) as error:
            reason = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            raise RevisionConflict(
                f"The revision could not be applied as it stands ({reason}). Edit the "
                "document directly, or send the revision back."
            ) from error
        revision.mark_published(editor)
        versioning.record_change("document", [document.pk])
    return document


def target_snapshot(revision, public, how, seen, take_revised) -> dict:
    """What publishing `revision` writes, given the current public version (see above)."""
    if not is_stale(revision, public):
        return revision.snapshot
    if how not in (ONTO_CURRENT, ANYWAY):
        raise StaleRevision(STALE_MESSAGE)
    if seen != digest(public):
        raise StaleRevision(CHANGED_AGAIN_MESSAGE)
    if how == ANYWAY:
        return revision.snapshot
    merged, conflicts = merge(revision.base, public, revision.snapshot, take_revised)
    kept = [c.label for c in conflicts if c.key not in take_revised]
    revision.reviewer_comment = "Published onto the newer public version" + (
        f"; the public value was kept for: {', '.join(kept)}." if kept else "."
    )
    return merged


# --- Re-applying a revision onto a newer public version ---------------------------------------


@dataclass
class MergeConflict:
    """A field or row the revision changed that the public version also changed since."""

    key: str  # "document.body", "footnotes.12": what the editor's choice names
    label: str
    base: str
    public: str
    revised: str


def merge(base: dict, public: dict, revised: dict, take_revised=()):
    """The revision's own changes (from `base` to `revised`) re-applied onto `public`, field
    by field and row by row: (merged snapshot, conflicts). Where both changed the same field
    or row differently, the public value stays unless the conflict's key is in
    `take_revised`."""
    merged, conflicts, names = copy.deepcopy(public), [], Labels()
    by_name = {f.name: f for f in document_fields()}
    for name, value in revised["document"].items():
        was, now = base["document"].get(name), public["document"].get(name)
        if value in (was, now):
            continue
        if now == was:
            merged["document"][name] = value
            continue
        found = field_conflict(name, (was, now, value), by_name.get(name), names)
        conflicts.append(found)
        if found.key in take_revised:
            merged["document"][name] = value
    for inline in INLINES:
        if inline.name in revised:
            rows, found = merge_rows(
                inline, base.get(inline.name, []), public.get(inline.name, []),
                revised[inline.name], take_revised,
            )  # fmt: skip
            merged[inline.name] = rows
            conflicts += found
    return merged, conflicts


def field_conflict(name, values, model_field, names) -> MergeConflict:
    """A document field both changed: `values` is (when made, public now, revised)."""
    if model_field is None:  # the themes
        shown = [names.many(name, value) for value in values]
        return MergeConflict(f"document.{name}", name, *shown)
    shown = [str(names.show(model_field, value)) for value in values]
    return MergeConflict(f"document.{name}", str(model_field.verbose_name), *shown)


def merge_rows(inline, base_rows, public_rows, revised_rows, take_revised):
    """One inline's rows merged by id (see `merge`)."""
    base_by_id = {row["id"]: row for row in base_rows}
    revised_by_id = {row["id"]: row for row in revised_rows if row.get("id") is not None}
    public_ids = {row["id"] for row in public_rows}
    rows, conflicts = [], []

    def conflict(pk, was, now, new):
        key = f"{inline.name}.{pk}"
        parts = [describe_row(inline, row) for row in (was, now, new)]
        conflicts.append(MergeConflict(key, f"{inline.label}: row {pk}", *parts))
        return key in take_revised

    for now in public_rows:
        pk = now["id"]
        was, new = base_by_id.get(pk), revised_by_id.get(pk)
        if was is None or (new is not None and new in (was, now)):
            rows.append(now)  # added publicly since, or not changed by the revision
        elif new is None:  # the revision removed it
            if now != was and not conflict(pk, was, now, None):
                rows.append(now)
        elif now == was or conflict(pk, was, now, new):
            rows.append(new)
        else:
            rows.append(now)
    for new in revised_rows:
        pk = new.get("id")
        if pk is None or pk not in base_by_id:
            rows.append(new)  # added by the revision (a pending scan keeps its id)
        elif (
            pk not in public_ids  # removed publicly since, changed in the revision
            and new != base_by_id[pk]
            and conflict(pk, base_by_id[pk], None, new)
            and inline.model is not Scan  # a removed scan's file is gone
        ):
            rows.append({**new, "id": None})
    return rows, conflicts


def describe_row(inline, row) -> str:
    """One row in a few words, for a conflict: its fields' values, records named."""
    if row is None:
        return "(none)"
    difference = _row_difference(inline, row, row, Labels())
    shown = [f"{f.label}: {f.public}" for f in difference.fields if f.public not in ("", None)]
    return "; ".join(shown)


def apply_snapshot(document, snapshot: dict, user=None):
    """Write `snapshot` over the live document and its rows (the caller holds a transaction)."""
    values = snapshot["document"]
    load_fields(document, values)
    document.updated_by = user
    document.full_clean(exclude=["slug", "identifier"], validate_unique=False)
    document.save()
    document.themes.set(values.get("themes", []))
    for inline in INLINES:
        if inline.name not in snapshot:
            continue
        if inline.model is Scan:
            apply_scans(document, snapshot["scans"])
        else:
            apply_rows(document, inline, snapshot[inline.name])


def load_fields(instance, values: dict, names=None):
    """Set an instance's fields from snapshot values, in memory."""
    model_fields = document_fields() if names is None else map(instance._meta.get_field, names)
    for model_field in model_fields:
        if model_field.name in values:
            setattr(instance, model_field.attname, values[model_field.name])


def into_formset(formset, snapshot: dict):
    """Show a snapshot's rows in an unbound inline formset: its existing rows with the
    snapshot's values (rows it removed left out), and its new rows as extra forms."""
    inline = inline_for(formset)
    if inline is None or inline.name not in snapshot:
        return
    rows = snapshot[inline.name]
    by_id = {row["id"]: row for row in rows if row.get("id") is not None}
    existing = [obj for obj in formset.get_queryset() if obj.pk in by_id]
    for obj in existing:
        load_fields(obj, by_id[obj.pk], inline.fields)
    formset._queryset = existing
    formset.initial = [{name: by_id[obj.pk][name] for name in inline.many} for obj in existing]
    shown = {obj.pk for obj in existing}
    new = [row for row in rows if row.get("id") not in shown and inline.model is not Scan]
    formset.initial_extra = [
        {name: row[name] for name in (*inline.fields, *inline.many)} for row in new
    ]
    formset.extra = max(formset.extra, len(new))


def apply_rows(document, inline: Inline, rows):
    existing = {row.pk: row for row in getattr(document, inline.name).all()}
    wanted = {row["id"] for row in rows if row.get("id") in existing}
    for pk, row in existing.items():
        if pk not in wanted:
            row.delete()
    for values in rows:
        instance = existing.get(values.get("id")) or inline.model(**{inline.fk: document})
        for name in inline.fields:
            setattr(instance, instance._meta.get_field(name).attname, values[name])
        # the records it names still exist (SQLite checks foreign keys only at commit)
        instance.full_clean(validate_unique=False, validate_constraints=False)
        instance.save()
        for name in inline.many:
            getattr(instance, name).set(values.get(name, []))


def apply_scans(document, rows):
    """Renumber, describe and approve the scans the snapshot lists; delete the approved ones
    it leaves out. Scans of other pending revisions stay pending (out of the way)."""
    live = {scan.pk: scan for scan in document.scans.all()}
    wanted = {row["id"]: row for row in rows if row.get("id") in live}
    for pk, scan in live.items():
        if pk not in wanted and not scan.pending:
            scan.delete()
    remaining = document.scans.all()
    offset = (remaining.aggregate(Max("page"))["page__max"] or 0) + 1
    remaining.update(page=F("page") + offset)  # free every page number before renumbering
    for pk, values in wanted.items():
        scan = Scan.objects.get(pk=pk)
        scan.page, scan.caption, scan.rights = values["page"], values["caption"], values["rights"]
        scan.pending = False
        scan.save()


# --- Comparing ---------------------------------------------------------------------------------


@dataclass
class FieldDifference:
    label: str
    public: object
    revised: object

    @property
    def changed(self):
        return self.public != self.revised


@dataclass
class RowDifference:
    """One inline row: in both versions, only in the public one (removed) or only revised."""

    public: dict | None
    revised: dict | None
    fields: list[FieldDifference] = field(default_factory=list)

    @property
    def state(self):
        if self.public is None:
            return "added"
        if self.revised is None:
            return "removed"
        return "changed" if any(f.changed for f in self.fields) else "same"


@dataclass
class InlineDifference:
    label: str
    rows: list[RowDifference]

    @property
    def changed(self):
        return any(row.state != "same" for row in self.rows)


def compare(public: dict, revised: dict) -> tuple[list[FieldDifference], list[InlineDifference]]:
    """The revision against the public version, field by field and row by row (by id)."""
    names = Labels()
    fields = [
        FieldDifference(
            str(f.verbose_name),
            names.show(f, public["document"].get(f.name)),
            names.show(f, revised["document"].get(f.name)),
        )
        for f in document_fields()
    ]
    fields.append(
        FieldDifference(
            "themes",
            names.many("themes", public["document"].get("themes", [])),
            names.many("themes", revised["document"].get("themes", [])),
        )
    )
    fields = [f for f in fields if f.public != "" or f.revised != ""]  # empty in both: left out
    inlines = [
        InlineDifference(
            inline.label, compare_rows(inline, public.get(inline.name, []), revised[inline.name])
        )
        for inline in INLINES
        if inline.name in revised
    ]
    return fields, inlines


def compare_rows(inline, public_rows, revised_rows):
    names = Labels()
    public_by_id = {row["id"]: row for row in public_rows}
    revised_ids = {row.get("id") for row in revised_rows}
    rows = []
    for revised in revised_rows:
        rows.append(_row_difference(inline, public_by_id.get(revised.get("id")), revised, names))
    for public in public_rows:
        if public["id"] not in revised_ids:
            rows.append(_row_difference(inline, public, None, names))
    return rows


def _row_difference(inline, public, revised, names):
    meta = inline.model._meta
    fields = []
    for name in (*inline.fields, *inline.many):
        model_field = meta.get_field(name)
        show = names.many if name in inline.many else names.show_name
        fields.append(
            FieldDifference(
                str(model_field.verbose_name),
                show(model_field, public[name]) if public else "",
                show(model_field, revised[name]) if revised else "",
            )
        )
    return RowDifference(public, revised, fields)


class Labels:
    """Readable values: choice labels, and records named rather than numbered."""

    def __init__(self):
        self.record = functools.cache(self.record)  # one query per record shown

    def show(self, model_field, value):
        if value in (None, ""):
            return ""
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        if model_field.is_relation:
            return self.record(model_field.related_model, value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return value

    def show_name(self, model_field, value):
        return self.show(model_field, value)

    def many(self, model_field, ids):
        if isinstance(model_field, str):
            model_field = Document._meta.get_field(model_field)
        model = model_field.related_model
        return ", ".join(self.record(model, pk) for pk in ids)

    def record(self, model, pk):
        found = model.objects.filter(pk=pk).first()
        if found is None:
            return f"(deleted {model._meta.verbose_name} {pk})"
        return f"{found.identifier} {found}" if model is Document else str(found)


def is_public(document) -> bool:
    return Document.objects.filter(pk=document.pk, status=Status.PUBLISHED).exists()
