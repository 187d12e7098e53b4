"""The form renderer: widgets with exactly the markup of Django's own Jinja2 widget
templates; every form and field through one form and one field template, whose error and help
ids are the ones the widgets' aria-describedby points at."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.forms.renderers import Jinja2
from django.test import Client
from django.urls import reverse

from haard.web.widgets import FormRenderer
from tests.conftest import sign_in
from tests.factories import make_user

CHOICES = [("a", "Één & <twee>"), ("b", 'B "quoted"'), ("", "---")]
GROUPED = [("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]


class AllWidgets(forms.Form):
    text = forms.CharField(
        widget=forms.TextInput(attrs={"placeholder": 'say "hi" <now>', "autofocus": True, "hidden": False})
    )
    number = forms.IntegerField(min_value=1)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    tick = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    one = forms.ChoiceField(choices=CHOICES)
    grouped = forms.ChoiceField(choices=GROUPED, widget=forms.Select(attrs={"class": "wide", "data-x": "1"}))
    many = forms.MultipleChoiceField(choices=CHOICES)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect(attrs={"class": "choices"}))
    radio_grouped = forms.ChoiceField(choices=GROUPED, widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    boxes_grouped = forms.MultipleChoiceField(choices=GROUPED, widget=forms.CheckboxSelectMultiple)
    split = forms.SplitDateTimeField()


BOUND = {
    "text": "<b>bold</b>",
    "number": "0",
    "date": "2026-02-30",
    "hidden": 'x"y',
    "secret": "s<e>",
    "tick": "on",
    "notes": "line\n<tag>",
    "one": "b",
    "grouped": "y",
    "many": ["a", ""],
    "radio": "a",
    "radio_grouped": "z",
    "boxes": ["b"],
    "boxes_grouped": ["x", "z"],
    "split_0": "2026-01-01",
    "split_1": "12:00",
}


def _rendered(renderer: Any, data: dict[str, Any] | None) -> dict[str, str]:
    form = AllWidgets(data, renderer=renderer, auto_id="id_%s")
    if data is not None:
        form.is_valid()
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize("data", [None, BOUND], ids=["empty", "bound"])
def test_every_widget_renders_as_djangos_own(data: dict[str, Any] | None) -> None:
    ours, djangos = _rendered(FormRenderer(), data), _rendered(Jinja2(), data)
    for name, markup in djangos.items():
        assert ours[name] == markup, name


def test_values_and_labels_are_escaped() -> None:
    markup = _rendered(FormRenderer(), BOUND)
    assert 'placeholder="say &#34;hi&#34; &lt;now&gt;"' in markup["text"]
    assert " autofocus" in markup["text"] and "hidden" not in markup["text"]
    assert "Één &amp; &lt;twee&gt;" in markup["radio"]
    assert 'label="Group &lt;1&gt;"' in markup["grouped"]
    assert "<b>" not in markup["text"] and "<tag>" not in markup["notes"]


@pytest.mark.django_db
def test_report_form_renders_its_widgets_for_the_intake_worker_only() -> None:
    page = sign_in(Client(), make_user("intake_worker")).get(reverse("intake:report_new"))
    assert page.status_code == 200
    assert '<input type="radio" name="kind" value="report"' in page.content.decode()
    outsider = sign_in(Client(), make_user("policy_officer")).get(reverse("intake:report_new"))
    assert outsider.status_code in (403, 404)


class Described(forms.Form):
    name = forms.CharField(label="Naam <b>", help_text="Zoals in de BRP & <i>elders</i>")
    note = forms.CharField(required=False)
    kind = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, help_text="Kies er een")
    types = forms.MultipleChoiceField(choices=CHOICES[:2], widget=forms.CheckboxSelectMultiple)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        raise forms.ValidationError("Samen <niet> goed")


def _ids(markup: str) -> set[str]:
    return set(re.findall(r' id="([^"]+)"', markup))


def test_a_form_shows_every_error_where_its_field_is_and_points_at_it() -> None:
    form = Described({"name": "", "kind": "zz", "types": ["q"], "token": ""}, renderer=FormRenderer())
    assert not form.is_valid()
    markup = str(form)
    ids = _ids(markup)
    described = [d for attr in re.findall(r'aria-describedby="([^"]+)"', markup) for d in attr.split()]
    expected = {"id_name_helptext", "id_name_error", "id_kind_helptext", "id_kind_error", "id_types_error"}
    assert set(described) == expected
    assert set(described) <= ids  # every description the widgets point at is on the page
    assert all(label in ids for label in re.findall(r'<label for="([^"]+)"', markup))
    # A group of radios or checkboxes is a fieldset with a legend; the fieldset is described.
    assert '<fieldset class="choices" aria-describedby="id_kind_helptext id_kind_error"><legend>' in markup
    assert '<fieldset class="choices" aria-describedby="id_types_error"><legend>' in markup
    assert markup.count('class="field field--error"') == 3 and markup.count('class="field"') == 1
    # The errors of no visible field lead the form, the hidden field's among them.
    top = markup.split('<div class="field')[0]
    assert 'role="alert"' in top and "Samen &lt;niet&gt; goed" in top
    assert "token) " in top  # "(Hidden field token) This field is required."
    # Labels, help texts and errors are escaped; the hidden field is still there.
    assert "<b>" not in markup and "<i>" not in markup and "Naam &lt;b&gt;" in markup
    assert '<input type="hidden" name="token"' in markup


def test_a_valid_form_has_no_error_markup_and_no_dangling_descriptions() -> None:
    form = Described(renderer=FormRenderer())
    markup = str(form)
    assert "errorlist" not in markup and "field--error" not in markup and 'role="alert"' not in markup
    described = {d for attr in re.findall(r'aria-describedby="([^"]+)"', markup) for d in attr.split()}
    assert described == {"id_name_helptext", "id_kind_helptext"} and described <= _ids(markup)


def test_one_field_renders_alone_as_in_its_form() -> None:
    form = Described({"name": ""}, renderer=FormRenderer())
    form.is_valid()
    group = form["name"].as_field_group()
    assert group.startswith('<div class="field field--error">') and group in str(form)
