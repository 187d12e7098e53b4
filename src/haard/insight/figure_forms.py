"""The filters of the indicator pages, the area scan, the statistics export and their API
operations: one validation, so that a bad value gets the same message, naming the field, on a
page and in a 422 problem."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from haard.core.forms import ModelChoiceField
from haard.core.models import Municipality
from haard.insight import figures
from haard.insight.figures import GRANULARITIES, Months, current_month
from haard.insight.indicators import all_indicators, get
from haard.insight.periods import add_months

MAX_MONTHS = 240
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


def parse_month(raw: Any) -> date | None:
    for pattern in MONTH_FORMATS:
        try:
            return datetime.strptime(str(raw).strip(), pattern).date().replace(day=1)
        except ValueError:
            continue
    return None


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2025-03."), code="invalid")
        return month


def _indicator_choices() -> list[tuple[str, str]]:
    return [(i.key, str(i.label)) for i in all_indicators()]


class MonthsForm(forms.Form):
    """A period of whole months, by default the twelve up to and including this month."""

    since = MonthField(label=_("From month"), required=False)
    until = MonthField(label=_("Up to and including month"), required=False)
    granularity = forms.ChoiceField(choices=GRANULARITIES, required=False, label=_("Per"))

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            default = Months.last_twelve()
            if not data.get("until"):
                data["until"] = f"{default.last:%Y-%m}"
            until = parse_month(data["until"])
            if not data.get("since") and until is not None and until.year >= 2000:
                data["since"] = f"{add_months(until, -11):%Y-%m}"
            if not data.get("granularity"):
                data["granularity"] = figures.MONTH
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if "since" in self.errors or "until" in self.errors or since is None or until is None:
            return cleaned
        now = current_month()
        if until > now:
            self.add_error(
                "until",
                _("The period cannot end in the future: choose %(month)s or earlier.")
                % {"month": f"{now:%Y-%m}"},
            )
        if since < figures.FIRST_MONTH:
            self.add_error("since", _("Choose a month from 2000-01 onwards."))
        if since > until:
            self.add_error("since", _("The start of the period lies after its end."))
        elif len(Months(since, until).months()) > MAX_MONTHS:
            self.add_error("since", _("Choose a period of at most 20 years."))
        if not self.errors:
            cleaned["months"] = Months(first=since, last=until)
        return cleaned


class IndicatorForm(MonthsForm):
    """An indicator table: an area (CBS code or 'region'), rows per period or smaller area."""

    area = forms.CharField(
        label=_("Area"),
        required=False,
        max_length=12,
        help_text=_("'region', or a CBS code: municipality GM…, district WK…, neighbourhood BU…"),
    )
    by = forms.ChoiceField(
        label=_("Rows"),
        required=False,
        choices=[
            (figures.PERIOD, _("per period")),
            (figures.MUNICIPALITY, _("per municipality")),
            (figures.DISTRICT, _("per district")),
            (figures.NEIGHBOURHOOD, _("per neighbourhood")),
        ],
    )

    field_order = ["area", "by", "since", "until", "granularity"]

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            data["area"] = data.get("area") or figures.REGION
            data["by"] = data.get("by") or figures.PERIOD
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        code = cleaned.get("area") or figures.REGION
        area = figures.find_area(code)
        if area is None:
            self.add_error("area", _("No area has the code %(code)s.") % {"code": code})
            return cleaned
        cleaned["area_found"] = area
        by = cleaned.get("by") or figures.PERIOD
        if by not in figures.allowed_breakdowns(area):
            self.add_error(
                "by",
                _("A %(level)s has no rows of this kind: choose a smaller area or per period.")
                % {"level": figures.LEVEL_LABELS[area.level]},
            )
        cleaned["by"] = by
        return cleaned


class AreaScanForm(MonthsForm):
    municipality = ModelChoiceField(
        queryset=Municipality.objects.order_by("name"),
        to_field_name="code",
        required=False,
        label=_("Municipality"),
        empty_label=None,
        error_messages={"invalid_choice": _("No municipality has this code.")},
    )
    indicator = forms.ChoiceField(label=_("Indicator"), required=False, choices=())
    category = forms.CharField(label=_("Category"), required=False, max_length=60)

    field_order = ["municipality", "indicator", "category", "since", "until", "granularity"]

    def __init__(
        self, data: Any = None, *, default_municipality: Municipality | None = None, **kwargs: Any
    ) -> None:
        choices = _indicator_choices()
        if data is not None:
            data = data.copy()
            if not data.get("municipality") and default_municipality is not None:
                data["municipality"] = default_municipality.code
            if not data.get("indicator") and choices:
                data["indicator"] = choices[0][0]
        super().__init__(data, **kwargs)
        indicator_field = cast(forms.ChoiceField, self.fields["indicator"])
        indicator_field.choices = choices
        indicator = get(str(self.data.get("indicator") or "")) if self.is_bound else None
        category_choices: list[tuple[str, Any]] = [("", _("All categories (total)"))]
        if indicator is not None:
            category_choices += indicator.category_labels() if len(indicator.category_labels()) > 1 else []
        self.fields["category"] = forms.ChoiceField(
            label=_("Category"),
            required=False,
            choices=category_choices,
            error_messages={"invalid_choice": _("This indicator has no such category.")},
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("municipality") and "municipality" not in self.errors:
            self.add_error("municipality", _("Choose a municipality."))
        indicator = get(cleaned.get("indicator") or "")
        if indicator is None and "indicator" not in self.errors:
            self.add_error("indicator", _("No indicator has this key."))
        cleaned["indicator_found"] = indicator
        cleaned["category"] = cleaned.get("category") or None
        return cleaned


HALVES = [(1, _("first half (January – June)")), (2, _("second half (July – December)"))]


class StatisticsForm(forms.Form):
    """A half year, as CBS publishes the Veilig Thuis figures."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("Half year"), choices=HALVES, coerce=int, required=False)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            last = add_months(current_month(), -6)
            if not data.get("year"):
                data["year"] = str(last.year)
            if not data.get("half"):
                data["half"] = "1" if last.month <= 6 else "2"
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        year, half = cleaned.get("year"), cleaned.get("half")
        if year is None or half is None or self.errors:
            return cleaned
        first = date(year, 1 if half == 1 else 7, 1)
        last = add_months(first, 5)
        if first > current_month():
            self.add_error("year", _("This half year has not begun yet."))
            return cleaned
        cleaned["months"] = Months(first=first, last=min(last, current_month()))
        cleaned["complete"] = last < current_month()
        return cleaned
