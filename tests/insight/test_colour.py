"""The address colour rule: at each threshold, in Python and in the database alike, and
changed by a region setting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from haard.core.models import RegionSetting
from haard.insight.colour import ColourRule
from haard.insight.periods import Period, add_months
from haard.insight.selectors import AddressFilters, address_list
from haard.intake.models import Severity
from tests.insight.factories import days_ago, make_incident, make_report

pytestmark = pytest.mark.django_db

GREEN, YELLOW, ORANGE, RED = Severity.GREEN, Severity.YELLOW, Severity.ORANGE, Severity.RED
DEFAULT = ColourRule(window_months=12, red_min=3, orange_min=2)


@pytest.mark.parametrize(
    ("highest", "incidents", "expected"),
    [
        (RED, 1, RED),  # a red incident
        (GREEN, 3, RED),  # three incidents, whatever their severity
        (YELLOW, 3, RED),
        (ORANGE, 1, ORANGE),  # an orange incident
        (GREEN, 2, ORANGE),  # two incidents
        (YELLOW, 1, YELLOW),  # one yellow incident
        (GREEN, 1, GREEN),
        (None, 0, GREEN),  # nothing in the window
    ],
)
def test_rule_at_each_threshold(highest: int | None, incidents: int, expected: int) -> None:
    assert DEFAULT.colour(highest_severity=highest, incidents=incidents) == expected


def _colours(actor: Any, area: Any, period: Period | None = None) -> dict[int, int]:
    filters = AddressFilters(municipality=area.municipality, period=period or Period.last_months(12))
    return {a.pk: a.colour for a in address_list(actor=actor, filters=filters)}


def test_database_applies_the_same_rule(area: Any, vt: Any) -> None:
    red_by_severity = area.address()
    make_report(address=red_by_severity, at=days_ago(40), severity=RED)
    red_by_count = area.address()
    for days in (10, 50, 90):
        make_incident(address=red_by_count, at=days_ago(days), severity=GREEN)
    orange_by_severity = area.address()
    make_incident(address=orange_by_severity, at=days_ago(5), severity=ORANGE)
    orange_by_count = area.address()
    make_report(address=orange_by_count, at=days_ago(5), severity=GREEN)
    make_incident(address=orange_by_count, at=days_ago(100), severity=GREEN)
    yellow = area.address()
    make_report(address=yellow, at=days_ago(200), severity=YELLOW)
    green = area.address()
    make_report(address=green, at=days_ago(300), severity=GREEN)

    colours = _colours(vt, area)
    assert colours == {
        red_by_severity.pk: RED,
        red_by_count.pk: RED,
        orange_by_severity.pk: ORANGE,
        orange_by_count.pk: ORANGE,
        yellow.pk: YELLOW,
        green.pk: GREEN,
    }


def test_a_report_linked_to_an_incident_at_the_same_address_counts_once(area: Any, vt: Any) -> None:
    address = area.address()
    incident = make_incident(address=address, at=days_ago(20), severity=GREEN)
    make_report(address=address, at=days_ago(18), severity=GREEN, police_incident=incident)
    row = address_list(
        actor=vt, filters=AddressFilters(municipality=area.municipality, period=Period.last_months(12))
    ).get()
    assert (row.incidents, row.reports_count, row.police_count) == (1, 1, 1)
    assert row.colour == GREEN  # one event, not two


def test_only_the_colour_window_decides_the_colour(area: Any, vt: Any) -> None:
    address = area.address()
    make_incident(address=address, at=timezone.now() - timedelta(days=400), severity=RED)
    make_report(address=address, at=days_ago(10), severity=GREEN)
    two_years = Period(since=add_months(timezone.localdate(), -24), until=timezone.localdate())
    assert _colours(vt, area, two_years) == {address.pk: GREEN}  # the red one is older than 12 months


def test_region_settings_change_the_rule(area: Any, vt: Any) -> None:
    three_green = area.address()
    for days in (10, 20, 30):
        make_report(address=three_green, at=days_ago(days), severity=GREEN)
    old_red = area.address()
    make_report(address=old_red, at=days_ago(250), severity=RED)
    assert _colours(vt, area) == {three_green.pk: RED, old_red.pk: RED}

    RegionSetting.objects.create(key="insight.red_min_incidents", value=4)
    RegionSetting.objects.create(key="insight.orange_min_incidents", value=4)
    RegionSetting.objects.create(key="insight.colour_window_months", value=6)
    assert _colours(vt, area) == {three_green.pk: GREEN, old_red.pk: GREEN}
    assert ColourRule.current() == ColourRule(window_months=6, red_min=4, orange_min=4)


def test_the_page_shows_the_rule_with_the_regions_values(area: Any, vt: Any, client_for: Any) -> None:
    RegionSetting.objects.create(key="insight.red_min_incidents", value=5)
    make_report(address=area.address(), at=days_ago(3), severity=RED)
    page = client_for(vt).get(reverse("insight:address_list"), {"municipality": area.municipality.code})
    text = page.content.decode()
    assert "or at least 5 incidents in those months" in text
    assert "(5; seed 001 (Hoogeveen))" in text  # region_settings.describe: value and origin
    # Never colour alone: a text label and a shape for every colour.
    for key, label, shape in [
        ("red", "Red", "square"),
        ("orange", "Orange", "diamond"),
        ("yellow", "Yellow", "triangle"),
        ("green", "Green", "circle"),
    ]:
        badge = f'class="colour colour--{key}"><span class="colour__shape colour__shape--{shape}" '
        assert f'{badge}aria-hidden="true"></span>{label}<' in text
