"""The form renderer: Django's widget templates in Jinja2, with the options of a select, a
radio group or a set of checkboxes written in their parent's template.

Django renders each option through two to four included templates (option, input, attributes),
which on a long form (the report form, an assessment's items) costs more than the rest of the
page. The templates in `web/jinja2/django/forms/widgets/` (an input, a select, a group of radios
or checkboxes) give the same markup with the options and the attributes inline; every other
widget template is Django's own."""

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


def widget_attrs(attrs: dict[str, Any]) -> Markup:
    """A widget's attributes as `django/forms/widgets/attrs.html` writes them: `True` as the
    bare name, `False` left out, everything else escaped."""
    return Markup("").join(
        Markup(" {}").format(name) if value is True else Markup(' {}="{}"').format(name, escape(value))
        for name, value in attrs.items()
        if value is not False
    )


def widget_input(widget: dict[str, Any]) -> Markup:
    """An `<input>` as `django/forms/widgets/input.html` writes it: for an input widget and for
    each option of a radio group or a set of checkboxes."""
    value = widget["value"]
    return Markup('<input type="{}" name="{}"{}{}>').format(
        widget["type"],
        widget["name"],
        Markup(' value="{}"').format(value) if value is not None else "",
        widget_attrs(widget["attrs"]),
    )


class FormRenderer(Jinja2):
    """`django.forms.renderers.Jinja2` with our widget templates before Django's."""

    @cached_property
    def engine(self) -> Jinja2Backend:
        engine = Jinja2Backend(
            {"APP_DIRS": False, "DIRS": [_OURS, _DJANGOS], "NAME": "djangoforms", "OPTIONS": {}}
        )
        engine.env.globals.update(widget_attrs=widget_attrs, widget_input=widget_input)
        return engine
