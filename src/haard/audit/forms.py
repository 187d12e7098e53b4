from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from haard.audit.models import Action


class LogSearchForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150, required=False)
    person_id = forms.IntegerField(label=_("Person number"), min_value=1, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=[("", _("All")), *Action.choices], required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date lies before the start date."))
        return data


class ReviewForm(forms.Form):
    justified = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("yes", _("Justified")), ("no", _("Not justified"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
