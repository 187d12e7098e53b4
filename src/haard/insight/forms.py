"""The filters of the insight pages and API operations: one validation for both, so that a
bad value gets the same message, naming the field, in a page and in a 422 problem."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from haard.core.forms import ModelChoiceField
from haard.core.models import District, Municipality, Neighbourhood
from haard.insight.periods import Period
from haard.intake.models import ReportSource, ViolenceType

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]
DEFAULT_PERIOD_MONTHS = 12
FIRST_YEAR, LAST_YEAR = 1900, 2100  # beyond these, month arithmetic and time zones run out

# A source filter is either the police feed (police incidents) or one source of the
# Veilig Thuis reports.
POLICE_FEED = "police_incident"
SOURCE_CHOICES: list[tuple[str, Any]] = [
    ("", _("All sources")),
    (POLICE_FEED, _("Police incidents (police feed)")),
    *[
        (value, format_lazy("{}: {}", _("Veilig Thuis report"), label))
        for value, label in ReportSource.choices
    ],
]

SORT_COLOUR, SORT_INCIDENTS, SORT_RECENT = "colour", "incidents", "recent"
SORT_CHOICES = [
    (SORT_COLOUR, _("Colour, most severe first")),
    (SORT_INCIDENTS, _("Number of incidents, most first")),
    (SORT_RECENT, _("Most recent incident first")),
]

LIST_MATCHED = "matched"
LIST_POLICE_ONLY = "police_only"
LIST_MATCHED_REPORTS = "matched_reports"
LIST_VT_ONLY = "vt_only"
LIST_CHOICES = [
    (LIST_MATCHED, _("Police incidents that reached Veilig Thuis")),
    (LIST_POLICE_ONLY, _("Police incidents only at the police")),
    (LIST_MATCHED_REPORTS, _("Veilig Thuis reports that match a police incident")),
    (LIST_VT_ONLY, _("Veilig Thuis reports only at Veilig Thuis")),
]


def _parse_date(raw: Any) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(str(raw), pattern).date()
        except ValueError:
            continue
    return None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """A municipality (by CBS code) and a period of whole days, by default the last 12 months."""

    municipality = ModelChoiceField(
        queryset=Municipality.objects.order_by("name"),
        to_field_name="code",
        required=False,
        label=_("Municipality"),
        empty_label=None,
        error_messages={"invalid_choice": _("No municipality has this code.")},
    )
    since = forms.DateField(label=_("From"), required=False, input_formats=DATE_FORMATS, widget=DateInput())
    until = forms.DateField(
        label=_("Up to and including"), required=False, input_formats=DATE_FORMATS, widget=DateInput()
    )

    def __init__(self, data: Any = None, *, default_municipality: Municipality | None = None) -> None:
        if data is not None:
            # Defaults go into the data, so that the form shows the period it applied.
            data = data.copy()
            if default_municipality is not None and not data.get("municipality"):
                data["municipality"] = default_municipality.code
            if not data.get("until"):
                data["until"] = timezone.localdate().isoformat()
            until = _parse_date(data["until"])
            if not data.get("since") and until is not None and FIRST_YEAR <= until.year <= LAST_YEAR:
                data["since"] = Period.last_months(DEFAULT_PERIOD_MONTHS, until=until).since.isoformat()
        super().__init__(data)

    def municipality_code(self) -> str:
        return str(self.data.get("municipality") or "") if self.is_bound else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("municipality") and "municipality" not in self.errors:
            self.add_error("municipality", _("Choose a municipality."))
        for name in ("since", "until"):
            day = cleaned.get(name)
            if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(name, _("Choose a date between 1900 and 2100."))
        if "since" in self.errors or "until" in self.errors:
            return cleaned
        until = cleaned.get("until") or Period.last_months(DEFAULT_PERIOD_MONTHS).until
        since = cleaned.get("since") or Period.last_months(DEFAULT_PERIOD_MONTHS, until=until).since
        if since > until:
            self.add_error("since", _("The start of the period lies after its end."))
            return cleaned
        cleaned["since"], cleaned["until"] = since, until
        cleaned["period"] = Period(since=since, until=until)
        return cleaned


class NeighbourhoodChoice(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.district.name} – {obj.name}"


class AddressFilterForm(PeriodForm):
    district = ModelChoiceField(
        queryset=District.objects.none(),
        to_field_name="code",
        required=False,
        label=_("District (wijk)"),
        empty_label=_("All districts"),
        error_messages={"invalid_choice": _("This municipality has no district with this code.")},
    )
    neighbourhood = NeighbourhoodChoice(
        queryset=Neighbourhood.objects.none(),
        to_field_name="code",
        required=False,
        label=_("Neighbourhood (buurt)"),
        empty_label=_("All neighbourhoods"),
        error_messages={"invalid_choice": _("This municipality has no neighbourhood with this code.")},
    )
    violence_type = ModelChoiceField(
        queryset=ViolenceType.objects.filter(active=True),
        to_field_name="code",
        required=False,
        label=_("Violence"),
        empty_label=_("All forms of violence"),
        help_text=_("Police incidents carry no form of violence: this filter shows Veilig Thuis reports."),
        error_messages={"invalid_choice": _("No form of violence has this code.")},
    )
    source = forms.ChoiceField(choices=SOURCE_CHOICES, required=False, label=_("Source"))
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, label=_("Sort by"))

    def __init__(self, data: Any = None, *, default_municipality: Municipality | None = None) -> None:
        super().__init__(data, default_municipality=default_municipality)
        code = self.municipality_code()
        district_field = cast(forms.ModelChoiceField, self.fields["district"])
        neighbourhood_field = cast(forms.ModelChoiceField, self.fields["neighbourhood"])
        district_field.queryset = District.objects.filter(municipality__code=code).order_by("name")
        neighbourhood_field.queryset = (
            Neighbourhood.objects.filter(district__municipality__code=code)
            .select_related("district")
            .order_by("district__name", "name")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        district, neighbourhood = cleaned.get("district"), cleaned.get("neighbourhood")
        if district and neighbourhood and neighbourhood.district_id != district.pk:
            self.add_error("neighbourhood", _("This neighbourhood lies in another district."))
        cleaned["sort"] = cleaned.get("sort") or SORT_COLOUR
        return cleaned


class AddressFiguresForm(AddressFilterForm):
    """The same filters without the sort order: figures are per neighbourhood."""

    sort = None  # type: ignore[assignment]


class ReconciliationForm(PeriodForm):
    show = forms.ChoiceField(choices=LIST_CHOICES, required=False, label=_("List"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["show"] = cleaned.get("show") or LIST_MATCHED
        return cleaned
