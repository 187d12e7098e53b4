from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haard.accounts.models import Organisation, User
from haard.cases.models import (
    Case,
    CaseStatus,
    GoalStatus,
    LifeDomain,
    MeasureStatus,
    MeasureTerm,
    Visibility,
)
from haard.cases.services import possible_owners
from haard.core.forms import ModelChoiceField


class EmergencyAccessForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=20)
    reason = forms.CharField(
        label=_("Reason"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you need this file now. The privacy officer reviews every emergency access."),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class UserChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)

    def use(self, users: list[User]) -> None:
        """Offer `users`, read once: the forms of a formset share the list instead of each
        querying (and checking a choice against) the database."""
        self.queryset = User.objects.filter(pk__in=[u.pk for u in users])
        self._users = {str(u.pk): u for u in users}
        self.choices = [("", self.empty_label), *((u.pk, self.label_from_instance(u)) for u in users)]

    def to_python(self, value: Any) -> Any:
        users = getattr(self, "_users", None)
        if users is None or value in self.empty_values:
            return super().to_python(value)
        try:
            return users[str(value)]
        except KeyError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


def _reason() -> forms.CharField:
    return forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    reason = _reason()

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in CaseStatus.choices if value != case.status
        ]


class LeadForm(forms.Form):
    lead_organisation = ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.filter(active=True)
    )
    case_director = UserChoiceField(label=_("Case director"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_director"].queryset = possible_owners(case)  # type: ignore[attr-defined]


class ParticipantForm(forms.Form):
    user = UserChoiceField(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        present = case.participants.filter(left_on__isnull=True).values("user_id")
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True,
                memberships__active=True,
                memberships__role__group__permissions__codename="view_cases",
            )
            .exclude(pk__in=present)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Life domain"), choices=LifeDomain.choices)
    description = forms.CharField(
        label=_("What is to be done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = UserChoiceField(label=_("Who does it"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    due_on = forms.DateField(label=_("By"), widget=DateInput())
    visibility = forms.ChoiceField(label=_("Shared with"), choices=Visibility.choices)

    def __init__(self, *args: Any, case: Case, veilig_thuis: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = possible_owners(case)  # type: ignore[attr-defined]
        self.fields["starts_on"].initial = timezone.localdate()
        if not veilig_thuis:
            self.fields["visibility"].choices = [(Visibility.PARTICIPANTS, Visibility.PARTICIPANTS.label)]  # type: ignore[attr-defined]


class GoalUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    due_on = forms.DateField(label=_("By"), widget=DateInput())


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5}))
    visibility = forms.ChoiceField(label=_("Shared with"), choices=Visibility.choices)

    def __init__(self, *args: Any, veilig_thuis: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not veilig_thuis:
            self.fields["visibility"].choices = [(Visibility.PARTICIPANTS, Visibility.PARTICIPANTS.label)]  # type: ignore[attr-defined]


class MeasureForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=32)
    # Initial values, so that an untouched empty row counts as unchanged (and is skipped).
    term = forms.ChoiceField(label=_("When"), choices=MeasureTerm.choices, initial=MeasureTerm.TODAY)
    description = forms.CharField(label=_("Measure or agreement"), max_length=2000)
    owner = UserChoiceField(label=_("Owner"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"), choices=MeasureStatus.choices, initial=MeasureStatus.PLANNED
    )
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args: Any, owners: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(UserChoiceField, self.fields["owner"]).use(owners)


class BaseMeasureFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        owners = self.form_kwargs["owners"]
        if not isinstance(owners, list):  # read once for all the forms
            owners = self.form_kwargs["owners"] = list(owners)
        return {**super().get_form_kwargs(index), "owners": owners}


MeasureFormSet = forms.formset_factory(MeasureForm, formset=BaseMeasureFormSet, extra=3, max_num=60)


class PlanForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = forms.CharField(label=_("What changed (optional)"), max_length=500, required=False)


class AgreementForm(forms.Form):
    party = forms.ChoiceField(label=_("Who agreed"))
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DateInput())

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        family = [(f"p:{m.person_id}", f"{m.person} ({m.get_role_display()})") for m in case.members.all()]
        workers = [(f"u:{u.pk}", u.display_name) for u in possible_owners(case)]
        self.fields["party"].choices = [(_("Family"), family), (_("Participants"), workers)]  # type: ignore[attr-defined]
        self.fields["agreed_on"].initial = timezone.localdate()


class FollowUpForm(forms.Form):
    family_safe = forms.TypedChoiceField(
        label=_("Is the family safe?"),
        choices=[("yes", _("Yes, safe")), ("no", _("No, not safe"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=20_000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
