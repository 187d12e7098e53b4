"""Shelter test data: a shelter organisation with facilities, its coordinator, families."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from haard.accounts.models import Organisation, OrganisationType, User
from haard.core.models import Region
from haard.registry.models import Person
from haard.shelter.models import Facility, FacilityType, Placement, PlaceType, Priority, WaitingListEntry
from tests.factories import OrganisationFactory, PersonFactory, RegionFactory, TeamFactory, make_user

SECRET = "Verborgenlaan 17"


def shelter_organisation(**fields: Any) -> Organisation:
    return OrganisationFactory(type=OrganisationType.SHELTER, **fields)


_counter = iter(range(1, 1_000_000))


def make_facility(
    *,
    organisation: Organisation | None = None,
    region: Region | None = None,
    adult: int = 4,
    child: int = 4,
    facility_type: str = FacilityType.WOMENS_SHELTER,
    street: str = SECRET,
) -> Facility:
    n = next(_counter)
    return Facility.objects.create(
        name=f"Opvanghuis {n}",
        type=facility_type,
        organisation=organisation or shelter_organisation(),
        region=region or RegionFactory(),
        street_address=street,
        postcode="9999 ZZ",
        town="Ergens",
        adult_places=adult,
        child_places=child,
    )


def coordinator_of(facility: Facility, **fields: Any) -> User:
    return make_user("shelter_coordinator", team=TeamFactory(organisation=facility.organisation), **fields)


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def place(
    facility: Facility,
    person: Person | None = None,
    *,
    by: User,
    place_type: str = PlaceType.ADULT,
    guardian: Placement | None = None,
    arrived_on: date | None = None,
    planned_departure_on: date | None = None,
    case: Any = None,
) -> Placement:
    """A placement written straight to the database (test set-up, no capacity check)."""
    return Placement.objects.create(
        facility=facility,
        person=person or PersonFactory(),
        place_type=place_type,
        guardian=guardian,
        arrived_on=arrived_on or days_ago(10),
        planned_departure_on=planned_departure_on,
        placed_by=by,
        case=case,
    )


def wait(
    facility: Facility,
    person: Person | None = None,
    *,
    by: User,
    priority: int = Priority.NORMAL,
    minutes_ago: int = 0,
) -> WaitingListEntry:
    return WaitingListEntry.objects.create(
        facility=facility,
        person=person or PersonFactory(),
        priority=priority,
        reason="Acute dreiging na huiselijk geweld",
        registered_at=timezone.now() - timedelta(minutes=minutes_ago),
        registered_by=by,
    )
