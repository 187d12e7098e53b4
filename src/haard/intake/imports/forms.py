from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from haard.accounts.models import Organisation
from haard.core.forms import ModelChoiceField
from haard.intake.imports import conf
from haard.intake.imports.models import ImportMode

ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    organisation = ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Police organisation"), empty_label=None
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    mode = forms.ChoiceField(
        label=_("How to import"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        help_text=_("All or nothing is the safe choice: with one wrong row nothing is imported."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        self.fields["file"].help_text = _(
            "CSV (separated by ; or ,) or XLSX, at most %(mb)s MB and %(rows)s rows; "
            "one row per person involved."
        ) % {"mb": conf.max_bytes() // (1024 * 1024), "rows": conf.max_rows()}
