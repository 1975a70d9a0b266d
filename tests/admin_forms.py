"""Turn a rendered admin change form back into POST data, the way a browser would submit it."""

import datetime

from django.db.models import Model


def _as_post_value(value):
    if value is None:
        return ""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, (list, tuple)):
        return [_as_post_value(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _add_form(data, form):
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        if getattr(field.widget, "input_type", None) == "file":
            continue  # a browser sends a file input only when a new file is chosen
        data[key] = _as_post_value(value)


def post_data(response, **overrides):
    """POST data reproducing the admin form in `response`, with `overrides` applied."""
    data = {}
    _add_form(data, response.context["adminform"].form)
    inlines = response.context.get("inline_admin_formsets") or []
    for inline in inlines:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
