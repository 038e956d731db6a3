"""Turn Django bound fields into the parameters of the GOV.UK Frontend macros.

The Jinja macros in `macros/forms.html` stay thin: this module decides ids, values, labels,
hints and error messages, so the same rules apply to every field and can be unit-tested.
Ids follow GOV.UK: radios and checkboxes take the field's id on their first input, and a date
input's day box is `<id>_day`; the error summary links to exactly those ids.
"""

from types import SimpleNamespace
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.formsets import BaseFormSet
from django.utils.safestring import SafeString
from markupsafe import Markup, escape

from mash.core.forms import DATE_PARTS, GovukDateWidget

# Widget attributes GOV.UK markup sets itself or advises against (maxlength truncates silently,
# required triggers the browser's own unstyled validation).
DROPPED_ATTRS = {"class", "id", "name", "type", "value", "required", "maxlength", "minlength"}
DJANGO_EMPTY_LABEL = "---------"


def widget_kind(field: BoundField) -> str:
    """Which GOV.UK component renders the field: input, textarea, select, radios, …"""
    widget = field.field.widget
    kinds = (
        (forms.HiddenInput, "hidden"),
        (GovukDateWidget, "date"),
        (forms.CheckboxSelectMultiple, "checkboxes"),
        (forms.RadioSelect, "radios"),
        (forms.Select, "select"),
        (forms.CheckboxInput, "checkbox"),
        (forms.Textarea, "textarea"),
    )
    return next((kind for cls, kind in kinds if isinstance(widget, cls)), "input")


def error_target_id(field: BoundField) -> str:
    """The id the error summary links to: the first input with the problem."""
    if widget_kind(field) == "date":
        return f"{field.auto_id}_{date_error_parts(field)[0]}"
    return field.id_for_label or field.auto_id


def date_error_parts(field: BoundField) -> tuple[str, ...]:
    """The date parts to highlight; all three when the error does not say which."""
    for error in field.errors.as_data():
        parts = (error.params or {}).get("parts")
        if parts:
            return tuple(part for part in DATE_PARTS if part in parts)
    return DATE_PARTS


def error_message(field: BoundField) -> dict[str, Any] | None:
    """The `errorMessage` parameter, or None when the field is valid."""
    if not field.errors:
        return None
    return {"html": Markup("<br>").join(escape(message) for message in field.errors)}


def hint(field: BoundField) -> dict[str, Any] | None:
    """The `hint` parameter from `help_text`; HTML only when the text was marked safe."""
    if not field.help_text:
        return None
    key = "html" if isinstance(field.help_text, SafeString) else "text"
    return {key: field.help_text}


def deep_merge(base: dict[str, Any], overrides: dict[str, Any] | None) -> dict[str, Any]:
    """`base` with `overrides` laid over it; nested dicts merge instead of replacing."""
    merged = dict(base)
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _label(field: BoundField, params: dict[str, Any]) -> dict[str, Any]:
    heading = bool(params.get("isPageHeading"))
    label = {"text": field.label, "isPageHeading": heading}
    return label | ({"classes": "govuk-label--l"} if heading else {})


def _fieldset(field: BoundField, params: dict[str, Any]) -> dict[str, Any]:
    heading = bool(params.get("isPageHeading"))
    legend = {"text": field.label, "isPageHeading": heading}
    return {"legend": legend | ({"classes": "govuk-fieldset__legend--l"} if heading else {})}


def _attributes(field: BoundField) -> dict[str, Any]:
    attrs = field.field.widget.attrs
    return {
        key: value
        for key, value in attrs.items()
        if key not in DROPPED_ATTRS and value not in (None, False) and key not in ("rows", "cols")
    }


def _common(field: BoundField) -> dict[str, Any]:
    return {
        "id": field.auto_id,
        "name": field.html_name,
        "hint": hint(field),
        "errorMessage": error_message(field),
        "classes": field.field.widget.attrs.get("class", ""),
        "attributes": _attributes(field),
        "disabled": field.field.disabled,
    }


def _finish(base: dict[str, Any], params: dict[str, Any] | None) -> dict[str, Any]:
    overrides = {k: v for k, v in (params or {}).items() if k != "isPageHeading"}
    return deep_merge(base, overrides)


def input_params(field: BoundField, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parameters for `govukInput`, keeping the submitted value."""
    params = params or {}
    widget = field.field.widget
    value = widget.format_value(field.value())
    if getattr(widget, "input_type", "") == "password" and not getattr(widget, "render_value", 0):
        value = None  # a password typed is never sent back in the page
    base = _common(field) | {
        "label": _label(field, params),
        "type": getattr(widget, "input_type", "text"),
        "value": "" if value is None else value,
    }
    return _finish(base, params)


def textarea_params(field: BoundField, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parameters for `govukTextarea`, keeping the submitted value."""
    params = params or {}
    value = field.field.widget.format_value(field.value())
    base = _common(field) | {
        "label": _label(field, params),
        "value": value or "",
        "rows": field.field.widget.attrs.get("rows", 5),
    }
    return _finish(base, params)


def _options(field: BoundField) -> list[dict[str, Any]]:
    return [
        {"value": str(w.data["value"]), "text": str(w.data["label"]), "on": w.data["selected"]}
        for w in field.subwidgets
    ]


def select_params(field: BoundField, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parameters for `govukSelect`; Django's '---------' blank becomes 'Select an option'."""
    params = params or {}
    items = [
        {
            "value": option["value"],
            "text": "Select an option" if option["text"] == DJANGO_EMPTY_LABEL else option["text"],
            "selected": option["on"],
        }
        for option in _options(field)
    ]
    base = _common(field) | {"label": _label(field, params), "items": items}
    return _finish(base, params)


def _choice_params(field: BoundField, params: dict[str, Any]) -> dict[str, Any]:
    # A choice field may carry `item_hints` ({value: text}): GOV.UK's hint under each option.
    hints = getattr(field.field, "item_hints", {})
    items = [
        {"value": option["value"], "text": option["text"], "checked": option["on"]}
        | ({"hint": {"text": hints[option["value"]]}} if option["value"] in hints else {})
        for option in _options(field)
        if option["value"] != ""
    ]
    base = _common(field) | {
        "idPrefix": field.auto_id,
        "fieldset": _fieldset(field, params),
        "items": items,
    }
    return _finish(base, params)


def radios_params(field: BoundField, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parameters for `govukRadios`; the first radio's id is the field's id."""
    return _choice_params(field, params or {})


def checkboxes_params(field: BoundField, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parameters for `govukCheckboxes` (a multiple choice); the first box has the field's id."""
    return _choice_params(field, params or {})


def checkbox_params(field: BoundField, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parameters for one yes/no checkbox (a BooleanField), labelled by the field's label."""
    item = {
        "value": "true",
        "text": field.label,
        "id": field.auto_id,
        "checked": bool(field.value()),
        "hint": hint(field),
    }
    base = _common(field) | {"idPrefix": field.auto_id, "items": [item], "hint": None}
    return _finish(base, params)


def date_parts(field: BoundField) -> dict[str, str]:
    """The day, month and year to show: as typed after an error, else from the saved date."""
    value = field.value()
    if not isinstance(value, list | tuple):
        value = field.field.widget.decompress(value)
    return {part: str(typed or "") for part, typed in zip(DATE_PARTS, value, strict=False)}


def date_input_params(field: BoundField, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parameters for `govukDateInput`; only the parts with the problem are highlighted."""
    params = params or {}
    typed = date_parts(field)
    wrong = date_error_parts(field) if field.errors else ()
    widths = {"day": 2, "month": 2, "year": 4}
    items = [
        {
            "id": f"{field.auto_id}_{part}",
            "name": f"{field.html_name}_{part}",
            "label": part.capitalize(),
            "value": typed.get(part, ""),
            "classes": f"govuk-input--width-{widths[part]}"
            + (" govuk-input--error" if part in wrong else ""),
        }
        for part in DATE_PARTS
    ]
    base = _common(field) | {"fieldset": _fieldset(field, params), "items": items}
    return _finish(base, params)


def _form_error_items(form: forms.BaseForm) -> list[dict[str, str]]:
    items = [{"text": str(message)} for message in form.non_field_errors()]
    for field in form:
        link = {} if field.is_hidden else {"href": f"#{error_target_id(field)}"}
        items += [{"text": str(message)} | link for message in field.errors]
    return items


def error_summary_items(*objs: Any) -> list[dict[str, str]]:
    """Every error on the forms and formsets given (or lists of them), linked to its field.

    Non-field errors have no field to link to, so they are listed as text; a formset's own
    errors link to an element with the formset's prefix as its id, when the page has one.
    """
    items: list[dict[str, str]] = []
    for obj in objs:
        if isinstance(obj, BaseFormSet):
            items += [{"text": str(m), "href": f"#{obj.prefix}"} for m in obj.non_form_errors()]
            items += [item for form in obj.forms for item in _form_error_items(form)]
        elif isinstance(obj, forms.BaseForm):
            items += _form_error_items(obj)
        elif isinstance(obj, list | tuple):
            items += error_summary_items(*obj)
    return items


def has_errors(*objs: Any) -> bool:
    """True when any form or formset given has an error (page titles start 'Error: ')."""
    return bool(error_summary_items(*objs))


govuk_form = SimpleNamespace(
    widget_kind=widget_kind,
    input=input_params,
    textarea=textarea_params,
    select=select_params,
    radios=radios_params,
    checkboxes=checkboxes_params,
    checkbox=checkbox_params,
    date_input=date_input_params,
    error_summary_items=error_summary_items,
)
