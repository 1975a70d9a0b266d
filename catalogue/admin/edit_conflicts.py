"""Edit forms that know the version they were loaded from (issue 11 B; see catalogue.edits).

`EditVersionAdminMixin` goes FIRST among a model admin's bases: its check runs before any
other mixin saves anything (a pending revision included). A change form carries a hidden
`edit_token`; a POST whose token is older than the record is refused before the form is even
built: nothing is written, and the form comes back (HTTP 409) with everything the person
entered, a token for the current version, and what the others changed since, field by field.
Saving again is then a deliberate choice over the others' work.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.template.loader import select_template
from django.template.response import TemplateResponse

from catalogue.edits import VERSION_FIELD, edit_token, find_conflict, read_token

TOKEN_FIELD = "edit_token"
CONFLICT_TEMPLATE = "admin/catalogue/edit_conflict.html"
CONFLICT_MESSAGE = (
    "Not saved: %(people)s saved this record after you opened it (their changes are listed "
    "above). Your entries are kept below. Check them against theirs and save again to replace "
    "their version with yours."
)
CONFLICT_FILES_MESSAGE = " Files you chose were not kept: choose them again."


def with_edit_token(form_class, model):
    """The form class with a hidden `edit_token`: the record's version when the form is shown."""

    class EditTokenForm(form_class):
        edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if not self.is_bound and self.instance.pk is not None:
                # From the database: a history page shows an old copy of the record.
                self.fields[TOKEN_FIELD].initial = edit_token(model, self.instance.pk)

    EditTokenForm.__name__ = form_class.__name__
    return EditTokenForm


def refusing_for_conflict(form_class, conflict, files_dropped):
    """The form class, refusing every submission: the record changed since it was loaded."""
    people = ", ".join(conflict.people) or "someone else"
    message = CONFLICT_MESSAGE % {"people": people}
    if files_dropped:
        message += CONFLICT_FILES_MESSAGE

    class EditConflictForm(form_class):
        def clean(self):
            super().clean()
            raise forms.ValidationError(message, code="edit_conflict")

    EditConflictForm.__name__ = form_class.__name__
    return EditConflictForm


def with_token(post, token):
    """A copy of the POST data with `token` as the form's version."""
    data = post.copy()
    data[TOKEN_FIELD] = token
    data._mutable = False
    return data


class EditVersionAdminMixin:
    """Refuses a save over a version newer than the form's; shows what changed instead."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.pk is not None:
            kwargs["form"] = with_edit_token(kwargs.get("form", self.form), self.model)
        form = super().get_form(request, obj, change=change, **kwargs)
        conflict = getattr(request, "edit_conflict", None)
        if conflict is not None:
            form = refusing_for_conflict(form, conflict, request.edit_conflict_files_dropped)
        return form

    def get_exclude(self, request, obj=None):
        """The version itself is never a form field: the token carries it."""
        return [*(super().get_exclude(request, obj) or []), VERSION_FIELD]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.pk is None or _names_field(fieldsets, TOKEN_FIELD):
            return fieldsets
        (name, options), *rest = fieldsets
        first = (name, {**options, "fields": [*options.get("fields", []), TOKEN_FIELD]})
        return [first, *rest]

    def saves_over(self, request, object_id):
        """The primary key of the record this request saves over, or None (not a save of an
        existing record, or an id the admin will answer as unknown)."""
        if request.method != "POST" or object_id is None or "_saveasnew" in request.POST:
            return None
        try:
            return self.model._meta.pk.to_python(object_id)
        except ValidationError:
            return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        pk = self.saves_over(request, object_id)
        if pk is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            conflict = find_conflict(self.model, pk, request.POST.get(TOKEN_FIELD))
            if conflict is None:  # the row stays locked until this save commits
                return super().changeform_view(request, object_id, form_url, extra_context)
        return self.edit_conflict_view(request, object_id, conflict, form_url, extra_context)

    def edit_conflict_view(self, request, object_id, conflict, form_url, extra_context):
        """The change form again, with the person's input, refused, above the others' changes."""
        request.edit_conflict = conflict
        request.edit_conflict_files_dropped = bool(request.FILES)
        request._post = with_token(request.POST, conflict.fresh_token())
        request._files = type(request.FILES)()  # nothing is kept from this submission
        context = {
            **(extra_context or {}),
            "edit_conflict": conflict,
            "conflict_saves_as_revision": self.conflict_saves_as_revision(request, object_id),
        }
        return super().changeform_view(request, object_id, form_url, context)

    def conflict_saves_as_revision(self, request, object_id) -> bool:
        """Whether saving the form again stores a pending revision (an Archivist's change to a
        published document) rather than replacing the current version."""
        makes_revision = getattr(self, "makes_revision", None)
        if makes_revision is None or object_id is None:
            return False
        return makes_revision(request, self.model.objects.filter(pk=object_id).first())

    def save_model(self, request, obj, form, change):
        """Save over the version the form was loaded from (checked and locked before): what
        django-concurrency's own check compares, also when the copy is an old one (revert)."""
        if change and form.cleaned_data.get(TOKEN_FIELD):
            loaded = read_token(form.cleaned_data[TOKEN_FIELD], self.model, obj.pk)
            if loaded is not None:
                setattr(obj, VERSION_FIELD, loaded.version)
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        if getattr(request, "edit_conflict", None) is None:
            return response
        return conflict_response(response)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A history revert is a save too: refused over a newer version, then shown again."""
        pk = self.saves_over(request, object_id)
        if pk is None:
            return super().history_form_view(request, object_id, version_id, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            conflict = find_conflict(self.model, pk, request.POST.get(TOKEN_FIELD))
            if conflict is None:
                return super().history_form_view(request, object_id, version_id, extra_context)
        people = ", ".join(conflict.people) or "someone else"
        messages.error(
            request,
            f"Not reverted: {people} saved this record after you opened this page. "
            "Review the version below and revert again.",
        )
        return HttpResponseRedirect(request.get_full_path())


def conflict_response(response: TemplateResponse) -> TemplateResponse:
    """The change form's response, on the conflict template (extending the same change form
    template), answered 409 Conflict."""
    base = select_template(response.template_name)
    response.context_data["conflict_base_template"] = getattr(base, "template", base)
    response.template_name = CONFLICT_TEMPLATE
    response.status_code = 409
    return response


def _names_field(fieldsets, name) -> bool:
    for _title, options in fieldsets:
        for entry in options.get("fields", []):
            if entry == name or (isinstance(entry, (list, tuple)) and name in entry):
                return True
    return False
