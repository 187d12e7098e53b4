"""Shelter in the API: the same selectors and access log as the pages.

`/occupancy` gives places, occupied and free per facility and place type for a national
overview: figures only, no person, the address masked for all but the facility's own staff.
`/facilities/{id}/placements` gives the people present to the facility's own staff."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from haard.accounts.api_support import actor_of, require_scope
from haard.core.models import Region
from haard.shelter import selectors
from haard.shelter.access import sees_capacity
from haard.shelter.models import FacilityType, PlaceType

router = Router(tags=["shelter"])


class PlacesOut(Schema):
    place_type: str
    places: int
    occupied: int
    free: int


class FacilityOccupancyOut(Schema):
    id: int
    name: str
    type: str
    organisation: str
    region: str
    address: str
    places: list[PlacesOut]


class OccupancyOut(Schema):
    region: str
    facilities: list[FacilityOccupancyOut]


class PlacementOut(Schema):
    id: int
    person_id: int
    name: str
    birth_date: date | None
    place_type: str
    guardian_placement_id: int | None
    case_reference: str | None
    arrived_on: date
    planned_departure_on: date | None


@router.get("/occupancy", response=list[OccupancyOut], summary="Places and occupancy per facility and type")
def occupancy(
    request: HttpRequest,
    region_id: int | None = None,
    type: FacilityType | None = None,  # noqa: A002
) -> list[dict[str, object]]:
    actor = actor_of(request)
    if not sees_capacity(actor):
        raise HttpError(403, "Your role does not see shelter capacity.")
    region = None
    if region_id is not None:
        region = Region.objects.filter(pk=region_id).first()
        if region is None:
            raise HttpError(404, "Unknown region.")
    by_region: dict[str, list[dict[str, object]]] = {}
    for row in selectors.occupancy_rows(actor=actor, region=region, facility_type=type or ""):
        by_region.setdefault(row.facility.region.name, []).append(
            {
                "id": row.facility.pk,
                "name": row.facility.name,
                "type": row.facility.type,
                "organisation": row.facility.organisation.name,
                "region": row.facility.region.name,
                "address": row.address,
                "places": [
                    {
                        "place_type": PlaceType.ADULT.value,
                        "places": row.adult_places,
                        "occupied": row.adult_occupied,
                        "free": row.adult_free,
                    },
                    {
                        "place_type": PlaceType.CHILD.value,
                        "places": row.child_places,
                        "occupied": row.child_occupied,
                        "free": row.child_free,
                    },
                ],
            }
        )
    return [{"region": name, "facilities": rows} for name, rows in by_region.items()]


@router.get(
    "/facilities/{facility_id}/placements",
    response=list[PlacementOut],
    summary="The people present in a facility you work in",
)
def facility_placements(request: HttpRequest, facility_id: int) -> list[dict[str, object]]:
    require_scope(request, "people:read")
    _facility, placements = selectors.show_facility_placements(request=request, pk=facility_id)
    return [
        {
            "id": p.pk,
            "person_id": p.person_id,
            "name": p.person.full_name,
            "birth_date": p.person.birth_date,
            "place_type": p.place_type,
            "guardian_placement_id": p.guardian_id,
            "case_reference": p.case.reference if p.case else None,
            "arrived_on": p.arrived_on,
            "planned_departure_on": p.planned_departure_on,
        }
        for p in placements
    ]
