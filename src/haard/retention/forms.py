from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haard.registry.validation import normalise_bsn
from haard.retention.models import KeepGround, RequestChannel, RequestKind

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FindPersonForm(forms.Form):
    bsn = forms.CharField(label=_("BSN"), max_length=11, required=False)
    surname = forms.CharField(label=_("Surname"), max_length=200, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=_DATE)

    def clean_bsn(self) -> str:
        raw = self.cleaned_data["bsn"].replace(" ", "").replace(".", "")
        return normalise_bsn(raw) if raw else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("bsn") and not (data.get("surname") or "").strip() and not self.errors:
            raise ValidationError(_("Give a BSN, or a surname (with the date of birth if you know it)."))
        return data


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Request"), choices=RequestKind.choices, widget=forms.RadioSelect)
    received_on = forms.DateField(label=_("Received on"), widget=_DATE, initial=timezone.localdate)
    channel = forms.ChoiceField(label=_("Received by"), choices=RequestChannel.choices)
    identity_checked = forms.BooleanField(
        label=_("I checked the identity of the requester (and, for a representative, the authority)"),
        required=False,
    )


class KeepForm(forms.Form):
    keep = forms.TypedChoiceField(
        label=_("Keep"),
        choices=[("yes", _("Keep it")), ("no", _("Put it back on the list"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    ground = forms.ChoiceField(label=_("Ground"), choices=[("", "–"), *KeepGround.choices], required=False)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    until = forms.DateField(label=_("Keep until"), required=False, widget=_DATE)


class DecisionForm(forms.Form):
    destroy = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Destroy as the dry run shows")), ("no", _("Refuse: keep everything"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name no one: the reason stays with the tombstone."),
    )
    ground = forms.ChoiceField(
        label=_("Ground for refusing"), choices=[("", "–"), *KeepGround.choices], required=False
    )


class LogPurgeDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Purge as the dry run shows")), ("no", _("Refuse: keep the entries"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name no one: the reason stays with the tombstone."),
    )
