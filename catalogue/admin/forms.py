"""Forms behind the document admin: publishing rights and inline checks."""

from django import forms
from django.db.models import Q

from catalogue.models import Document, DocumentRelation, Status

PUBLISH_PERMISSION = "catalogue.publish_document"


class DocumentAdminForm(forms.ModelForm):
    """Only users with the publish permission may make a document public; a published one is
    withdrawn only with the list action, which says what the public will lose.

    The status is compared with the document's status in the database, not with the form's
    instance: a history revert builds the form from an old version, whose status ("published",
    "review") must not publish or withdraw anything.
    """

    can_publish = False  # set per request by DocumentAdmin.get_form

    class Meta:
        model = Document
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if status is None:
            return
        self.live_status = self.status_in_database()
        reverted = self.live_status is not None and self.initial.get("status") != self.live_status
        if reverted and not self.keeps_revert_status():
            self.initial["status"] = self.live_status  # a revert keeps the status as it is now
            status.help_text = "The status stays as it is now; only an editor changes it."
        if self.live_status == Status.PUBLISHED:
            status.disabled = True
            status.help_text = (
                "Published. An editor withdraws it with the list action “Withdraw selected "
                "documents from publication”, which says what the public will lose."
            )
        elif not self.can_publish:
            status.choices = [c for c in status.choices if c[0] != Status.PUBLISHED]
            status.help_text = "Only an editor can publish; set “In review” when it is ready."

    def status_in_database(self):
        if self.instance.pk is None:
            return None
        rows = Document.objects.filter(pk=self.instance.pk).values_list("status", flat=True)
        return rows.first()

    def keeps_revert_status(self):
        """An editor reverting a document that is not published may take the old status."""
        return self.can_publish and self.live_status not in (None, Status.PUBLISHED)

    def clean_status(self):
        status = self.cleaned_data["status"]
        live = self.live_status or Status.DRAFT
        touches_public = Status.PUBLISHED in (status, live)
        if status != live and touches_public and not self.can_publish:
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


DUPLICATE_RELATION = (
    "These two documents already have a relation of this kind (in one direction or the other)."
)


class RelationInlineFormSet(forms.BaseInlineFormSet):
    """Relations stated from a document: the database refuses a relation to itself and a second
    relation of a kind between the same two documents (either way round); say so on the form
    instead (the admin leaves constraints on the parent's key to the database)."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            target, kind = data.get("target"), data.get("kind")
            if data.get("DELETE") or target is None or not kind:
                continue
            if target.pk == self.instance.pk:
                form.add_error("target", "A document cannot be related to itself.")
                continue
            pair = (min(target.pk, self.instance.pk), max(target.pk, self.instance.pk), kind)
            if pair in seen or self._stated_elsewhere(form, target, kind):
                form.add_error("target", DUPLICATE_RELATION)
            seen.add(pair)

    def _stated_elsewhere(self, form, target, kind) -> bool:
        if self.instance.pk is None:
            return False
        either_way = Q(source=self.instance, target=target) | Q(source=target, target=self.instance)
        others = DocumentRelation.objects.filter(either_way, kind=kind)
        if form.instance.pk:
            others = others.exclude(pk=form.instance.pk)
        # rows of this same formset being changed are compared through `seen`
        changed = [f.instance.pk for f in self.forms if f.instance.pk and f is not form]
        return others.exclude(pk__in=changed).exists()
