"""Form helpers shared by the apps' pages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.forms.models import ModelChoiceIterator


def attach_errors(
    form: BaseForm,
    exc: ValidationError,
    *,
    aliases: Mapping[str, str] | None = None,
    name_others: bool = False,
) -> None:
    """Put a service's refusal on the form. An error goes on the field it names (or the field
    `aliases` maps that name to) when the form shows that field; every other error goes above
    the form, with the name it was given in front of each message when `name_others` is set. A
    hidden field counts as not shown: the person could not see or correct it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = (aliases or {}).get(name, name)
        field = form.fields.get(target)
        if field is not None and not field.widget.is_hidden:
            form.add_error(target, errors)
        elif name_others:
            for error in errors:
                for message in error.messages:
                    form.add_error(None, f"{name}: {message}")
        else:
            form.add_error(None, errors)


class _ListedChoices(ModelChoiceIterator):
    """The choices of a model field read through the form's own queryset: one plain query per
    form, however often the field is drawn. Django's iterator opens a server-side cursor on
    PostgreSQL each time it is drawn (three round trips and a cursor held to the end), which
    suits a long list; a list to choose from is short by nature."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    """`forms.ModelChoiceField` with its choices read in one query (see `_ListedChoices`)."""

    iterator = _ListedChoices


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """`forms.ModelMultipleChoiceField` with its choices read in one query."""

    iterator = _ListedChoices
