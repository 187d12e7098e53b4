"""The form renderer writes exactly the markup of Django's own Jinja2 widget templates."""

from __future__ import annotations

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
    return {name: str(form[name]) for name in form.fields} | {"whole form": form.as_div()}


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
    assert "<b>" not in markup["whole form"] and "<tag>" not in markup["whole form"]


@pytest.mark.django_db
def test_report_form_renders_its_widgets_for_the_intake_worker_only() -> None:
    page = sign_in(Client(), make_user("intake_worker")).get(reverse("intake:report_new"))
    assert page.status_code == 200
    assert '<input type="radio" name="kind" value="report"' in page.content.decode()
    outsider = sign_in(Client(), make_user("policy_officer")).get(reverse("intake:report_new"))
    assert outsider.status_code in (403, 404)
