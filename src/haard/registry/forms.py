from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from haard.registry.services import HouseNumber, parse_house_number
from haard.registry.validation import normalise_postcode


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, date of birth or BSN"),
        min_length=2,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={
            "required": _("Type a name, a date of birth or a BSN."),
            "min_length": _("Type at least 2 characters."),
            "max_length": _("Type at most 100 characters."),
        },
    )


_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,59}$")


class PersonSuggestForm(PersonSearchForm):
    # The name of the radio buttons in the fragment, so that a form with several people
    # ("people-0-person", "people-1-person") can use the same endpoint.
    field = forms.CharField(required=False, max_length=60)

    def clean_field(self) -> str:
        value: str = self.cleaned_data["field"] or "person"
        if not _FIELD_NAME.match(value):
            raise ValidationError(_("Not a field name."), code="field_name")
        return value


class AddressSuggestForm(forms.Form):
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        error_messages={
            "required": _("Give the postcode."),
            "max_length": _("A postcode looks like 1234 AB."),
        },
    )
    number = forms.CharField(
        label=_("House number"),
        max_length=12,
        error_messages={
            "required": _("Give the house number."),
            "max_length": _("A house number looks like 12, 12a or 12a-2."),
        },
    )
    field = forms.CharField(required=False, max_length=60)

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_number(self) -> HouseNumber:
        return parse_house_number(self.cleaned_data["number"])

    def clean_field(self) -> str:
        value: str = self.cleaned_data["field"] or "address"
        if not _FIELD_NAME.match(value):
            raise ValidationError(_("Not a field name."), code="field_name")
        return value


class MatchDecisionForm(forms.Form):
    CONFIRM = "confirm"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CONFIRM, _("The same person: merge the two records")),
            (REJECT, _("Different people: keep both records")),
        ],
        widget=forms.RadioSelect,
    )
    keep = forms.TypedChoiceField(
        label=_("Record to keep (the other is merged into it)"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with the decision; say what you checked."),
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep: Any = self.fields["keep"]
        keep.choices = people

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.CONFIRM and not cleaned.get("keep"):
            self.add_error("keep", _("Choose the record to keep."))
        return cleaned


class UnmergeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for undoing the merge"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
