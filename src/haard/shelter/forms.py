"""Forms for the shelter pages. They check the shape of the input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haard.core.forms import ModelChoiceField
from haard.core.models import Region
from haard.registry.models import Gender
from haard.shelter.models import (
    DepartureDestination,
    Facility,
    FacilityType,
    Priority,
    SafetyGround,
    WaitingListEntry,
)
from haard.shelter.services import NewPerson

MAX_CHILDREN = 4


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CapacityFilterForm(forms.Form):
    region = ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("name"), required=False)
    type = forms.ChoiceField(
        label=_("Facility type"), choices=[("", _("All types")), *FacilityType.choices], required=False
    )


class _PersonFields(forms.Form):
    first_names = forms.CharField(label=_("First names"), max_length=200, required=False)
    surname = forms.CharField(label=_("Surname"), max_length=200, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.FEMALE)
    case_reference = forms.CharField(
        label=_("Case reference (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only a case you work on can be linked."),
    )

    def new_person(self) -> NewPerson | None:
        data = self.cleaned_data
        if not data.get("surname"):
            return None
        return NewPerson(
            first_names=data.get("first_names", ""),
            surname=data["surname"],
            birth_date=data.get("birth_date"),
            gender=data.get("gender") or Gender.OTHER,
        )


class PlacementForm(_PersonFields):
    waiting_entry = ModelChoiceField(
        label=_("From the waiting list"),
        queryset=WaitingListEntry.objects.none(),
        required=False,
        help_text=_("Or leave this empty and name the adult below."),
    )
    arrived_on = forms.DateField(label=_("Arrived on"), widget=DateInput())
    planned_departure_on = forms.DateField(label=_("Planned departure"), required=False, widget=DateInput())

    field_order = ["waiting_entry", "first_names", "surname", "birth_date", "gender", "arrived_on"]

    def __init__(self, *args: Any, waiting: list[WaitingListEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["arrived_on"].initial = timezone.localdate()
        field = self.fields["waiting_entry"]
        field.queryset = WaitingListEntry.objects.filter(pk__in=[e.pk for e in waiting])  # type: ignore[attr-defined]
        labels = {e.pk: f"{e.person} ({e.get_priority_display()})" for e in waiting}
        field.label_from_instance = lambda entry: labels.get(entry.pk, str(entry.pk))  # type: ignore[attr-defined]
        for index in range(1, MAX_CHILDREN + 1):
            self.fields[f"child_{index}_first_names"] = forms.CharField(
                label=_("Child %(n)d: first names") % {"n": index}, max_length=200, required=False
            )
            self.fields[f"child_{index}_surname"] = forms.CharField(
                label=_("Child %(n)d: surname") % {"n": index},
                max_length=200,
                required=False,
                help_text=_("Leave empty for the adult's surname."),
            )
            self.fields[f"child_{index}_birth_date"] = forms.DateField(
                label=_("Child %(n)d: date of birth") % {"n": index}, required=False, widget=DateInput()
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("waiting_entry") and not data.get("surname"):
            self.add_error("surname", _("Name the adult, or choose someone from the waiting list."))
        if data.get("waiting_entry") and data.get("surname"):
            self.add_error("surname", _("Choose from the waiting list or name a new person, not both."))
        return data

    def children(self) -> list[NewPerson]:
        data = self.cleaned_data
        entry = data.get("waiting_entry")
        family_name = data.get("surname") or (entry.person.surname if entry else "")
        result = []
        for index in range(1, MAX_CHILDREN + 1):
            first = data.get(f"child_{index}_first_names", "")
            surname = data.get(f"child_{index}_surname", "")
            born = data.get(f"child_{index}_birth_date")
            if first or surname or born:
                result.append(NewPerson(first_names=first, surname=surname or family_name, birth_date=born))
        return result


class WaitingEntryForm(_PersonFields):
    children = forms.IntegerField(label=_("Children coming along"), min_value=0, max_value=20, initial=0)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    reason = forms.CharField(
        label=_("Reason for the priority"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("surname"):
            self.add_error("surname", _("A surname is needed."))
        return data


class DepartureForm(forms.Form):
    departed_on = forms.DateField(label=_("Departed on"), widget=DateInput())
    destination = forms.ChoiceField(
        label=_("Destination"),
        choices=[
            (value, label)
            for value, label in DepartureDestination.choices
            if value != DepartureDestination.OTHER_SHELTER
        ],
    )
    destination_note = forms.CharField(label=_("Destination, details"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departed_on"].initial = timezone.localdate()


class FacilityChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        free = max(obj.adult_places - obj.adult_occupied, 0), max(obj.child_places - obj.child_occupied, 0)
        return str(
            _("%(name)s (%(region)s): %(adult)d adult, %(child)d child places free")
            % {"name": obj.name, "region": obj.region, "adult": free[0], "child": free[1]}
        )


class MoveForm(forms.Form):
    to_facility = FacilityChoiceField(label=_("Move to"), queryset=Facility.objects.none())
    moved_on = forms.DateField(label=_("Moved on"), widget=DateInput())

    def __init__(self, *args: Any, facilities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_facility"].queryset = facilities  # type: ignore[attr-defined]
        self.fields["moved_on"].initial = timezone.localdate()


class ReferralForm(forms.Form):
    to_facility = FacilityChoiceField(label=_("Facility in another region"), queryset=Facility.objects.none())
    ground = forms.ChoiceField(label=_("Safety ground"), choices=SafetyGround.choices)
    reason = forms.CharField(
        label=_("Why safety requires a place in another region"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, facilities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_facility"].queryset = facilities  # type: ignore[attr-defined]
