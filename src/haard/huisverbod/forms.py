"""Forms of the restraining-order pages. The forms check shape; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haard.core.forms import ModelChoiceField
from haard.core.models import Municipality
from haard.huisverbod.models import AppealOutcome, BanRole, Colour, HelpStatus, OrderForm, RiskInstrument
from haard.registry.models import Gender


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _moment(label: Any, required: bool = True, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=required, widget=DateTimeInput(), help_text=help_text)


def _day(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


class OrderImposeForm(forms.Form):
    municipality = ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    postcode = forms.CharField(label=_("Postcode of the home"), max_length=7)
    house_number = forms.CharField(label=_("House number"), max_length=12)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    town = forms.CharField(label=_("Town"), max_length=120, required=False)
    barred_first_names = forms.CharField(label=_("First names of the barred person"), max_length=200)
    barred_surname_prefix = forms.CharField(
        label=_("Tussenvoegsel of the barred person"), max_length=20, required=False
    )
    barred_surname = forms.CharField(label=_("Surname of the barred person"), max_length=200)
    barred_birth_date = _day(_("Date of birth of the barred person"), required=False)
    barred_gender = forms.ChoiceField(
        label=_("Gender of the barred person"), choices=Gender.choices, initial=Gender.OTHER
    )
    imposed_at = _moment(_("Imposed at"))
    form = forms.ChoiceField(label=_("Form"), choices=OrderForm.choices, initial=OrderForm.WRITTEN)
    facts = forms.CharField(label=_("Facts and circumstances"), widget=forms.Textarea(attrs={"rows": 5}))
    vt_consulted_at = _moment(
        _("Veilig Thuis consulted at"),
        required=False,
        help_text=_(
            "Required when children are in the contact ban: Veilig Thuis is consulted before the decision."
        ),
    )
    vt_consultation = forms.CharField(
        label=_("Veilig Thuis consultation: with whom and what was advised"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    risk_decision = forms.CharField(
        label=_("Decision on the risk assessment and its reasons"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, instrument: RiskInstrument | None, municipalities: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.sign_fields: list[tuple[Any, list[str]]] = []
        if instrument is not None:
            for part in instrument.parts.all():
                names = []
                for sign in part.signs.all():
                    name = f"sign_{sign.pk}"
                    self.fields[name] = forms.ChoiceField(
                        label=sign.text,
                        choices=Colour.choices,
                        widget=forms.RadioSelect,
                        initial=Colour.GREEN,
                    )
                    names.append(name)
                self.sign_fields.append((part, names))

    def risk_colours(self) -> dict[int, str]:
        return {
            int(name.removeprefix("sign_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("sign_")
        }

    def sign_groups(self) -> list[tuple[Any, list[Any]]]:
        return [(part, [self[name] for name in names]) for part, names in self.sign_fields]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if not name.startswith("sign_")]


class BannedPersonForm(forms.Form):
    first_names = forms.CharField(label=_("First names"), max_length=200, required=False)
    surname_prefix = forms.CharField(label=_("Tussenvoegsel"), max_length=20, required=False)
    surname = forms.CharField(label=_("Surname"), max_length=200, required=False)
    birth_date = _day(_("Date of birth"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=BanRole.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first_names") and not data.get("surname"):
            self.add_error("surname", _("A surname is needed."))
        return data


BannedFormSet = forms.formset_factory(BannedPersonForm, extra=4, max_num=12)


class ExtendForm(forms.Form):
    hearing_at = _moment(_("Parties heard at"), required=False)
    decided_at = _moment(_("Extension decided at"))
    until = _moment(_("Extended until"))
    reasons = forms.CharField(
        label=_("Reasons: why the danger continues"), widget=forms.Textarea(attrs={"rows": 4})
    )


class WithdrawForm(forms.Form):
    withdrawn_at = _moment(_("Withdrawn at"))
    reasons = forms.CharField(label=_("Reasons for the withdrawal"), widget=forms.Textarea(attrs={"rows": 4}))


class WhereaboutsForm(forms.Form):
    address = forms.CharField(label=_("Address where the barred person stays"), max_length=300)
    given_at = _moment(_("Given at"))


class WrittenDecisionForm(forms.Form):
    at = _moment(_("Written decision made at"))


class HearingForm(forms.Form):
    hearing_at = _moment(_("Parties heard at"))


class BreachForm(forms.Form):
    occurred_at = _moment(_("Breach occurred at"))
    police_report_reference = forms.CharField(label=_("Police report reference"), max_length=60)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AppealForm(forms.Form):
    filed_on = _day(_("Appeal filed on"))
    interim_requested_at = _moment(_("Interim relief requested at"), required=False)


class AppealUpdateForm(forms.Form):
    hearing_on = _day(_("Hearing date"), required=False)
    outcome = forms.ChoiceField(
        label=_("Court outcome"), choices=AppealOutcome.choices, initial=AppealOutcome.PENDING
    )
    outcome_on = _day(_("Outcome on"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") and data["outcome"] != AppealOutcome.PENDING and not data.get("outcome_on"):
            self.add_error("outcome_on", _("Give the date of the ruling."))
        return data


class HelpTaskForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=HelpStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


RECORD_FORMS: dict[str, type[forms.Form]] = {
    "whereabouts": WhereaboutsForm,
    "written-decision": WrittenDecisionForm,
    "hearing": HearingForm,
    "breach": BreachForm,
    "appeal": AppealForm,
}
RECORD_TITLES = {
    "whereabouts": _("Record the whereabouts address"),
    "written-decision": _("Make the written decision"),
    "hearing": _("Record the hearing of the parties"),
    "breach": _("Record a breach"),
    "appeal": _("Record an appeal"),
}
