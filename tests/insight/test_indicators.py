"""The indicator set: what each indicator counts after a refresh, per area and period, and how
a domain adds an indicator."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from haard.cases.models import Case, CaseStatus
from haard.insight import figures
from haard.insight.figures import Months
from haard.insight.indicators import _REGISTRY as REGISTRY
from haard.insight.indicators import ALL, Indicator, MonthlyCount, all_indicators, get, register
from haard.insight.models import FigureCount, FigureRefresh
from haard.insight.summary import refresh_figures
from haard.intake.models import InvolvementRole, RepeatClass, ReportKind, ReportPerson, ReportSource
from haard.registry.models import Gender
from tests.factories import HouseholdFactory, PersonFactory, TeamFactory
from tests.insight.conftest import Area
from tests.insight.factories import make_incident, make_report

pytestmark = pytest.mark.django_db


def _sum(indicator: str, **filters: object) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in FigureCount.objects.filter(indicator=indicator, **filters):
        found[row.category] = found.get(row.category, 0) + row.count
    return found


def _this_month_at(day: int = 2) -> timezone.datetime:
    today = timezone.localdate()
    return timezone.make_aware(timezone.datetime(today.year, today.month, min(day, today.day), 12, 0))


def test_refresh_counts_reports_people_incidents_and_cases(area: Area) -> None:
    at = _this_month_at()
    home = area.address(area.north_a)
    child = PersonFactory(birth_date=at.date() - timedelta(days=365 * 7), gender=Gender.FEMALE)
    adult = PersonFactory(birth_date=date(1980, 1, 1), gender=Gender.MALE)
    first = make_report(
        address=home, at=at, source=ReportSource.POLICE, violence=("physical", "psychological")
    )
    ReportPerson.objects.create(report=first, person=adult, role=InvolvementRole.VICTIM)
    ReportPerson.objects.create(report=first, person=child, role=InvolvementRole.VICTIM)
    ReportPerson.objects.create(report=first, person=child, role=InvolvementRole.CHILD_WITNESS)
    make_report(
        address=None,
        municipality=area.municipality,
        at=at,
        kind=ReportKind.ADVICE,
        source=ReportSource.CITIZEN,
    )
    repeat = make_report(address=area.address(area.south_a), at=at, source=ReportSource.PROFESSIONAL)
    type(repeat).objects.filter(pk=repeat.pk).update(repeat_class=RepeatClass.REPEAT)
    incident = make_incident(address=home, at=at)
    first.police_incident = incident
    first.save()
    make_incident(address=home, at=at, forwarded=True)
    make_incident(address=home, at=at, reason="Onvoldoende informatie")
    household = HouseholdFactory(address=home)
    team = TeamFactory()
    Case.objects.create(
        reference="T-FIG1",
        household=household,
        municipality=area.municipality,
        owning_team=team,
        lead_organisation=team.organisation,
        opened_on=at.date(),
    )
    Case.objects.create(
        reference="T-FIG2",
        household=household,
        municipality=area.municipality,
        owning_team=team,
        lead_organisation=team.organisation,
        opened_on=at.date() - timedelta(days=400),
        closed_on=at.date(),
        status=CaseStatus.CLOSED,
    )

    result = refresh_figures()

    assert result.rows == FigureCount.objects.count() > 0
    assert FigureRefresh.objects.count() == 1
    assert _sum("contacts_by_kind") == {"report": 2, "advice": 1}
    assert _sum("contacts_by_source") == {"police": 1, "citizen": 1, "professional": 1}
    assert _sum("reports_by_source") == {"police": 1, "professional": 1}
    assert _sum("contacts_by_violence") == {"physical": 3, "psychological": 1}
    assert _sum("reports_by_repeat") == {"first": 1, "repeat": 1}
    assert _sum("victims_by_gender") == {"m": 1, "f": 1}
    assert _sum("victims_by_age") == {"4-11": 1, "45-64" if at.year - 1980 >= 45 else "30-44": 1}
    assert _sum("children_involved") == {"child_witness": 1, "victim_under_18": 1}
    assert _sum("police_incidents_by_outcome") == {"linked": 1, "forwarded_unlinked": 1, "not_forwarded": 1}
    assert _sum("cases_opened") == {ALL: 2}
    assert _sum("cases_closed") == {ALL: 1}
    # The advice request without an address counts in the municipality, in no neighbourhood.
    assert _sum("contacts_by_kind", neighbourhood__isnull=True) == {"advice": 1}
    assert _sum("contacts_by_kind", neighbourhood=area.south_a) == {"report": 1}


def test_a_refresh_replaces_the_figures(area: Area) -> None:
    make_report(address=area.address(), at=_this_month_at())
    refresh_figures()
    make_report(address=area.address(), at=_this_month_at())
    out = StringIO()
    call_command("refresh_figures", stdout=out)
    assert _sum("contacts_by_kind") == {"report": 2}
    assert "rows in" in out.getvalue()
    assert FigureRefresh.objects.count() == 2


def test_the_command_can_queue_the_background_task(area: Area) -> None:
    out = StringIO()
    call_command("refresh_figures", "--enqueue", "--months", "3", stdout=out)
    assert "Queued the refresh" in out.getvalue()
    with pytest.raises(CommandError, match="1 or more"):
        call_command("refresh_figures", "--months", "0")


def test_a_refresh_of_recent_months_keeps_older_figures(area: Area) -> None:
    old = timezone.now() - timedelta(days=200)
    make_report(address=area.address(), at=old)
    make_report(address=area.address(), at=_this_month_at())
    refresh_figures()
    make_report(address=area.address(), at=_this_month_at())
    type(make_report(address=area.address(), at=old)).objects.filter(received_at=old).delete()
    call_command("refresh_figures", "--months", "2", stdout=StringIO())
    assert _sum("contacts_by_kind") == {"report": 3}  # the older month kept its count of 1
    call_command("refresh_figures", stdout=StringIO())
    assert _sum("contacts_by_kind") == {"report": 2}


def test_a_table_per_quarter_and_year_and_per_area(area: Area) -> None:
    today = timezone.localdate()
    months = Months.last_twelve()
    for month in months.months()[-3:]:
        make_report(
            address=area.address(area.north_a),
            at=timezone.make_aware(timezone.datetime(month.year, month.month, 1, 12)),
        )
    make_report(address=area.address(area.south_a), at=_this_month_at())
    refresh_figures()
    indicator = get("contacts_by_kind")
    assert indicator is not None
    municipality = figures.find_area(area.municipality.code)
    assert municipality is not None

    per_year = figures.figure_table(
        indicator=indicator, area=municipality, months=months, by="period", granularity="year"
    )
    assert [h.label for h in per_year.heads] == sorted({str(m.year) for m in months.months()})
    per_quarter = figures.figure_table(
        indicator=indicator, area=municipality, months=months, by="period", granularity="quarter"
    )
    assert len(per_quarter.heads) in (4, 5)
    assert per_quarter.heads[-1].key == f"{today.year}-Q{(today.month - 1) // 3 + 1}"

    per_district = figures.figure_table(indicator=indicator, area=municipality, months=months, by="district")
    assert [h.label for h in per_district.heads] == [f"{d.name} ({d.code})" for d in (area.north, area.south)]
    assert per_district.heads[0].population == 1200

    region = figures.find_area("region")
    assert region is not None and region.level == "region"
    per_municipality = figures.figure_table(
        indicator=indicator, area=region, months=months, by="municipality"
    )
    assert per_municipality.heads[0].label.startswith(area.municipality.name)

    neighbourhood = figures.find_area(area.north_a.code)
    assert neighbourhood is not None
    alone = figures.figure_table(
        indicator=indicator, area=neighbourhood, months=months, by="period", granularity="year"
    )
    assert sum(c.number or 0 for line in alone.protected.cells for c in line) in (0, 3)  # hidden or all three
    with pytest.raises(ValueError, match="no rows per"):
        figures.figure_table(indicator=indicator, area=neighbourhood, months=months, by="district")


def test_unknown_areas_are_none(area: Area) -> None:
    assert figures.find_area("GM0000") is None
    assert figures.find_area("XX12") is None
    assert figures.find_area("") is None
    assert figures.find_area(area.south.code).level == "district"  # type: ignore[union-attr]


def test_population_zero_gives_no_rate() -> None:
    with translation.override("en"):
        assert figures.per_thousand(12, 0) == "no population figure"
        assert figures.per_thousand(12, None) == "no population figure"
    assert figures.per_thousand(None, 1000) == "x"
    assert figures.per_thousand(12, 1000) == "12.0"


def test_a_domain_adds_an_indicator_with_one_definition(area: Area) -> None:
    month = timezone.localdate().replace(day=1)
    indicator = register(
        Indicator(
            key="test_orders",
            domain="test",
            label="Orders",
            unit="orders",
            definition="Test orders.",
            date_rule="The test date.",
            rule="Each counts once.",
            collect=lambda since: [MonthlyCount(month, area.municipality.pk, area.north_a.pk, ALL, 7)],
        )
    )
    try:
        assert indicator in all_indicators()
        refresh_figures()
        assert _sum("test_orders") == {ALL: 7}
        with pytest.raises(ValueError, match="already registered"):
            register(Indicator(**{**indicator.__dict__, "label": "Other"}))
    finally:
        REGISTRY.pop("test_orders")


def test_every_indicator_has_a_definition_date_and_rule() -> None:
    keys = [i.key for i in all_indicators()]
    assert len(keys) == len(set(keys)) >= 10
    for indicator in all_indicators():
        assert str(indicator.definition) and str(indicator.date_rule) and str(indicator.rule)
        assert indicator.category_labels()
