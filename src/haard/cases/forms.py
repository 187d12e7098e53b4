from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EmergencyAccessForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=20)
    reason = forms.CharField(
        label=_("Reason"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you need this file now. The privacy officer reviews every emergency access."),
    )
