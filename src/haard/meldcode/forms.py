"""Forms of the meldcode pages. They check shape; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haard.accounts.models import Organisation, User
from haard.core.forms import ModelChoiceField
from haard.core.models import Municipality
from haard.intake.models import InvolvementRole
from haard.meldcode.models import ActivityKind, AssessmentOutcome, FeedbackStage, Risk, Sector
from haard.meldcode.services import AddressText, PersonGiven
from haard.registry.models import Gender

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def yes_no(value: str) -> bool:
    return value == "yes"


class RecordDetailsForm(forms.Form):
    concern = forms.CharField(label=_("Concern in a few words"), max_length=200)
    municipality = ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), empty_label=None
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    house_number = forms.CharField(label=_("House number"), max_length=12, required=False)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    town = forms.CharField(label=_("Town"), max_length=120, required=False)

    def address(self) -> AddressText:
        data = self.cleaned_data
        return AddressText(
            postcode=data["postcode"],
            house_number=data["house_number"],
            street=data["street"],
            town=data["town"],
        )


class PersonForm(forms.Form):
    first_names = forms.CharField(label=_("First names"), max_length=200, required=False)
    surname_prefix = forms.CharField(label=_("Tussenvoegsel"), max_length=20, required=False)
    surname = forms.CharField(label=_("Surname"), max_length=200, required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.OTHER)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "–"), *InvolvementRole.choices], required=False)

    def given(self) -> PersonGiven | None:
        data = self.cleaned_data
        if not any(data.get(f) for f in ("first_names", "surname", "birth_date", "role")):
            return None
        return PersonGiven(
            first_names=data["first_names"],
            surname_prefix=data["surname_prefix"],
            surname=data["surname"],
            birth_date=data["birth_date"],
            gender=data["gender"],
            role=data["role"],
        )


PeopleFormSet = forms.formset_factory(PersonForm, extra=3, max_num=12, absolute_max=12, validate_max=True)


def people_given(formset: Any) -> list[PersonGiven]:
    return [given for form in formset.forms if (given := form.given()) is not None]


class SignsForm(forms.Form):
    signs = forms.CharField(
        label=_("Signs"),
        help_text=_("What you saw or heard, with dates; facts apart from interpretations."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
    )


class ConsultationForm(forms.Form):
    consulted_colleague = forms.BooleanField(label=_("I consulted a colleague"), required=False)
    consulted_veilig_thuis = forms.BooleanField(label=_("I consulted Veilig Thuis"), required=False)
    consultation_notes = forms.CharField(
        label=_("What the consultation brought"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000
    )


class ConversationForm(forms.Form):
    conversation_held = forms.ChoiceField(
        label=_("Did you talk with the client?"), choices=YES_NO, widget=forms.RadioSelect
    )
    conversation_notes = forms.CharField(
        label=_("What the conversation brought"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
        required=False,
    )
    no_conversation_reason = forms.CharField(
        label=_("Why there was no conversation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
        required=False,
    )


class WeighingForm(forms.Form):
    risk = forms.TypedChoiceField(label=_("Risk"), choices=Risk.choices, coerce=int, widget=forms.RadioSelect)
    weighing_notes = forms.CharField(
        label=_("Weighing of nature and severity"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
    )


class AnswerForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=5)
    answer = forms.ChoiceField(label=_("Answer"), choices=YES_NO, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000, required=False
    )


class FeedbackForm(forms.Form):
    stage = forms.ChoiceField(label=_("Feedback"), choices=FeedbackStage.choices, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        label=_("Outcome of the safety assessment"),
        choices=[("", "–"), *AssessmentOutcome.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Message to the professional"),
        help_text=_("In general terms: no case content, no details of the family."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )


class PartnerProfileForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    veilig_thuis_contact = forms.CharField(
        label=_("Contact point for Veilig Thuis"), max_length=200, required=False
    )
    has_meldcode = forms.BooleanField(label=_("Has a meldcode"), required=False)
    meldcode_since = forms.DateField(
        label=_("Meldcode since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    meldcode_contact = ModelChoiceField(
        label=_("Meldcode contact person"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meldcode_contact"]
        if not isinstance(field, forms.ModelChoiceField):
            raise TypeError("meldcode_contact is a model choice")
        field.queryset = (
            User.objects.filter(memberships__team__organisation=organisation, memberships__active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )
        field.label_from_instance = _display_name  # type: ignore[method-assign,assignment]


def _display_name(user: User) -> str:
    return user.display_name


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reach = forms.IntegerField(label=_("People reached"), min_value=0, max_value=1_000_000)
