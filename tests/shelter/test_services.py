"""Shelter services: placing families, children with a guardian, capacity, moves, departures,
the waiting list and referrals; bad input refused with the field named and nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haard.accounts.models import User
from haard.registry.models import Person
from haard.shelter import selectors, services
from haard.shelter.models import (
    DepartureDestination,
    Facility,
    Placement,
    PlaceType,
    Priority,
    Referral,
    SafetyGround,
    WaitingListEntry,
    WaitingStatus,
)
from haard.shelter.services import NewPerson
from tests.factories import PersonFactory, RegionFactory
from tests.shelter.factories import coordinator_of, days_ago, make_facility, place, wait

pytestmark = pytest.mark.django_db


@pytest.fixture
def facility() -> Facility:
    return make_facility(adult=2, child=3)


@pytest.fixture
def coordinator(facility: Facility) -> User:
    return coordinator_of(facility)


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_a_mother_with_two_children_takes_three_places(facility: Facility, coordinator: User) -> None:
    mother, kids = PersonFactory(), [PersonFactory(), PersonFactory()]
    placement = services.place_family(
        actor=coordinator, facility_id=facility.pk, adult=mother, children=kids, arrived_on=days_ago(0)
    )
    assert placement.place_type == PlaceType.ADULT
    assert sorted(c.person_id for c in placement.children.all()) == sorted(k.pk for k in kids)
    row = selectors.capacity(actor=coordinator, region=facility.region).rows[0]
    assert (row.adult_occupied, row.child_occupied, row.adult_free, row.child_free) == (1, 2, 1, 1)


def test_a_full_facility_refuses_and_saves_nothing(facility: Facility, coordinator: User) -> None:
    place(facility, by=coordinator)
    place(facility, by=coordinator)
    before = Placement.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.place_family(
            actor=coordinator, facility_id=facility.pk, adult=PersonFactory(), arrived_on=days_ago(0)
        )
    assert "is full" in _errors(exc)["facility"][0]
    assert Placement.objects.count() == before


def test_too_few_child_places_refuses_the_whole_family(facility: Facility, coordinator: User) -> None:
    people_before = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.register_and_place(
            actor=coordinator,
            facility_id=facility.pk,
            adult=NewPerson("Anna", "Jansen"),
            children=[NewPerson(f"Kind{i}", "Jansen") for i in range(4)],
            arrived_on=days_ago(0),
        )
    assert "4 child place(s) asked, 3 free" in _errors(exc)["facility"][0]
    assert Placement.objects.count() == 0
    assert Person.objects.count() == people_before  # nobody half-registered


def test_a_child_needs_a_guardian_placed_in_the_same_facility(facility: Facility, coordinator: User) -> None:
    elsewhere = make_facility(organisation=facility.organisation, region=facility.region)
    parent_elsewhere = place(elsewhere, by=coordinator)
    for guardian in (None, parent_elsewhere):
        with pytest.raises(ValidationError) as exc:
            services.place_child(
                actor=coordinator,
                facility_id=facility.pk,
                child=PersonFactory(),
                guardian=guardian,
                arrived_on=days_ago(0),
            )
        assert "parent or guardian" in _errors(exc)["guardian"][0]
    parent = place(facility, by=coordinator, arrived_on=days_ago(3))
    child = services.place_child(
        actor=coordinator,
        facility_id=facility.pk,
        child=PersonFactory(),
        guardian=parent,
        arrived_on=days_ago(1),
    )
    assert child.guardian == parent and child.place_type == PlaceType.CHILD
    services.record_departure(
        actor=coordinator,
        placement_id=parent.pk,
        departed_on=days_ago(0),
        destination=DepartureDestination.NEW_HOME,
    )
    with pytest.raises(ValidationError) as exc:  # the parent has left
        services.place_child(
            actor=coordinator,
            facility_id=facility.pk,
            child=PersonFactory(),
            guardian=parent,
            arrived_on=days_ago(0),
        )
    assert "guardian" in _errors(exc)
    assert Placement.objects.filter(place_type=PlaceType.CHILD).count() == 1


def test_departure_takes_the_children_and_frees_the_places(facility: Facility, coordinator: User) -> None:
    mother = services.place_family(
        actor=coordinator,
        facility_id=facility.pk,
        adult=PersonFactory(),
        children=[PersonFactory()],
        arrived_on=days_ago(5),
    )
    family = services.record_departure(
        actor=coordinator,
        placement_id=mother.pk,
        departed_on=days_ago(0),
        destination=DepartureDestination.FAMILY_FRIENDS,
        destination_note="Zus in Utrecht",
    )
    assert len(family) == 2
    assert all(p.departed_on == days_ago(0) and p.destination == "family_friends" for p in family)
    row = selectors.capacity(actor=coordinator, region=facility.region).rows[0]
    assert (row.adult_free, row.child_free) == (2, 3)


def test_bad_departures_are_refused(facility: Facility, coordinator: User) -> None:
    mother = place(facility, by=coordinator, arrived_on=days_ago(5))
    child = place(
        facility, by=coordinator, place_type=PlaceType.CHILD, guardian=mother, arrived_on=days_ago(5)
    )
    cases = [
        ({"departed_on": days_ago(6), "destination": "own_home"}, "departed_on", "before the arrival"),
        (
            {"departed_on": timezone.localdate() + timedelta(days=1), "destination": "own_home"},
            "departed_on",
            "future",
        ),
        ({"departed_on": days_ago(0), "destination": "the moon"}, "destination", "destination"),
        ({"departed_on": days_ago(0), "destination": "other_shelter"}, "destination", "Move"),
    ]
    for kwargs, field, words in cases:
        with pytest.raises(ValidationError) as exc:
            services.record_departure(actor=coordinator, placement_id=mother.pk, **kwargs)
        assert words in _errors(exc)[field][0]
    with pytest.raises(ValidationError) as exc:  # a child leaves with the parent
        services.record_departure(
            actor=coordinator, placement_id=child.pk, departed_on=days_ago(0), destination="own_home"
        )
    assert "parent or guardian" in _errors(exc)["placement"][0]
    assert not Placement.objects.filter(departed_on__isnull=False).exists()
    services.record_departure(
        actor=coordinator, placement_id=mother.pk, departed_on=days_ago(0), destination="own_home"
    )
    with pytest.raises(ValidationError) as exc:
        services.record_departure(
            actor=coordinator, placement_id=mother.pk, departed_on=days_ago(0), destination="own_home"
        )
    assert "left" in _errors(exc)["placement"][0]


def test_move_to_another_facility_with_the_children(facility: Facility, coordinator: User) -> None:
    target = make_facility(region=facility.region, adult=1, child=1)
    mother = services.place_family(
        actor=coordinator,
        facility_id=facility.pk,
        adult=PersonFactory(),
        children=[PersonFactory()],
        arrived_on=days_ago(4),
    )
    moved = services.move_placement(
        actor=coordinator, placement_id=mother.pk, to_facility_id=target.pk, moved_on=days_ago(0)
    )
    assert moved.facility == target and moved.moved_from == mother
    assert [c.facility for c in moved.children.all()] == [target]
    mother.refresh_from_db()
    assert mother.destination == DepartureDestination.OTHER_SHELTER and mother.destination_note == target.name
    assert Placement.objects.filter(facility=facility, departed_on__isnull=True).count() == 0

    second = services.place_family(
        actor=coordinator, facility_id=facility.pk, adult=PersonFactory(), arrived_on=days_ago(1)
    )
    with pytest.raises(ValidationError) as exc:
        services.move_placement(
            actor=coordinator, placement_id=second.pk, to_facility_id=target.pk, moved_on=days_ago(0)
        )
    assert "is full" in _errors(exc)["to_facility"][0]
    for bad, field in ((facility.pk, "to_facility"), (999_999, "to_facility")):
        with pytest.raises(ValidationError) as exc:
            services.move_placement(
                actor=coordinator, placement_id=second.pk, to_facility_id=bad, moved_on=days_ago(0)
            )
        assert field in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.move_placement(
            actor=coordinator, placement_id=second.pk, to_facility_id=make_facility().pk, moved_on=days_ago(2)
        )
    assert "moved_on" in _errors(exc)
    assert Placement.objects.filter(person=second.person).count() == 1


def test_unknown_facility_and_other_peoples_facilities(facility: Facility, coordinator: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.place_family(
            actor=coordinator, facility_id=999_999, adult=PersonFactory(), arrived_on=days_ago(0)
        )
    assert _errors(exc)["facility"] == ["Unknown facility."]
    other = make_facility()
    with pytest.raises(PermissionDenied):
        services.place_family(
            actor=coordinator, facility_id=other.pk, adult=PersonFactory(), arrived_on=days_ago(0)
        )
    stranger_placement = place(other, by=coordinator_of(other))
    with pytest.raises(ValidationError):
        services.record_departure(
            actor=coordinator,
            placement_id=stranger_placement.pk,
            departed_on=days_ago(0),
            destination="own_home",
        )
    with pytest.raises(PermissionDenied):
        services.add_to_waiting_list(
            actor=coordinator, facility_id=other.pk, person=PersonFactory(), priority=1, reason="Dreiging"
        )
    assert Placement.objects.filter(departed_on__isnull=False).count() == 0
    assert not WaitingListEntry.objects.exists()


def test_placement_input_is_checked(facility: Facility, coordinator: User) -> None:
    mother = PersonFactory()
    with pytest.raises(ValidationError) as exc:
        services.place_family(
            actor=coordinator,
            facility_id=facility.pk,
            adult=mother,
            children=[mother],
            arrived_on=timezone.localdate() + timedelta(days=1),
            planned_departure_on=days_ago(3),
        )
    assert set(_errors(exc)) >= {"arrived_on", "children"}
    place(facility, mother, by=coordinator)
    with pytest.raises(ValidationError) as exc:
        services.place_family(
            actor=coordinator, facility_id=facility.pk, adult=mother, arrived_on=days_ago(0)
        )
    assert "placed already" in _errors(exc)["adult"][0]
    with pytest.raises(ValidationError) as exc:
        services.register_and_place(
            actor=coordinator,
            facility_id=facility.pk,
            adult=NewPerson("Zonder", ""),
            children=[],
            arrived_on=days_ago(0),
        )
    assert "surname" in _errors(exc)


def test_the_waiting_list_is_ordered_by_priority_then_date_and_placing_closes_the_entry(
    facility: Facility, coordinator: User
) -> None:
    late_urgent = wait(facility, by=coordinator, priority=Priority.URGENT, minutes_ago=5)
    early_normal = wait(facility, by=coordinator, priority=Priority.NORMAL, minutes_ago=60)
    early_urgent = wait(facility, by=coordinator, priority=Priority.URGENT, minutes_ago=30)
    assert selectors.waiting_list(actor=coordinator, facility=facility) == [
        early_urgent,
        late_urgent,
        early_normal,
    ]
    placement = services.register_and_place(
        actor=coordinator,
        facility_id=facility.pk,
        adult=None,
        children=[NewPerson("Kind", "Een")],
        arrived_on=days_ago(0),
        waiting_entry=early_urgent,
    )
    early_urgent.refresh_from_db()
    assert early_urgent.status == WaitingStatus.PLACED and placement.person == early_urgent.person
    with pytest.raises(ValidationError) as exc:
        services.place_family(
            actor=coordinator,
            facility_id=facility.pk,
            adult=PersonFactory(),
            arrived_on=days_ago(0),
            waiting_entry=early_urgent,
        )
    assert "waiting_entry" in _errors(exc)


def test_waiting_list_input_is_checked(facility: Facility, coordinator: User) -> None:
    person = PersonFactory()
    with pytest.raises(ValidationError) as exc:
        services.add_to_waiting_list(
            actor=coordinator, facility_id=facility.pk, person=person, priority=9, reason=" ", children=-1
        )
    assert set(_errors(exc)) == {"priority", "reason", "children"}
    services.add_to_waiting_list(
        actor=coordinator, facility_id=facility.pk, person=person, priority=1, reason="Acuut"
    )
    with pytest.raises(ValidationError) as exc:
        services.add_to_waiting_list(
            actor=coordinator, facility_id=facility.pk, person=person, priority=1, reason="Acuut"
        )
    assert "already" in _errors(exc)["person"][0]
    people = Person.objects.count()
    with pytest.raises(ValidationError):
        services.register_and_wait(
            actor=coordinator, facility_id=facility.pk, person=NewPerson("A", "B"), priority=1, reason=""
        )
    assert Person.objects.count() == people


def test_referral_to_another_region_is_recorded_with_the_reason(
    facility: Facility, coordinator: User
) -> None:
    entry = wait(facility, by=coordinator, priority=Priority.URGENT)
    same_region = make_facility(region=facility.region)
    far = make_facility(region=RegionFactory(name="Verweg"), facility_type="honour_related")
    with pytest.raises(ValidationError) as exc:
        services.refer_to_other_region(
            actor=coordinator, waiting_entry_id=entry.pk, to_facility_id=same_region.pk, ground="x", reason=""
        )
    assert set(_errors(exc)) == {"to_facility", "ground", "reason"}
    referral = services.refer_to_other_region(
        actor=coordinator,
        waiting_entry_id=entry.pk,
        to_facility_id=far.pk,
        ground=SafetyGround.HONOUR_RELATED,
        reason="Familie woont in de regio en zoekt haar.",
    )
    entry.refresh_from_db()
    assert entry.status == WaitingStatus.REFERRED and referral.to_facility == far
    with pytest.raises(ValidationError):
        services.refer_to_other_region(
            actor=coordinator,
            waiting_entry_id=entry.pk,
            to_facility_id=far.pk,
            ground="other",
            reason="Nogmaals",
        )
    outsider_coordinator = coordinator_of(make_facility())
    other_entry = wait(facility, by=coordinator)
    with pytest.raises(ValidationError) as exc:
        services.refer_to_other_region(
            actor=outsider_coordinator,
            waiting_entry_id=other_entry.pk,
            to_facility_id=far.pk,
            ground="other",
            reason="R",
        )
    assert "waiting_entry" in _errors(exc)
    assert Referral.objects.count() == 1


def test_create_facility_needs_a_shelter_organisation() -> None:
    from tests.factories import OrganisationFactory

    with pytest.raises(ValidationError) as exc:
        services.create_facility(
            name="X",
            facility_type="spa",
            organisation_id=OrganisationFactory().pk,
            region=RegionFactory(),
            street_address="Weg 1",
            postcode="1234AB",
            town="Stad",
            adult_places=-1,
            child_places=0,
        )
    assert set(exc.value.message_dict) == {"type", "organisation", "adult_places"}
