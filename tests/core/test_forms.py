"""attach_errors: a service's refusal lands on the field it names, or above the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from haard.core.forms import attach_errors


class _Form(forms.Form):
    name = forms.CharField()
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    item_q1 = forms.CharField(required=False)


def _form() -> _Form:
    form = _Form({"name": "x"})
    assert form.is_valid()
    return form


def test_an_error_goes_on_the_field_it_names() -> None:
    form = _form()
    attach_errors(form, ValidationError({"name": "Too short."}))
    assert form.errors == {"name": ["Too short."]}


def test_an_error_without_a_field_goes_above_the_form() -> None:
    form = _form()
    attach_errors(form, ValidationError("Not now."))
    assert form.non_field_errors() == ["Not now."]


def test_unknown_and_hidden_fields_go_above_the_form_named_when_asked() -> None:
    form = _form()
    attach_errors(form, ValidationError({"secret": "Bad.", "elsewhere": "Gone."}))
    assert form.non_field_errors() == ["Bad.", "Gone."]
    assert "secret" not in form.errors
    named = _form()
    attach_errors(named, ValidationError({"elsewhere": "Gone."}), name_others=True)
    assert named.non_field_errors() == ["elsewhere: Gone."]


def test_aliases_map_a_service_name_to_the_form_field() -> None:
    form = _form()
    attach_errors(form, ValidationError({"answers.q1": "Pick one."}), aliases={"answers.q1": "item_q1"})
    assert form.errors == {"item_q1": ["Pick one."]}
