"""One path to the public, in the admin.

- RevisionAdminMixin, mixed into DocumentAdmin: a user without the publish permission who
  saves a published document (change form with every inline, or a history revert) leaves the
  live document untouched; what they submitted becomes a pending Revision, and page images
  they add are stored as pending scans. Publishing and withdrawing are list actions for
  editors; withdrawing and deleting a published document first show what the public loses.
- RevisionAdmin: the editors' list of revisions and the review page (public version and
  revision side by side, field by field and row by row) with "Publish" and "Send back".
- PublishedDocumentGuardMixin: the lists of footnotes, correspondents, mentions and scans
  cannot change a published document's rows for someone who may not publish.

The domain logic (snapshots, comparing, publishing) is in catalogue.revisions.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from catalogue import revisions
from catalogue.filestore import StorageFailure, remember_written
from catalogue.models import Document, Revision, RevisionState, Scan, Status

from .forms import PUBLISH_PERMISSION

PUBLIC_LOSS = (
    "its page on the site and its permanent URL (answered with 404 from then on)",
    "its page images: display images, thumbnails, originals and the IIIF manifest",
    "its citations and exports (CSL-JSON, BibTeX, RIS, CSV) and its entry in the JSON API",
    "its place in lists, search, facet counts and the pages of persons, places and themes",
    "harvesters (OAI-PMH) are told it is a deleted record",
)


def may_publish(request) -> bool:
    return request.user.has_perm(PUBLISH_PERMISSION)


def public_loss_context(documents) -> dict:
    """What a confirmation page says the public will lose with these documents."""
    published = [d for d in documents if d.status == Status.PUBLISHED]
    return {"published_documents": published, "public_loss": PUBLIC_LOSS}


class RevisionAdminMixin:
    """Mixed into DocumentAdmin (first): see the module's docstring."""

    def makes_revision(self, request, document) -> bool:
        """Whether saving `document` must wait for an editor (it is public, the user may not
        publish)."""
        if document is None or document.pk is None or may_publish(request):
            return False
        rows = Document.objects.filter(pk=document.pk)
        if transaction.get_connection().in_atomic_block:  # a save: locked until it ends,
            rows = rows.select_for_update()  # so that a publication cannot slip in between
        return rows.values_list("status", flat=True).first() == Status.PUBLISHED

    # --- Continuing one's own revision (?from_revision=<pk>) --------------------------------

    def get_object(self, request, object_id, from_field=None):
        """The document; shown with the revision its author continues (on GET, in memory)."""
        document = super().get_object(request, object_id, from_field)
        revision = self.revision_to_continue(request, document)
        request.continued_revision = revision
        if revision is not None and request.method == "GET":
            revisions.load_fields(document, revision.snapshot["document"])
        return document

    def revision_to_continue(self, request, document):
        """The user's own unpublished revision named by ?from_revision=, if they may continue
        it (the document is published and they may not publish)."""
        pk = request.GET.get("from_revision", "")
        if not pk.isdigit() or document is None:
            return None
        revision = (
            Revision.objects.of(document)
            .filter(pk=pk, author=request.user)
            .exclude(state=RevisionState.PUBLISHED)
            .first()
        )
        return revision if revision and self.makes_revision(request, document) else None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        revision = getattr(request, "continued_revision", None)
        if revision is None or request.method != "GET":
            return form
        return with_initial(form, {"themes": revision.snapshot["document"]["themes"]})

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        revision = getattr(request, "continued_revision", None)
        if revision is not None and request.method == "GET":
            for formset in formsets:
                revisions.into_formset(formset, revision.snapshot)
        return formsets, inline_instances

    # --- Saving: the live document or a revision ---------------------------------------------

    def save_model(self, request, obj, form, change):
        if change and self.makes_revision(request, obj):
            form.save_m2m = lambda: None  # the themes wait for the editor too
            request.revision_form = form
            if getattr(request, "reverting", False):  # a history revert has no inlines
                self.keep_revision(request, obj, form, [])
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "revision_form", None) is form:
            self.keep_revision(request, form.instance, form, formsets)
            return
        super().save_related(request, form, formsets, change)

    def keep_revision(self, request, document, form, formsets):
        """Store what was submitted as a pending revision; new page images as pending scans."""
        live = Document.objects.get(pk=document.pk)
        snapshot = revisions.snapshot_of(live)
        themes = form.cleaned_data.get("themes")
        theme_ids = snapshot["document"]["themes"] if themes is None else [t.pk for t in themes]
        snapshot["document"] = revisions.document_values(document, theme_ids)
        for formset in formsets:
            inline = revisions.inline_for(formset)
            if inline is not None:
                snapshot[inline.name] = submitted_rows(live, inline, formset)
        snapshot["scans"] += uploaded_rows(request, live, form, snapshot["scans"])
        continued = getattr(request, "continued_revision", None)
        if continued is not None and continued.is_pending:
            request.revision = revisions.revise(continued, snapshot)  # it holds all of it
        else:  # a sent-back revision continued keeps the base its content was made from
            request.revision = revisions.propose(live, snapshot, request.user, based_on=continued)

    def footnote_markers(self, request, document):
        """The footnote markers the save leaves: the revision's, or the database's."""
        revision = getattr(request, "revision", None)
        if revision is not None:
            return [row["marker"] for row in revision.snapshot["footnotes"]]
        return list(document.footnotes.values_list("marker", flat=True))

    def construct_change_message(self, request, form, formsets, add=False):
        revision = getattr(request, "revision", None)
        if revision is None:
            return super().construct_change_message(request, form, formsets, add)
        return f"Proposed revision {revision.pk} for review. {revision.change_summary}"

    def response_change(self, request, obj):
        revision = getattr(request, "revision", None)
        if revision is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            format_html(
                "Your changes to “{}” are saved as a revision that awaits an editor’s review. "
                "Until an editor publishes it, the public sees the published version.",
                obj,
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(revision.get_absolute_url())

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A revert never grants more than the user's own rights: it cannot publish or
        withdraw (see DocumentAdminForm), and for a published document it is a revision.
        Reverting a published document to a version that was not published would withdraw it:
        someone who may not publish is told so, and nothing is saved."""
        request.reverting, request.reverting_to = True, version_id
        if self.goes_back_to_unpublished(object_id, version_id):
            if not may_publish(request):
                if request.method == "POST":
                    messages.error(request, f"Not reverted: {WITHDRAWING_REVERT}")
                    return HttpResponseRedirect(request.get_full_path())
                messages.warning(request, WITHDRAWING_REVERT)
            elif request.method == "GET":
                messages.info(request, EDITOR_UNPUBLISHED_REVERT)
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    @staticmethod
    def goes_back_to_unpublished(object_id, version_id) -> bool:
        """Whether this version of a published document had a status that is not public."""
        live = Document.objects.filter(pk=object_id).values_list("status", flat=True).first()
        old = Document.history.filter(id=object_id, history_id=version_id)
        old_status = old.values_list("status", flat=True).first()
        return live == Status.PUBLISHED and old_status not in (None, Status.PUBLISHED)

    def revert_disabled(self, request, obj=None):
        """No "Revert" button where reverting would withdraw a document the user may not."""
        version = getattr(request, "reverting_to", None)
        refused = (
            version is not None
            and not may_publish(request)
            and self.goes_back_to_unpublished(obj.pk, version)
        )
        return refused or super().revert_disabled(request, obj)

    # --- Notices on the change page ----------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            document = self.get_object(request, object_id)
            if document is not None:
                self.tell_about_revisions(request, document)
        return super().change_view(request, object_id, form_url, extra_context)

    def tell_about_revisions(self, request, document):
        pending = Revision.objects.of(document).pending().count()
        if pending:
            url = reverse("admin:catalogue_revision_changelist")
            messages.info(
                request,
                format_html(
                    '{} revision(s) of this document await review: <a href="{}?document__id__'
                    'exact={}&state__exact=pending">see them</a>.',
                    pending,
                    url,
                    document.pk,
                ),
            )
        sent_back = Revision.objects.of(document).filter(
            author=request.user, state=RevisionState.SENT_BACK
        )
        for revision in sent_back[:3]:
            messages.warning(
                request,
                format_html(
                    'An editor sent back your revision of {}: “{}”. <a href="{}">Continue '
                    "from that revision</a>.",
                    date_format(localtime(revision.created_at), "j F Y, H:i"),
                    revision.reviewer_comment,
                    continue_url(revision),
                ),
            )
        if self.makes_revision(request, document):
            messages.info(
                request,
                "This document is published: what you save here is kept as a revision for an "
                "editor to review; the public keeps seeing the published version until then.",
            )
            self.tell_about_own_pending(request, document)

    def tell_about_own_pending(self, request, document):
        own = Revision.objects.of(document).pending().filter(author=request.user).first()
        if own is not None:
            messages.warning(
                request,
                format_html(
                    'Your <a href="{}">revision of {}</a> still awaits review. This form shows '
                    'the public version: <a href="{}">continue your revision</a> instead, or '
                    "saving this makes another revision beside it.",
                    own.get_absolute_url(),
                    date_format(localtime(own.created_at), "j F Y, H:i"),
                    continue_url(own),
                ),
            )

    # --- Deleting, publishing, withdrawing ---------------------------------------------------

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == Status.PUBLISHED and not may_publish(request):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_saying_what_is_lost, name, description)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        document = self.get_object(request, object_id)
        context = public_loss_context([document] if document else [])
        return super().delete_view(request, object_id, {**context, **(extra_context or {})})

    def _set_status(self, request, queryset, status):
        """Save each selected document with `status`, loaded fresh and locked: a form saved
        meanwhile either commits first or waits, and is never overwritten."""
        changed = 0
        with transaction.atomic():
            fresh = Document.objects.select_for_update().filter(pk__in=queryset.values("pk"))
            for document in fresh.exclude(status=status):
                document.status = status
                document.updated_by = request.user
                document.save()
                changed += 1
        return changed

    @admin.action(description="Publish selected documents", permissions=["publish"])
    def publish(self, request, queryset):
        changed = self._set_status(request, queryset, Status.PUBLISHED)
        self.message_user(request, f"Published {changed} document(s).", messages.SUCCESS)

    @admin.action(
        description="Withdraw selected documents from publication (back to review)…",
        permissions=["publish"],
    )
    def unpublish(self, request, queryset):
        """First a page that says what the public will lose; withdrawn once confirmed."""
        if request.POST.get("post") == "yes":
            changed = self._set_status(request, queryset.published(), Status.REVIEW)
            self.message_user(request, f"Withdrew {changed} document(s) from publication.")
            return None
        context = {
            **self.admin_site.each_context(request),
            **public_loss_context(queryset.published()),
            "title": "Withdraw documents from publication?",
            "opts": self.model._meta,
            "queryset": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/catalogue/document/withdraw_confirmation.html", context
        )


WITHDRAWING_REVERT = (
    "This version of the document was not published: reverting the published document to it "
    "would withdraw it from the public, which only an editor may do. Ask an editor, or make "
    "the changes you need in the document's form (they are kept as a revision for review)."
)


EDITOR_UNPUBLISHED_REVERT = (
    "This version of the document was not published. Reverting restores its content and the "
    "document stays published; to withdraw it, use the list action “Withdraw selected "
    "documents from publication”, which says what the public will lose."
)


def continue_url(revision) -> str:
    """The document's change page showing this revision, for its author to work on."""
    return f"{revision.document.get_admin_url()}?from_revision={revision.pk}"


def with_initial(form_class, values):
    """The form class, its unbound forms starting from `values`."""

    class ContinuedForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if not self.is_bound:
                self.initial.update(values)

    ContinuedForm.__name__ = form_class.__name__
    return ContinuedForm


def delete_selected_saying_what_is_lost(modeladmin, request, queryset):
    """Django's "delete selected" action, whose confirmation page says what the public loses."""
    response = delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse):
        response.context_data.update(public_loss_context(queryset))
    return response


def submitted_rows(document, inline, formset):
    """The rows a submitted inline formset describes (deleted rows and empty extras left out).

    New and replaced page images are stored at once as pending scans (see pending_scan)."""
    rows = []
    for form in formset.forms:
        if form.instance.pk is None and not form.has_changed():
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        instance = form.instance
        if inline.model is Scan and (instance.pk is None or "image" in form.changed_data):
            instance = pending_scan(document, form)
        many = {name: [o.pk for o in form.cleaned_data.get(name) or []] for name in inline.many}
        row = revisions.row_values(instance, inline, many)
        if inline.model is Scan:
            row["page"] = form.cleaned_data.get("page", row["page"])
        rows.append(row)
    return rows


def next_free_page(document) -> int:
    """A page number no scan of the document holds: where a pending scan waits."""
    return (Scan.objects.filter(document=document).aggregate(Max("page"))["page__max"] or 0) + 1


def pending_scan(document, form) -> Scan:
    """A new pending scan holding the file of an inline row (added, or replacing an image)."""
    source = form.instance
    scan = Scan(
        document=document,
        page=next_free_page(document),
        image=form.cleaned_data["image"],
        checksum=source.checksum,
        original_filename=source.original_filename,
        image_format=source.image_format,
        orientation=source.orientation,
        caption=source.caption,
        rights=source.rights,
        pending=True,
    )
    try:
        scan.save()
    except OSError as error:
        raise StorageFailure.from_os_error(error) from error
    remember_written(scan.image)
    return scan


def uploaded_rows(request, document, form, rows):
    """Pages of "Upload page images", stored as pending scans after the revision's pages."""
    pages = form.cleaned_data.get("scan_files") or []
    if not pages:
        return []
    rights = form.cleaned_data.get("scan_rights") or Scan._meta.get_field("rights").default
    first = max([row["page"] for row in rows], default=0) + 1
    added = []
    for number, page in enumerate(pages, start=first):
        try:
            scan = Scan.create_from_prepared(
                document, next_free_page(document), page, rights=rights, pending=True
            )
        except OSError as error:
            raise StorageFailure.from_os_error(error) from error
        remember_written(scan.image)
        row = revisions.row_values(scan, revisions.INLINES_BY_MODEL[Scan])
        added.append({**row, "page": number})
    if added:
        messages.info(request, f"{len(added)} page image(s) added to the revision.")
    return added


# --- Related rows edited on their own ----------------------------------------------------------


class PublishedDocumentGuardMixin:
    """Footnotes, correspondents, mentions and scans of a published document are changed
    only by an editor; anyone else proposes changes on the document's page (a revision)."""

    def locked(self, request, obj):
        document = getattr(obj, "document", None)
        published = document is not None and document.status == Status.PUBLISHED
        return published and not may_publish(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.locked(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.locked(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return form if may_publish(request) else refusing_published_documents(form)


def refusing_published_documents(form_class):
    """The form class, refusing to attach a row to a published document."""

    class GuardedForm(form_class):
        def clean(self):
            cleaned = super().clean()
            document = cleaned.get("document") if cleaned else None
            if document is not None and document.status == Status.PUBLISHED:
                raise forms.ValidationError(
                    "%(document)s is published: make this change on the document’s own page, "
                    "where it is kept as a revision for an editor to review.",
                    params={"document": document.identifier},
                    code="published_document",
                )
            return cleaned

    GuardedForm.__name__ = form_class.__name__
    return GuardedForm


# --- The editors' list and the review page -------------------------------------------------------


class SendBackForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required to send back: what should change. The author sees it.",
    )


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Revisions awaiting review (filter “Awaiting review”), each with its review page."""

    list_display = ["document_link", "author", "created_at", "updated_at", "state", "reviewed_by"]
    list_filter = ["state"]
    list_select_related = ["document", "author", "reviewed_by"]
    search_fields = ["document__identifier", "document__heading", "author__username"]
    date_hierarchy = "created_at"

    @admin.display(description="document", ordering="document__identifier")
    def document_link(self, revision):
        return format_html(
            '<a href="{}">{} {}</a>',
            revision.get_absolute_url(),
            revision.document.identifier,
            revision.document,
        )

    def has_add_permission(self, request):
        return False  # made by saving a published document

    def has_change_permission(self, request, obj=None):
        return may_publish(request) and super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review page: public version and revision side by side; publish or send back."""
        revision = get_object_or_404(Revision.objects.select_related("document"), pk=object_id)
        if not self.has_view_or_change_permission(request, revision):
            raise PermissionDenied
        send_back_form = SendBackForm(request.POST or None)
        if request.method == "POST":
            if not self.has_change_permission(request, revision):
                raise PermissionDenied
            response = self.review(request, revision, send_back_form)
            if response is not None:
                return response
        return self.render_review(request, revision, send_back_form)

    def review(self, request, revision, send_back_form):
        try:
            how = publishing_choice(request.POST)
            if how is not None:
                document = revisions.publish_revision(
                    revision,
                    request.user,
                    how,
                    seen=request.POST.get("seen", ""),
                    take_revised=set(request.POST.getlist("take")),
                )
                self.message_user(
                    request,
                    f"Published the revision: the public now sees the new version of {document}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:catalogue_revision_changelist"))
            if "_send_back" in request.POST and send_back_form.is_valid():
                revision.send_back(request.user, send_back_form.cleaned_data["comment"])
                self.message_user(request, "Sent the revision back to its author.")
                return HttpResponseRedirect(reverse("admin:catalogue_revision_changelist"))
        except ValidationError as error:
            send_back_form.add_error(None, error)
        except revisions.RevisionConflict as error:
            send_back_form.add_error(None, str(error))
        return None

    @staticmethod
    def may_continue(request, revision):
        published = revision.document.status == Status.PUBLISHED
        unreviewed = revision.state != RevisionState.PUBLISHED
        return revision.author_id == request.user.pk and published and unreviewed

    def render_review(self, request, revision, send_back_form):
        public = revisions.snapshot_of(revision.document)
        fields, inlines = revisions.compare(public, revision.snapshot)
        stale = revision.is_pending and revisions.is_stale(revision, public)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {revision}",
            "opts": self.model._meta,
            "revision": revision,
            "document": revision.document,
            "fields": fields,
            "inlines": inlines,
            "public_changed_since": stale,
            **(stale_context(revision, public) if stale else {"stale": False}),
            "document_published": revision.document.status == Status.PUBLISHED,
            "can_review": revision.is_pending and self.has_change_permission(request, revision),
            "continue_url": continue_url(revision) if self.may_continue(request, revision) else "",
            "send_back_form": send_back_form,
        }
        return TemplateResponse(request, "admin/catalogue/revision/review.html", context)


PUBLISHING_BUTTONS = {
    "_publish": revisions.AS_IT_STANDS,
    "_publish_merged": revisions.ONTO_CURRENT,
    "_publish_anyway": revisions.ANYWAY,
}


def publishing_choice(post):
    """Which of the review page's publish buttons was pressed, if any."""
    return next((how for button, how in PUBLISHING_BUTTONS.items() if button in post), None)


def stale_context(revision, public) -> dict:
    """For a revision made from an older public version: what changed publicly since, and
    its changes re-applied onto the current version with the conflicts."""
    since_fields, since_inlines = revisions.compare(revision.base, public)
    _merged, conflicts = revisions.merge(revision.base, public, revision.snapshot)
    return {
        "stale": True,
        "changed_since_fields": [f for f in since_fields if f.changed],
        "changed_since_inlines": [i for i in since_inlines if i.changed],
        "merge_conflicts": conflicts,
        "public_digest": revisions.digest(public),
    }
