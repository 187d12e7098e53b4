"""Forms for case conferences. They parse input; the services check it and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haard.accounts.models import Organisation, User
from haard.conferences.models import AgendaCriterion, ConferenceKind, SharingBasis
from haard.conferences.selectors import ACTION_FILTERS
from haard.core.forms import ModelChoiceField, ModelMultipleChoiceField

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
BASIS_HELP = _(
    "The legal basis on which this participant shares data at the table. Consent and "
    '"other" need an explanation.'
)


class ConferenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ConferenceKind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example the table and the month. Do not put names of clients in the title."),
    )
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=_DATETIME)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class NewConferenceForm(ConferenceForm):
    """Planning a conference: its facts, and the chair's own organisation and basis."""

    organisation = ModelChoiceField(label=_("You take part for"), queryset=Organisation.objects.none())
    basis = forms.ChoiceField(
        label=_("Your basis for sharing data"),
        choices=[("", "—"), *SharingBasis.choices],
        help_text=BASIS_HELP,
        required=False,
    )
    basis_explanation = forms.CharField(
        label=_("Explanation of the basis"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["organisation"])
        field.queryset = organisations
        if not self.is_bound:
            first = organisations.first()
            if first is not None:
                self.initial.setdefault("organisation", first.pk)


def _display_name(user: User) -> str:
    return user.display_name


class ParticipantForm(forms.Form):
    user = ModelChoiceField(label=_("Participant"), queryset=User.objects.none(), required=False)
    organisation = ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(active=True),
        required=False,
        help_text=_("Leave empty for the participant's own organisation."),
    )
    basis = forms.ChoiceField(
        label=_("Basis for sharing data"),
        choices=[("", "—"), *SharingBasis.choices],
        help_text=BASIS_HELP,
        required=False,
    )
    basis_explanation = forms.CharField(
        label=_("Explanation of the basis"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["user"])
        field.queryset = candidates
        field.label_from_instance = _display_name  # type: ignore[method-assign,assignment]


class AgendaItemForm(forms.Form):
    case_reference = forms.CharField(
        label=_("Case reference"),
        max_length=20,
        help_text=_("Only a case the chair works on can be put on the agenda."),
    )
    criteria = ModelMultipleChoiceField(
        label=_("Criteria that apply"),
        queryset=AgendaCriterion.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label=_("Why these criteria apply"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), max_length=50_000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("Action"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=_DATE, required=False)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["owner"])
        field.queryset = owners
        field.label_from_instance = _display_name  # type: ignore[method-assign,assignment]


class ActionDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=_DATE, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("done_on", timezone.localdate())


class ActionFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        choices=list(zip(ACTION_FILTERS, [_("Open"), _("Overdue"), _("Done"), _("All")], strict=True)),
        required=False,
    )
    mine = forms.BooleanField(label=_("Only actions I own"), required=False)
