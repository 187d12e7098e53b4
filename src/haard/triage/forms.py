"""Forms of the assessment pages. The services check everything again; the forms give each
field its label and error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haard.accounts.models import Organisation, OrganisationType
from haard.core.forms import ModelChoiceField
from haard.triage.models import HandOverTarget, InvestigationReason, RouteKind


class AnswersForm(forms.Form):
    """One radio group per item of the instrument, and the notes."""

    notes = forms.CharField(
        label=_("Assessment notes (Veilig Thuis only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, items: list[tuple[Any, list[Any], Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item, options, answer in items:
            self.fields[f"item_{item.code}"] = forms.ChoiceField(
                label=item.text,
                help_text=item.help_text,
                required=False,
                choices=[(o.code, o.label) for o in options],
                widget=forms.RadioSelect,
                initial=answer.option.code if answer else None,
            )
        self.order_fields([name for name in self.fields if name != "notes"] + ["notes"])

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("item_"): value or ""
            for name, value in self.cleaned_data.items()
            if name.startswith("item_")
        }


class ConfirmForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("confirm", _("I confirm")), ("reopen", _("I do not confirm: back to the assessor"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RouteForm(forms.Form):
    route = forms.ChoiceField(label=_("Route"), choices=RouteKind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    investigation_reason = forms.ChoiceField(
        label=_("Reason for own investigation"),
        required=False,
        choices=[("", "—"), *InvestigationReason.choices],
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        help_text=_("Own investigation: empty gives the default deadline."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    target = forms.ChoiceField(
        label=_("Hand over to"), required=False, choices=[("", "—"), *HandOverTarget.choices]
    )
    receiving_organisation = ModelChoiceField(
        label=_("Receiving organisation"),
        required=False,
        queryset=Organisation.objects.exclude(type=OrganisationType.VEILIG_THUIS).order_by("name"),
    )
    message = forms.CharField(
        label=_("Message to the receiving organisation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The receiving organisation sees this message, not the assessment notes."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("accept", _("Accept the hand-over")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required when refusing)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
