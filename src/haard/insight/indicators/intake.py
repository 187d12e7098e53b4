"""Indicators over Veilig Thuis' reports and advice requests (intake)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear, TruncMonth
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from haard.insight.indicators import Indicator, MonthlyCount, _month, monthly, register, since_filter
from haard.intake.models import (
    InvolvementRole,
    RepeatClass,
    Report,
    ReportKind,
    ReportPerson,
    ReportSource,
    ViolenceType,
)
from haard.registry.models import Gender

UNKNOWN = "unknown"
MUNICIPALITY = "municipality_id"
NEIGHBOURHOOD = "incident_address__neighbourhood_id"
WHERE = _(
    "in the municipality recorded on the report and the neighbourhood of its incident address "
    "(none when the address is unknown)"
)
RECEIVED = _("The date Veilig Thuis received the report or advice request.")

# Age groups at the report, as (key, label, lowest age, highest age).
AGE_GROUPS = [
    ("0-3", _("0 to 3 years"), 0, 3),
    ("4-11", _("4 to 11 years"), 4, 11),
    ("12-17", _("12 to 17 years"), 12, 17),
    ("18-29", _("18 to 29 years"), 18, 29),
    ("30-44", _("30 to 44 years"), 30, 44),
    ("45-64", _("45 to 64 years"), 45, 64),
    ("65+", _("65 years and older"), 65, 200),
]
CHILD_ROLES = [InvolvementRole.CHILD_IN_HOUSEHOLD, InvolvementRole.CHILD_WITNESS]
VICTIM_UNDER_18 = "victim_under_18"


def _where(text: Any) -> Any:
    return format_lazy(text, where=WHERE)


def _choices(choices: Any) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in choices]


def _violence_types() -> list[tuple[str, str]]:
    return [(v.code, str(v)) for v in ViolenceType.objects.order_by("order", "code")] + [
        (UNKNOWN, str(_("not recorded")))
    ]


def _reports(field: str, since: date | None, **filters: object) -> Iterator[MonthlyCount]:
    return monthly(
        Report.objects.filter(**filters),
        since=since,
        moment="received_at",
        municipality=MUNICIPALITY,
        neighbourhood=NEIGHBOURHOOD,
        category=field,
        label=lambda value: value or UNKNOWN,
    )


def _by_violence(since: date | None) -> Iterator[MonthlyCount]:
    return monthly(
        Report.objects.all(),
        since=since,
        moment="received_at",
        municipality=MUNICIPALITY,
        neighbourhood=NEIGHBOURHOOD,
        category="violence_types__code",
        label=lambda value: value or UNKNOWN,
        distinct="pk",
    )


def age_group(age: int | None) -> str:
    if age is None or age < 0:
        return UNKNOWN
    for key, _label, low, high in AGE_GROUPS:
        if low <= age <= high:
            return key
    return UNKNOWN


def _victim_ages(since: date | None) -> Iterator[tuple[MonthlyCount, int | None]]:
    """Victim involvements grouped by month, area and birth year and month; with the age in
    whole years in the month of the report (a birthday in that month counts as passed)."""
    grouped = (
        since_filter(ReportPerson.objects.filter(role=InvolvementRole.VICTIM), "report__received_at", since)
        .annotate(
            _month=TruncMonth("report__received_at"),
            _by=ExtractYear("person__birth_date"),
            _bm=ExtractMonth("person__birth_date"),
        )
        .values(
            "_month", "report__municipality_id", "report__incident_address__neighbourhood_id", "_by", "_bm"
        )
        .annotate(_n=Count("pk"))
        .order_by()
    )
    for row in grouped.iterator(chunk_size=5_000):
        month = _month(row["_month"])
        age = None
        if row["_by"] is not None:
            age = month.year - row["_by"] - (1 if month.month < row["_bm"] else 0)
        yield (
            MonthlyCount(
                month,
                row["report__municipality_id"],
                row["report__incident_address__neighbourhood_id"],
                "",
                row["_n"],
            ),
            age,
        )


def _by_age(since: date | None) -> Iterator[MonthlyCount]:
    for row, age in _victim_ages(since):
        yield row._replace(category=age_group(age))


def _children(since: date | None) -> Iterator[MonthlyCount]:
    yield from monthly(
        ReportPerson.objects.filter(role__in=CHILD_ROLES),
        since=since,
        moment="report__received_at",
        municipality="report__municipality_id",
        neighbourhood="report__incident_address__neighbourhood_id",
        category="role",
    )
    under_18: Counter[tuple[date, int, int | None]] = Counter()
    for row, age in _victim_ages(since):
        if age is not None and 0 <= age < 18:
            under_18[(row.month, row.municipality_id, row.neighbourhood_id)] += row.number
    for (month, municipality, neighbourhood), n in under_18.items():
        yield MonthlyCount(month, municipality, neighbourhood, VICTIM_UNDER_18, n)


def _intake(
    key: str,
    *,
    label: Any,
    unit: Any,
    definition: Any,
    rule: Any,
    collect: Callable[[date | None], Iterable[MonthlyCount]],
    categories: Callable[[], list[tuple[str, str]]],
) -> None:
    """Register an intake indicator: placed in the month Veilig Thuis received the report, and
    in its municipality and neighbourhood (`rule` says so where it has `{where}`)."""
    register(
        Indicator(
            key=key,
            domain="intake",
            label=label,
            unit=unit,
            definition=definition,
            date_rule=RECEIVED,
            rule=_where(rule),
            collect=collect,
            categories=categories,
        )
    )


def _reports_by(
    key: str,
    field: str,
    choices: Any,
    *,
    label: Any,
    unit: Any,
    definition: Any,
    rule: Any,
    filters: Mapping[str, object] | None = None,
) -> None:
    """Register an intake indicator that counts the reports (those matching `filters`) under
    their value of the choice field `field`."""
    _intake(
        key,
        label=label,
        unit=unit,
        definition=definition,
        rule=rule,
        collect=lambda since: _reports(field, since, **(filters or {})),
        categories=lambda: _choices(choices),
    )


_reports_by(
    "contacts_by_kind",
    "kind",
    ReportKind.choices,
    label=_("Reports and advice requests"),
    unit=_("reports and advice requests"),
    definition=_("Every report (melding) and advice request (advies) Veilig Thuis received, by kind."),
    rule=_("Each report or advice request counts once, {where}."),
)

_reports_by(
    "contacts_by_source",
    "source",
    ReportSource.choices,
    label=_("Reports and advice requests by source"),
    unit=_("reports and advice requests"),
    definition=_("Every report and advice request Veilig Thuis received, by who made it."),
    rule=_("Each report or advice request counts once, under its one source, {where}."),
)

_reports_by(
    "reports_by_source",
    "source",
    ReportSource.choices,
    filters={"kind": ReportKind.REPORT},
    label=_("Reports by source"),
    unit=_("reports"),
    definition=_("Reports (not advice requests) Veilig Thuis received, by who made them."),
    rule=_("Each report counts once, under its one source, {where}."),
)

_intake(
    "contacts_by_violence",
    label=_("Reports and advice requests by form of violence"),
    unit=_("reports and advice requests"),
    definition=_("Every report and advice request, by the forms of violence recorded on it."),
    rule=_(
        "A report with two forms of violence counts under both, so the forms add up to more "
        "than the number of reports; a report without a recorded form counts as 'not recorded'; "
        "{where}."
    ),
    collect=_by_violence,
    categories=_violence_types,
)

_reports_by(
    "reports_by_repeat",
    "repeat_class",
    RepeatClass.choices,
    filters={"kind": ReportKind.REPORT},
    label=_("First, repeat and during-involvement reports"),
    unit=_("reports"),
    definition=_(
        "Reports (not advice requests) as CBS counts them: a first report, a repeat report "
        "(hermelding), or a report while Veilig Thuis was already involved with the family."
    ),
    rule=_(
        "The class is set when the report is registered, by the repeat rule of the intake "
        "(the family's earlier reports and whether one was still open); {where}."
    ),
)

_intake(
    "victims_by_age",
    label=_("Victims by age group"),
    unit=_("victims"),
    definition=_("The people recorded as victim in a report or advice request, by age group."),
    rule=_(
        "A victim counts once per report (a person in two reports counts twice); age is in "
        "whole years in the month of the report; without a date of birth: 'unknown'; {where}."
    ),
    collect=_by_age,
    categories=lambda: (
        [(k, str(label)) for k, label, _low, _high in AGE_GROUPS] + [(UNKNOWN, str(_("age unknown")))]
    ),
)

_intake(
    "victims_by_gender",
    label=_("Victims by gender"),
    unit=_("victims"),
    definition=_("The people recorded as victim in a report or advice request, by gender."),
    rule=_("A victim counts once per report (a person in two reports counts twice); {where}."),
    collect=lambda since: monthly(
        ReportPerson.objects.filter(role=InvolvementRole.VICTIM),
        since=since,
        moment="report__received_at",
        municipality="report__municipality_id",
        neighbourhood="report__incident_address__neighbourhood_id",
        category="person__gender",
        label=lambda value: value or UNKNOWN,
    ),
    categories=lambda: _choices(Gender.choices) + [(UNKNOWN, str(_("not recorded")))],
)

_intake(
    "children_involved",
    label=_("Children involved"),
    unit=_("children"),
    definition=_(
        "Children in a report or advice request: recorded as a child in the household, as a "
        "child witness, or as a victim under 18."
    ),
    rule=_("A child counts once per report and role (a child in two reports counts twice); {where}."),
    collect=_children,
    categories=lambda: [
        (InvolvementRole.CHILD_IN_HOUSEHOLD.value, str(InvolvementRole.CHILD_IN_HOUSEHOLD.label)),
        (InvolvementRole.CHILD_WITNESS.value, str(InvolvementRole.CHILD_WITNESS.label)),
        (VICTIM_UNDER_18, str(_("victim under 18"))),
    ],
)
