"""Forms behind the document admin: publishing rights and inline checks."""

from django import forms

from catalogue.models import Document, Status

PUBLISH_PERMISSION = "catalogue.publish_document"


class DocumentAdminForm(forms.ModelForm):
    """Only users with the publish permission may make a document public or withdraw it."""

    can_publish = False  # set per request by DocumentAdmin.get_form

    class Meta:
        model = Document
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if status is None or self.can_publish:
            return
        if self.instance.status == Status.PUBLISHED:
            status.disabled = True
            status.help_text = "Published; only an editor can withdraw it."
        else:
            status.choices = [c for c in status.choices if c[0] != Status.PUBLISHED]
            status.help_text = "Only an editor can publish; set “In review” when it is ready."

    def clean_status(self):
        status = self.cleaned_data["status"]
        changed = status != self.instance.status
        touches_public = Status.PUBLISHED in (status, self.instance.status)
        if changed and touches_public and not self.can_publish:
            raise forms.ValidationError("Only an editor may publish or unpublish a document.")
        return status


class UniqueTargetInlineFormSet(forms.BaseInlineFormSet):
    """Refuse the same person, body or place twice among one document's rows.

    The database enforces this with conditional unique constraints, which Django's formsets
    do not check across new rows; without this the second row would fail on save.
    """

    target_fields = ("person", "organisation", "place")
    duplicate_message = "%(target)s is listed twice."

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            for field in self.target_fields:
                target = form.cleaned_data.get(field)
                if target is None:
                    continue
                key = (field, target.pk, self.extra_key(form))
                if key in seen:
                    raise forms.ValidationError(self.duplicate_message % {"target": target})
                seen.add(key)

    def extra_key(self, form):
        return None


class CorrespondentInlineFormSet(UniqueTargetInlineFormSet):
    target_fields = ("person", "organisation")
    duplicate_message = "%(target)s is listed twice in the same role."

    def extra_key(self, form):
        return form.cleaned_data.get("role")
