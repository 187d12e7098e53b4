"""The indicators of the safety assessment, restraining orders and shelter: what each counts
on small fixtures, where it places a count (never a shelter's neighbourhood), how the share
of a rate indicator passes the disclosure control, and who may read them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from haard.accounts.models import User
from haard.cases.models import Case, CaseStatus, Recurrence
from haard.huisverbod.models import Breach, ImposedAs, RestrainingOrder
from haard.huisverbod.selectors import order_figures
from haard.insight import figures
from haard.insight.disclosure import Cell
from haard.insight.figures import Months, share_cell
from haard.insight.indicators import get
from haard.insight.models import FigureCount
from haard.insight.periods import add_months
from haard.insight.summary import refresh_figures
from haard.registry.models import Household, HouseholdMember, Person
from haard.shelter.models import Placement, PlaceType, WaitingListEntry, WaitingStatus
from haard.triage.models import (
    Assessment,
    AssessmentStatus,
    HandOver,
    HandOverStatus,
    HandOverTarget,
    Instrument,
    Outcome,
    RouteKind,
)
from tests.factories import (
    HouseholdFactory,
    MunicipalityFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)
from tests.insight.conftest import Area
from tests.intake.factories import make_report
from tests.shelter.factories import make_facility

pytestmark = pytest.mark.django_db

NEW_KEYS = [
    "assessments_on_time",
    "assessment_routes",
    "handover_acceptance",
    "restraining_orders",
    "shelter_occupancy",
    "shelter_waiting_time",
    "repeat_after_closure",
]
FEB, MARCH, APRIL = date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)
_numbers = itertools.count(1)


def _at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A moment on `day` in the region's time zone."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def _sum(indicator: str, **filters: object) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in FigureCount.objects.filter(indicator=indicator, **filters):
        found[row.category] = found.get(row.category, 0) + row.count
    return found


def _by_month(indicator: str, **filters: object) -> dict[tuple[date, str], int]:
    found: dict[tuple[date, str], int] = {}
    for row in FigureCount.objects.filter(indicator=indicator, **filters):
        found[(row.month, row.category)] = found.get((row.month, row.category), 0) + row.count
    return found


# Safety assessments.


def _assessment(
    area: Area, household: Household | None, received: date, due: date, **fields: Any
) -> Assessment:
    return Assessment.objects.create(
        reference=f"B-IND{next(_numbers):05d}",
        municipality=area.municipality,
        household=household,
        instrument=Instrument.objects.filter(active=True).first(),
        received_on=received,
        due_on=due,
        **fields,
    )


def test_assessments_by_deadline(area: Area) -> None:
    home = HouseholdFactory(address=area.address(area.north_a))
    done = {"status": AssessmentStatus.COMPLETE, "outcome": Outcome.NONE_FOUND}
    # Received in March, due on 10 March.
    _assessment(area, home, date(2025, 3, 3), date(2025, 3, 10), assessed_at=_at(date(2025, 3, 7)), **done)
    # Half an hour after the due day ended, in the region's time: late (in UTC it is still the 10th).
    _assessment(
        area, home, date(2025, 3, 3), date(2025, 3, 10), assessed_at=_at(date(2025, 3, 11), 0, 30), **done
    )
    # A high-risk outcome is finished when the second expert confirms it: here after the deadline.
    _assessment(
        area,
        home,
        date(2025, 3, 3),
        date(2025, 3, 10),
        status=AssessmentStatus.COMPLETE,
        outcome=Outcome.ACUTE,
        assessed_at=_at(date(2025, 3, 5)),
        confirmed_at=_at(date(2025, 3, 12)),
    )
    # Still waiting for the second expert, deadline passed: not finished.
    _assessment(
        area,
        home,
        date(2025, 3, 3),
        date(2025, 3, 10),
        status=AssessmentStatus.AWAITING_CONFIRMATION,
        outcome=Outcome.STRUCTURAL,
        assessed_at=_at(date(2025, 3, 5)),
    )
    # Sent back to open by the second expert: not finished, whatever it held before.
    _assessment(
        area,
        home,
        date(2025, 3, 3),
        date(2025, 3, 10),
        status=AssessmentStatus.OPEN,
        outcome=Outcome.NONE_FOUND,
        assessed_at=_at(date(2025, 3, 5)),
    )
    # Never assessed, no household: counted in the municipality, in no neighbourhood.
    _assessment(area, None, date(2025, 3, 20), date(2025, 3, 27))
    # April: finished in time.
    _assessment(area, home, date(2025, 4, 1), date(2025, 4, 8), assessed_at=_at(date(2025, 4, 2)), **done)
    # The deadline has not passed yet: not counted yet.
    today = timezone.localdate()
    _assessment(area, home, today, today + timedelta(days=10))

    refresh_figures()

    assert _by_month("assessments_on_time") == {
        (MARCH, "within"): 1,
        (MARCH, "late"): 2,
        (MARCH, "overdue"): 3,
        (APRIL, "within"): 1,
    }
    assert _sum("assessments_on_time", neighbourhood__isnull=True) == {"overdue": 1}
    assert _sum("assessments_on_time", neighbourhood=area.north_a) == {"within": 2, "late": 2, "overdue": 2}


def test_routes_count_the_route_that_stands(area: Area) -> None:
    home = HouseholdFactory(address=area.address(area.south_a))
    routed = {"status": AssessmentStatus.ROUTED, "outcome": Outcome.NONE_FOUND}
    march = (date(2025, 3, 3), date(2025, 3, 10))
    _assessment(area, home, *march, route=RouteKind.INVESTIGATION, routed_at=_at(date(2025, 3, 8)), **routed)
    _assessment(area, home, *march, route=RouteKind.CLOSE, routed_at=_at(date(2025, 3, 9)), **routed)
    _assessment(area, home, *march, route=RouteKind.HANDOVER, routed_at=_at(date(2025, 4, 2)), **routed)
    # Closing without a second expert yet: not counted until confirmed.
    _assessment(
        area,
        home,
        *march,
        status=AssessmentStatus.AWAITING_CONFIRMATION,
        outcome=Outcome.NONE_FOUND,
        route=RouteKind.CLOSE,
        routed_at=_at(date(2025, 3, 9)),
    )
    refresh_figures()
    assert _by_month("assessment_routes") == {
        (MARCH, "investigation"): 1,
        (MARCH, "close"): 1,
        (APRIL, "handover"): 1,
    }
    assert _sum("assessment_routes", neighbourhood=area.south_a) == {
        "investigation": 1,
        "close": 1,
        "handover": 1,
    }


def test_handovers_by_working_days_to_acceptance(area: Area) -> None:
    home = HouseholdFactory(address=area.address(area.north_a))
    assessment = _assessment(
        area,
        home,
        date(2024, 12, 20),
        date(2024, 12, 31),
        status=AssessmentStatus.ROUTED,
        outcome=Outcome.NONE_FOUND,
        route=RouteKind.HANDOVER,
        routed_at=_at(date(2024, 12, 24)),
    )
    proposer = UserFactory()
    receiver = OrganisationFactory()

    def handover(proposed: datetime, decided: datetime | None, status: str, **fields: Any) -> None:
        made = HandOver.objects.create(
            assessment=assessment,
            target=fields.pop("target", HandOverTarget.SOCIAL_TEAM),
            receiving_organisation=receiver,
            status=status,
            proposed_by=proposer,
            decided_at=decided,
            **fields,
        )
        HandOver.objects.filter(pk=made.pk).update(created_at=proposed)

    accepted, monday = HandOverStatus.ACCEPTED, date(2025, 3, 3)
    # Christmas Eve to the Friday after: Christmas and Boxing Day are no working days.
    handover(_at(date(2024, 12, 24), 10), _at(date(2024, 12, 27), 9), accepted)
    handover(_at(monday), _at(date(2025, 3, 10)), accepted)  # 5 working days
    handover(_at(monday), _at(date(2025, 3, 17)), accepted)  # 10
    handover(_at(monday), _at(date(2025, 3, 18)), accepted)  # 11
    handover(_at(monday), _at(date(2025, 3, 6)), HandOverStatus.REFUSED, refusal_reason="Vol.")
    handover(_at(date(2025, 3, 4)), None, HandOverStatus.PROPOSED)
    handover(_at(monday), _at(monday), accepted, target=HandOverTarget.FAMILY)  # not counted

    refresh_figures()

    assert _by_month("handover_acceptance") == {
        (date(2024, 12, 1), "accepted_0_1"): 1,
        (MARCH, "accepted_2_5"): 1,
        (MARCH, "accepted_6_10"): 1,
        (MARCH, "accepted_11_plus"): 1,
        (MARCH, "refused"): 1,
        (MARCH, "undecided"): 1,
    }
    assert set(_sum("handover_acceptance", neighbourhood=area.north_a)) == set(_sum("handover_acceptance"))


# Restraining orders.


def _order(area: Area, imposed_at: datetime, neighbourhood: Any, **fields: Any) -> RestrainingOrder:
    organisation = OrganisationFactory()
    return RestrainingOrder.objects.create(
        reference=f"HV-IND{next(_numbers):04d}",
        municipality=area.municipality,
        address=area.address(neighbourhood),
        barred_person=PersonFactory(),
        imposed_as=ImposedAs.MAYOR,
        imposed_by=UserFactory(),
        registered_by_organisation=organisation,
        imposed_at=imposed_at,
        facts="Feiten.",
        ends_at=imposed_at + timedelta(days=10),
        **fields,
    )


def _breach(order: RestrainingOrder, at: datetime) -> None:
    Breach.objects.create(
        order=order, occurred_at=at, police_report_reference=f"PL-{next(_numbers)}", recorded_by=UserFactory()
    )


def test_restraining_orders_by_event_agree_with_the_register(area: Area) -> None:
    first = _order(
        area,
        _at(date(2025, 3, 2), 1, 30),
        area.north_a,
        status="extended",
        extension_decided_at=_at(date(2025, 3, 8)),
    )
    _breach(first, _at(date(2025, 3, 5), 22))
    _breach(first, _at(date(2025, 3, 6), 3))  # breached twice in March: counts once there
    _breach(first, _at(date(2025, 4, 2), 3))
    _order(
        area, _at(date(2025, 3, 20)), area.south_a, status="withdrawn", withdrawn_at=_at(date(2025, 3, 23))
    )
    _order(
        area,
        _at(date(2025, 2, 27), 23, 30),
        area.north_a,
        status="annulled",
        annulled_at=_at(date(2025, 3, 10), 0),
    )
    # Half past midnight on 1 April in the region: April, though in UTC it is still March.
    _order(area, _at(date(2025, 4, 1), 0, 30), area.south_a)

    refresh_figures()

    assert _by_month("restraining_orders") == {
        (FEB, "imposed"): 1,
        (MARCH, "imposed"): 2,
        (MARCH, "extended"): 1,
        (MARCH, "withdrawn"): 1,
        (MARCH, "breached"): 1,
        (MARCH, "annulled"): 1,
        (APRIL, "imposed"): 1,
        (APRIL, "breached"): 1,
    }
    assert _sum("restraining_orders", neighbourhood=area.south_a) == {"imposed": 2, "withdrawn": 1}
    # The same definitions as the register's own figures, month by month.
    for month in (FEB, MARCH, APRIL):
        (register,) = order_figures(start=month, end=add_months(month, 1) - timedelta(days=1))
        counted = _by_month("restraining_orders")
        for event in ("imposed", "extended", "withdrawn", "breached", "annulled"):
            assert register[event] == counted.get((month, event), 0), (month, event)


# Shelter.


def _household_member(address: Any) -> Person:
    person = PersonFactory()
    HouseholdMember.objects.create(household=HouseholdFactory(address=address), person=person, role="parent")
    return person


def test_shelter_counts_people_per_month_where_they_come_from(area: Area) -> None:
    elsewhere = MunicipalityFactory(name="Herkomstdorp")
    team = TeamFactory()
    case = Case.objects.create(
        reference="T-SHELTER",
        household=HouseholdFactory(address=area.address(area.north_a)),
        municipality=elsewhere,
        owning_team=team,
        lead_organisation=team.organisation,
    )
    facility, other_facility = make_facility(adult=9, child=9), make_facility(adult=9, child=9)
    placer = UserFactory()

    def place(person: Person, arrived: date, departed: date | None, **fields: Any) -> Placement:
        return Placement.objects.create(
            facility=fields.pop("facility", facility),
            person=person,
            place_type=fields.pop("place_type", PlaceType.ADULT),
            arrived_on=arrived,
            departed_on=departed,
            placed_by=placer,
            **fields,
        )

    mother, child = PersonFactory(), PersonFactory()
    guardian = place(mother, date(2025, 1, 20), date(2025, 3, 5), case=case)
    # The child moves to another facility on 10 February: one stay, counted once a month.
    before = place(
        child, date(2025, 1, 20), date(2025, 2, 10), case=case, place_type=PlaceType.CHILD, guardian=guardian
    )
    place(
        child,
        date(2025, 2, 10),
        date(2025, 3, 5),
        case=case,
        place_type=PlaceType.CHILD,
        facility=other_facility,
        moved_from=before,
    )
    # No case: the municipality of the household address; still there today.
    place(_household_member(area.address(area.south_a)), date(2025, 3, 31), None)
    # The case's municipality comes before the household's.
    place(_household_member(area.address(area.north_a)), date(2025, 3, 15), date(2025, 3, 15), case=case)
    # Neither a case nor a household: not counted.
    place(PersonFactory(), date(2025, 3, 1), None)

    refresh_figures()

    assert _by_month("shelter_occupancy", municipality=elsewhere) == {
        (date(2025, 1, 1), "adult"): 1,
        (FEB, "adult"): 1,
        (MARCH, "adult"): 2,
        (date(2025, 1, 1), "child"): 1,
        (FEB, "child"): 1,
        (MARCH, "child"): 1,
    }
    at_home = _by_month("shelter_occupancy", municipality=area.municipality)
    months = Months(MARCH, figures.current_month()).months()
    assert at_home == {(month, "adult"): 1 for month in months}
    assert not FigureCount.objects.filter(
        indicator__startswith="shelter", neighbourhood__isnull=False
    ).exists()
    # A refresh of the recent months gives the same counts.
    refresh_figures(since=MARCH)
    assert _by_month("shelter_occupancy", municipality=elsewhere)[(FEB, "adult")] == 1
    assert _by_month("shelter_occupancy", municipality=area.municipality) == at_home
    assert _by_month("shelter_occupancy", municipality=elsewhere)[(MARCH, "adult")] == 2


def test_shelter_waiting_time_at_placement_or_referral(area: Area) -> None:
    elsewhere = MunicipalityFactory(name="Wachtdorp")
    team = TeamFactory()
    case = Case.objects.create(
        reference="T-WAIT",
        household=HouseholdFactory(address=area.address()),
        municipality=elsewhere,
        owning_team=team,
        lead_organisation=team.organisation,
    )
    facility, registrar = make_facility(), UserFactory()

    def entry(
        registered: datetime, closed: date | None, status: str, person: Person | None = None, **fields: Any
    ) -> None:
        WaitingListEntry.objects.create(
            facility=facility,
            person=person or _household_member(area.address(area.north_a)),
            reason="Onveilig thuis.",
            registered_at=registered,
            registered_by=registrar,
            status=status,
            closed_on=closed,
            **fields,
        )

    placed, referred = WaitingStatus.PLACED, WaitingStatus.REFERRED
    entry(_at(date(2025, 3, 1), 23, 30), date(2025, 3, 2), placed)  # 1 day
    entry(_at(date(2025, 3, 1)), date(2025, 3, 5), placed)  # 4 days
    entry(_at(date(2025, 2, 20)), date(2025, 3, 4), referred, case=case)  # 12 days, from elsewhere
    entry(_at(date(2025, 1, 1)), date(2025, 3, 10), placed)  # 68 days
    entry(_at(date(2025, 3, 1)), None, WaitingStatus.WAITING)  # still waiting
    entry(_at(date(2025, 3, 1)), date(2025, 3, 3), placed, person=PersonFactory())  # no origin

    refresh_figures()

    assert _by_month("shelter_waiting_time", municipality=area.municipality) == {
        (MARCH, "0-1"): 1,
        (MARCH, "2-7"): 1,
        (MARCH, "31+"): 1,
    }
    assert _by_month("shelter_waiting_time", municipality=elsewhere) == {(MARCH, "8-30"): 1}
    assert not FigureCount.objects.filter(
        indicator="shelter_waiting_time", neighbourhood__isnull=False
    ).exists()


# The share beside a rate, after disclosure control.


@pytest.mark.parametrize(
    ("part", "total", "hidden", "percent"),
    [
        ([Cell(12)], Cell(20), False, Decimal("60.0")),
        ([Cell(2), Cell(1)], Cell(3), False, Decimal("100.0")),
        ([Cell(None)], Cell(20), True, None),
        ([Cell(12)], Cell(None), True, None),
        ([Cell(0)], Cell(0), False, None),
        ([Cell(1)], Cell(3), False, Decimal("33.3")),
    ],
)
def test_a_share_comes_from_the_published_cells(
    part: list[Cell], total: Cell, hidden: bool, percent: Decimal | None
) -> None:
    found = share_cell(part, total)
    assert found.hidden is hidden and found.percent == percent


def _figures_for(
    area: Area, month: date, counts: dict[Any, dict[str, int]], key: str = "assessments_on_time"
) -> None:
    FigureCount.objects.bulk_create(
        FigureCount(
            indicator=key,
            month=month,
            municipality=area.municipality,
            neighbourhood=neighbourhood,
            category=category,
            count=count,
        )
        for neighbourhood, by_category in counts.items()
        for category, count in by_category.items()
    )


@pytest.fixture
def rates(area: Area) -> date:
    """Last month's assessments in four neighbourhoods; Noord-A's 3 late ones are too few to show."""
    month = add_months(figures.current_month(), -1)
    north_b = NeighbourhoodFactory(district=area.north, name="Noord-B")
    north_c = NeighbourhoodFactory(district=area.north, name="Noord-C")
    _figures_for(
        area,
        month,
        {
            area.north_a: {"within": 12, "late": 3},
            north_b: {"within": 8, "late": 6},
            north_c: {"within": 5, "late": 5},
            area.south_a: {"within": 30, "late": 5},
        },
    )
    return month


def test_a_suppressed_count_does_not_leak_through_the_share(area: Area, rates: date) -> None:
    indicator = get("assessments_on_time")
    assert indicator is not None and indicator.share is not None
    municipality = figures.find_area(area.municipality.code)
    assert municipality is not None
    for public in (False, True):
        table = figures.figure_table(
            indicator=indicator,
            area=municipality,
            months=Months(rates, rates),
            by=figures.NEIGHBOURHOOD,
            public=public,
        )
        rows = {row["label"].split(" (")[0]: row for row in table.rows()}
        north = rows["Noord-A"]
        assert north["cells"][1].hidden and north["share"].hidden
        # What the row shows cannot give the hidden count: its other cells are not all shown.
        assert north["cells"][0].hidden or north["total"].hidden
        shown = 0
        for row in rows.values():
            used = [row["cells"][0], row["total"]]
            if any(cell.hidden for cell in used):
                assert row["share"].hidden, row["label"]
            elif row["total"].number:
                percent = Decimal(row["cells"][0].number * 100) / Decimal(row["total"].number)
                assert row["share"].percent == percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
                shown += 1
        assert shown >= 2
        if not public:
            assert rows["Noord-B"]["share"].percent == Decimal("57.1")
            assert rows["Zuid-A"]["share"].percent == Decimal("85.7")


def test_the_indicator_page_export_and_api_show_the_share(
    area: Area, rates: date, policy: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(policy)
    query = f"?area={area.municipality.code}&by=neighbourhood&since={rates:%Y-%m}&until={rates:%Y-%m}"
    page = client.get(reverse("insight:indicator_detail", args=["assessments_on_time"]) + query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Share finished within the deadline (%)" in html
    assert "57.1%" in html and "85.7%" in html
    assert "worked out from the numbers as shown" in html
    noord_a = html[html.index("Noord-A (") :].split("</tr>")[0]
    assert noord_a.count("figure-hidden") >= 3  # late, within or the total, and the share
    export = client.get(
        reverse("insight:indicator_export", args=["assessments_on_time"]) + query + "&format=csv"
    )
    lines = [line.split(";") for line in export.content.decode("utf-8-sig").splitlines()]
    header = next(line for line in lines if "Share finished within the deadline (%)" in line)
    share = header.index("Share finished within the deadline (%)")
    by_label = {line[0].split(" (")[0]: line for line in lines if len(line) > share}
    assert by_label["Noord-B"][share] == "57.1" and by_label["Noord-A"][share] == "x"
    body = client.get(f"/api/v1/insight/indicators/assessments_on_time{query}").json()
    assert body["indicator"]["share"] == {"label": "finished within the deadline", "part": ["within"]}
    api_rows = {row["label"].split(" (")[0]: row for row in body["rows"]}
    assert api_rows["Noord-B"]["share_percent"] == 57.1
    assert api_rows["Noord-A"]["share_percent"] is None and api_rows["Noord-A"]["values"]["late"] is None


# Pages: who may read the new indicators, and what they cost.


def test_policy_officers_read_the_new_indicators_and_others_do_not(
    area: Area,
    policy: User,
    vt: User,
    police: User,
    outsider: User,
    client_for: Callable[[User], Client],
) -> None:
    listing = client_for(policy).get(reverse("insight:indicator_list")).content.decode()
    for key in NEW_KEYS:
        indicator = get(key)
        with translation.override("en"):
            assert indicator is not None and str(indicator.label) in listing
        detail = reverse("insight:indicator_detail", args=[key])
        export = reverse("insight:indicator_export", args=[key]) + "?format=csv"
        api = f"/api/v1/insight/indicators/{key}"
        for url in (detail, export, api):
            assert client_for(policy).get(url).status_code == 200, url
        assert client_for(vt).get(detail).status_code == 200
        for user in (outsider, police):
            for url in (detail, export, api):
                assert client_for(user).get(url).status_code == 403, (user, url)
        assert Client().get(detail).status_code == 302


def test_the_indicator_page_costs_the_same_whatever_the_data(
    area: Area, policy: User, client_for: Callable[[User], Client], django_assert_max_num_queries: Any
) -> None:
    month = add_months(figures.current_month(), -1)
    _figures_for(area, month, {area.north_a: {"within": 9, "late": 2}})
    client = client_for(policy)
    urls = [
        reverse("insight:indicator_detail", args=[key]) + f"?area={area.municipality.code}&by=neighbourhood"
        for key in ("assessments_on_time", "shelter_occupancy", "restraining_orders")
    ]
    for url in urls:
        client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(urls[0])
    for index in range(25):
        neighbourhood = NeighbourhoodFactory(district=area.south, name=f"Extra {index}")
        _figures_for(area, month, {neighbourhood: {"within": 10 + index, "late": index % 7, "overdue": 1}})
        _figures_for(area, month, {neighbourhood: {"adult": 6, "child": index}}, key="shelter_occupancy")
        _figures_for(area, month, {neighbourhood: {"imposed": 5, "breached": 1}}, key="restraining_orders")
    for url in urls:
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(url)
        assert "Extra 24" in response.content.decode()


def test_every_new_indicator_is_registered_with_its_texts() -> None:
    for key in NEW_KEYS:
        indicator = get(key)
        assert indicator is not None
        assert indicator.domain in ("triage", "huisverbod", "shelter", "cases")
        assert str(indicator.definition) and str(indicator.date_rule) and str(indicator.rule)
        assert len(indicator.category_labels()) > 1
    shelter = get("shelter_occupancy")
    with translation.override("en"):
        assert shelter is not None and "never by neighbourhood" in str(shelter.rule).lower()


# Repeat after closure (recidivism).


def _closed_case(area: Area, household: Household, closed_on: date) -> Case:
    team = TeamFactory()
    return Case.objects.create(
        reference=f"T-REP{next(_numbers):05d}",
        household=household,
        municipality=area.municipality,
        owning_team=team,
        lead_organisation=team.organisation,
        status=CaseStatus.CLOSED,
        closed_on=closed_on,
    )


def test_repeat_after_closure_counts_each_family_once_a_month(area: Area) -> None:
    south = HouseholdFactory(address=area.address(area.south_a))
    north = HouseholdFactory(address=area.address(area.north_a))
    recent = _closed_case(area, south, date(2024, 6, 30))
    old = _closed_case(area, north, date(2023, 1, 31))
    for case, reported_on, within in [
        (recent, date(2025, 3, 3), True),
        (recent, date(2025, 3, 20), True),  # the same family again in March: counted once
        (recent, date(2025, 4, 1), True),
        (old, date(2025, 3, 5), False),
    ]:
        Recurrence.objects.create(
            household=case.household,
            case=case,
            report=make_report(municipality=area.municipality),
            closed_on=case.closed_on,
            reported_on=reported_on,
            within_12_months=within,
        )
    refresh_figures()
    assert _by_month("repeat_after_closure") == {
        (MARCH, "within_12_months"): 1,
        (MARCH, "later"): 1,
        (APRIL, "within_12_months"): 1,
    }
    assert _sum("repeat_after_closure", neighbourhood=area.south_a) == {"within_12_months": 2}
    assert _sum("repeat_after_closure", neighbourhood=area.north_a) == {"later": 1}
