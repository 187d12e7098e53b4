"""The shelter pages and API operations in the URL walk (tests/security/test_url_walk.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.factories import PersonFactory, RegionFactory
from tests.security.policy import Spec
from tests.shelter.factories import coordinator_of, make_facility, place, shelter_organisation, wait

# The home page lists the user's facilities with figures; the capacity page and the occupancy
# operation show figures per facility (addresses masked); the waiting-list form shows nobody.
NO_PERSONAL_DATA = {"shelter:home", "shelter:capacity", "shelter:waiting_add"}
API_NO_PERSONAL_DATA = {("GET", "/api/v1/shelter/occupancy")}


def build(world: Any) -> None:
    """A facility of a shelter organisation in the case's region, with world.person placed in
    it (linked to world.case) and someone else on its waiting list; its coordinator."""
    facility = make_facility(organisation=shelter_organisation(), region=world.case.municipality.region)
    coordinator = coordinator_of(facility)
    placement = place(facility, world.person, by=coordinator, case=world.case)
    waiting = wait(facility, PersonFactory(), by=coordinator)
    make_facility(region=RegionFactory(name="Elders"))
    world.extra.update(
        shelter_facility=facility,
        shelter_coordinator=coordinator,
        shelter_placement=placement,
        shelter_waiting=waiting,
    )


def _coordinator(w: Any) -> Any:
    return w.extra["shelter_coordinator"]


def _waiting_person(w: Any) -> Any:
    return w.extra["shelter_waiting"].person


PAGES = {
    "shelter:facility_detail": Spec(
        lambda w: reverse("shelter:facility_detail", args=[w.extra["shelter_facility"].pk]), _coordinator
    ),
    "shelter:place": Spec(
        lambda w: reverse("shelter:place", args=[w.extra["shelter_facility"].pk]),
        _coordinator,
        shows=_waiting_person,
    ),
    "shelter:placement_detail": Spec(
        lambda w: reverse("shelter:placement_detail", args=[w.extra["shelter_placement"].pk]), _coordinator
    ),
    "shelter:depart": Spec(
        lambda w: reverse("shelter:depart", args=[w.extra["shelter_placement"].pk]), _coordinator
    ),
    "shelter:move": Spec(
        lambda w: reverse("shelter:move", args=[w.extra["shelter_placement"].pk]), _coordinator
    ),
    "shelter:refer": Spec(
        lambda w: reverse("shelter:refer", args=[w.extra["shelter_waiting"].pk]),
        _coordinator,
        shows=_waiting_person,
    ),
}

API = {
    ("GET", "/api/v1/shelter/facilities/{facility_id}/placements"): Spec(
        lambda w: f"/api/v1/shelter/facilities/{w.extra['shelter_facility'].pk}/placements", _coordinator
    ),
}
