"""The form renderer: forms, fields and widgets in Jinja2.

Every form and field of haard is written by two templates in `web/jinja2/haard/forms/`:
`form.html` (`{{ form }}`: the errors of no visible field, every field, the hidden fields) and
`field.html` (`{{ field.as_field_group }}`: label or legend, help text, errors and widget, with
the ids Django's `aria-describedby` points at). Pages render them once per form or field
instead of repeating the markup in Django's template language.

The widgets are Django's widget templates in Jinja2, except the input, the select and the
group of radios or checkboxes: Django renders each option of those through two to four included
templates (option, input, attributes), which on a long form (the report form, an assessment's
items) costs more than the rest of the page. Their templates in
`web/jinja2/django/forms/widgets/` call the functions below, which write the same markup, byte
for byte (`tests/web/test_widgets.py` compares them with Django's own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import Jinja2
from django.template.backends.jinja2 import Jinja2 as Jinja2Backend
from django.utils.functional import cached_property
from markupsafe import Markup, escape

_OURS = Path(__file__).resolve().parent / "jinja2"
_DJANGOS = Path(django.forms.__file__).resolve().parent / "jinja2"


def _escaped(markup: str) -> Markup:
    """Markup written by the functions below, which escape every value they put in it."""
    return Markup(markup)  # noqa: S704 - every value is escaped  # nosec B704


def _attrs(attrs: dict[str, Any]) -> str:
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{escape(value)}"' if value is not None else ""
    kind, name = escape(widget["type"]), escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>'


def widget_input(widget: dict[str, Any]) -> Markup:
    """An `<input>` as `django/forms/widgets/input.html` writes it."""
    return _escaped(_input(widget))


def widget_select(widget: dict[str, Any]) -> Markup:
    """A `<select>` with its options as `django/forms/widgets/select.html` writes it."""
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{escape(group)}">')
        parts.extend(
            f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
            f"{escape(option['label'])}</option>"
            for option in options
        )
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return _escaped("".join(parts))


def widget_choices(widget: dict[str, Any]) -> Markup:
    """A group of radios or checkboxes as `django/forms/widgets/multiple_input.html` writes it."""
    attrs = widget["attrs"]
    parts = ["<div"]
    if attrs.get("id"):
        parts.append(f' id="{escape(attrs["id"])}"')
    if attrs.get("class"):
        parts.append(f' class="{escape(attrs["class"])}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{escape(group)}</label>")
        for option in options:
            parts.append("<div>\n    ")
            if option["wrap_label"]:
                label_for = f' for="{escape(option["attrs"]["id"])}"' if option["attrs"].get("id") else ""
                parts.append(f"<label{label_for}>{_input(option)} {escape(option['label'])}</label>")
            else:
                parts.append(_input(option))
            parts.append("</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return _escaped("".join(parts))


class FormRenderer(Jinja2):
    """`django.forms.renderers.Jinja2` with our form, field and widget templates before
    Django's."""

    form_template_name = "haard/forms/form.html"
    field_template_name = "haard/forms/field.html"

    @cached_property
    def engine(self) -> Jinja2Backend:
        engine = Jinja2Backend(
            {"APP_DIRS": False, "DIRS": [_OURS, _DJANGOS], "NAME": "djangoforms", "OPTIONS": {}}
        )
        engine.env.globals.update(
            widget_input=widget_input, widget_select=widget_select, widget_choices=widget_choices
        )
        return engine
