"""attach_errors: a service's refusal lands on the field it names, or above the form. The model
choice fields: their choices read once per form, validated as Django's own."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from haard.core.forms import ModelChoiceField, ModelMultipleChoiceField, attach_errors
from haard.core.models import Municipality
from tests.conftest import sign_in
from tests.factories import MunicipalityFactory, make_user


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


class _Choices(forms.Form):
    one = ModelChoiceField(queryset=Municipality.objects.order_by("code"))
    many = ModelMultipleChoiceField(queryset=Municipality.objects.order_by("code"), required=False)


@pytest.mark.django_db
def test_model_choices_are_read_once_per_form_however_often_drawn(django_assert_num_queries: Any) -> None:
    first, second = MunicipalityFactory(), MunicipalityFactory()
    form = _Choices()
    with django_assert_num_queries(2):  # one per field
        for _ in range(3):
            markup = str(form["one"]) + str(form["many"])
    assert markup.count(f'value="{first.pk}"') == 2 and f">{second}<" in markup
    # A new form reads them again: nothing is kept beyond the form (a request).
    added = MunicipalityFactory()
    assert f'value="{added.pk}"' in str(_Choices()["one"])


@pytest.mark.django_db
def test_model_choices_validate_as_djangos_own() -> None:
    first = MunicipalityFactory()
    form = _Choices({"one": str(first.pk), "many": [str(first.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == first and list(form.cleaned_data["many"]) == [first]
    bad = _Choices({"one": "999999", "many": ["999999"]})
    assert not bad.is_valid()
    assert set(bad.errors) == {"one", "many"}


@pytest.mark.django_db
def test_a_form_with_model_choices_is_not_shown_to_an_outsider() -> None:
    MunicipalityFactory()
    assert sign_in(Client(), make_user("intake_worker")).get(reverse("intake:report_new")).status_code == 200
    outsider = sign_in(Client(), make_user("policy_officer")).get(reverse("intake:report_new"))
    assert outsider.status_code in (403, 404)
