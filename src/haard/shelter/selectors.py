"""Reads for the shelter. Every function takes the actor; the ones that show people write the
access-log entry. Occupancy is counted from the placements present, in one query however many
facilities and placements there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from haard.accounts.models import Membership, User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.core.models import Region
from haard.shelter.access import address_for, own_facility_ids, staff_facilities
from haard.shelter.models import (
    Facility,
    FacilityType,
    Placement,
    PlaceType,
    Referral,
    WaitingListEntry,
    WaitingStatus,
)

PRESENT = Q(placements__departed_on__isnull=True)


def with_occupancy(facilities: QuerySet[Facility]) -> QuerySet[Facility]:
    """Annotate `adult_occupied` and `child_occupied` from the placements present now."""
    return facilities.annotate(
        adult_occupied=Count("placements", filter=PRESENT & Q(placements__place_type=PlaceType.ADULT)),
        child_occupied=Count("placements", filter=PRESENT & Q(placements__place_type=PlaceType.CHILD)),
    )


@dataclass
class FacilityRow:
    facility: Facility
    address: str
    own: bool
    adult_places: int
    adult_occupied: int
    child_places: int
    child_occupied: int

    @property
    def adult_free(self) -> int:
        return max(self.adult_places - self.adult_occupied, 0)

    @property
    def child_free(self) -> int:
        return max(self.child_places - self.child_occupied, 0)

    @property
    def free(self) -> int:
        return self.adult_free + self.child_free


@dataclass
class TypeTotal:
    type: str
    label: str
    facilities: int = 0
    adult_places: int = 0
    adult_free: int = 0
    child_places: int = 0
    child_free: int = 0


@dataclass
class Capacity:
    region: Region | None
    rows: list[FacilityRow] = field(default_factory=list)
    totals: list[TypeTotal] = field(default_factory=list)

    @property
    def adult_free(self) -> int:
        return sum(row.adult_free for row in self.rows)

    @property
    def child_free(self) -> int:
        return sum(row.child_free for row in self.rows)

    @property
    def free(self) -> int:
        return self.adult_free + self.child_free


def home_region(actor: User) -> Region | None:
    """The region the actor works in: of their facility, else of the municipalities their
    organisations serve, else the first region."""
    facility = staff_facilities(actor).select_related("region").order_by("pk").first()
    if facility is not None:
        return facility.region
    region_id = (
        Membership.objects.filter(user=actor, active=True)
        .exclude(team__organisation__municipalities__isnull=True)
        .values_list("team__organisation__municipalities__region_id", flat=True)
        .first()
    )
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    return region or Region.objects.order_by("pk").first()


def occupancy_rows(
    *, actor: User, region: Region | None = None, facility_type: str = ""
) -> list[FacilityRow]:
    """Places, occupied and free per active facility (of one region, or all) right now, in one
    query. Figures only; the address is masked except for the facility's own staff."""
    facilities = with_occupancy(
        Facility.objects.filter(active=True).select_related("organisation", "region")
    ).order_by("region__name", "type", "name")
    if region is not None:
        facilities = facilities.filter(region=region)
    if facility_type:
        facilities = facilities.filter(type=facility_type)
    own = own_facility_ids(actor)
    return [
        FacilityRow(
            facility=facility,
            address=address_for(actor, facility),
            own=facility.pk in own,
            adult_places=facility.adult_places,
            adult_occupied=facility.adult_occupied,  # type: ignore[attr-defined]
            child_places=facility.child_places,
            child_occupied=facility.child_occupied,  # type: ignore[attr-defined]
        )
        for facility in facilities
    ]


def capacity(*, actor: User, region: Region | None, facility_type: str = "") -> Capacity:
    """The region's facilities with their figures (see `occupancy_rows`) and the totals per
    facility type."""
    result = Capacity(region=region)
    if region is None:
        return result
    result.rows = occupancy_rows(actor=actor, region=region, facility_type=facility_type)
    totals = {value: TypeTotal(type=value, label=str(label)) for value, label in FacilityType.choices}
    for row in result.rows:
        total = totals[row.facility.type]
        total.facilities += 1
        total.adult_places += row.adult_places
        total.adult_free += row.adult_free
        total.child_places += row.child_places
        total.child_free += row.child_free
    result.totals = [total for total in totals.values() if total.facilities]
    return result


def own_facilities(*, actor: User) -> list[FacilityRow]:
    """The facilities the actor works in, with occupancy and their address."""
    facilities = with_occupancy(staff_facilities(actor).select_related("region", "organisation"))
    return [
        FacilityRow(
            facility=f,
            address=f.full_address,
            own=True,
            adult_places=f.adult_places,
            adult_occupied=f.adult_occupied,  # type: ignore[attr-defined]
            child_places=f.child_places,
            child_occupied=f.child_occupied,  # type: ignore[attr-defined]
        )
        for f in facilities.order_by("name")
    ]


def own_facility(*, actor: User, pk: int) -> FacilityRow:
    """One facility the actor works in, with occupancy; Http404 otherwise."""
    facility = (
        with_occupancy(staff_facilities(actor).select_related("region", "organisation")).filter(pk=pk).first()
    )
    if facility is None:
        raise Http404
    return FacilityRow(
        facility=facility,
        address=facility.full_address,
        own=True,
        adult_places=facility.adult_places,
        adult_occupied=facility.adult_occupied,  # type: ignore[attr-defined]
        child_places=facility.child_places,
        child_occupied=facility.child_occupied,  # type: ignore[attr-defined]
    )


def present_placements(*, actor: User, facility: Facility) -> list[Placement]:
    """The adults present in the facility, each with the children placed with them (and
    children whose parent has left, on their own)."""
    rows = (
        Placement.objects.visible_to(actor)
        .filter(facility=facility, departed_on__isnull=True)
        .select_related("person", "case", "guardian")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=Placement.objects.filter(departed_on__isnull=True).select_related("person"),
                to_attr="present_children",
            )
        )
        .order_by("arrived_on", "pk")
    )
    return [p for p in rows if p.guardian is None or not p.guardian.is_active]


def waiting_list(*, actor: User, facility: Facility) -> list[WaitingListEntry]:
    """The people waiting for this facility, by priority, then by the moment of registration."""
    return list(
        WaitingListEntry.objects.visible_to(actor)
        .filter(facility=facility, status=WaitingStatus.WAITING)
        .select_related("person", "case")
        .order_by("priority", "registered_at", "pk")
    )


def referrals(*, actor: User, facility: Facility) -> list[Referral]:
    return list(
        Referral.objects.visible_to(actor)
        .filter(waiting_entry__facility=facility)
        .select_related("waiting_entry__person", "to_facility__region", "referred_by")
        .order_by("-referred_on", "-pk")[:20]
    )


@dataclass
class FacilityView:
    row: FacilityRow
    placements: list[Placement]
    waiting: list[WaitingListEntry]
    referrals: list[Referral]

    @property
    def children_present(self) -> int:
        return self.row.child_occupied


def show_facility(*, request: Any, pk: int) -> FacilityView:
    """A facility of the actor's with the people present, waiting and referred; logged."""
    actor = request.user
    row = own_facility(actor=actor, pk=pk)
    view = FacilityView(
        row=row,
        placements=present_placements(actor=actor, facility=row.facility),
        waiting=waiting_list(actor=actor, facility=row.facility),
        referrals=referrals(actor=actor, facility=row.facility),
    )
    person_ids = [p.person_id for p in view.placements]
    person_ids += [c.person_id for p in view.placements for c in getattr(p, "present_children", [])]
    person_ids += [e.person_id for e in view.waiting] + [r.waiting_entry.person_id for r in view.referrals]
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="shelter.Facility",
        record_id=row.facility.pk,
        person_ids=person_ids,
    )
    return view


def show_facility_placements(*, request: Any, pk: int) -> tuple[Facility, list[Placement]]:
    """Everyone present in a facility of the actor's (adults and children), logged."""
    actor = request.user
    if pk not in own_facility_ids(actor):
        raise Http404
    placements = list(
        Placement.objects.visible_to(actor)
        .filter(facility_id=pk, departed_on__isnull=True)
        .select_related("person", "case", "facility")
        .order_by("arrived_on", "pk")
    )
    facility = placements[0].facility if placements else Facility.objects.get(pk=pk)
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="shelter.Placement",
        query=f"facility={pk}",
        person_ids=[p.person_id for p in placements],
    )
    return facility, placements


def show_placement(*, request: Any, pk: int) -> Placement:
    """One placement of the actor's facilities with its family and its moves; logged."""
    actor = request.user
    placement = (
        Placement.objects.visible_to(actor)
        .select_related("person", "facility", "case", "guardian__person", "moved_from__facility")
        .prefetch_related(
            Prefetch("children", queryset=Placement.objects.select_related("person").order_by("pk"))
        )
        .filter(pk=pk)
        .first()
    )
    if placement is None:
        raise Http404
    people = [placement.person_id] + [c.person_id for c in placement.children.all()]
    if placement.guardian is not None:
        people.append(placement.guardian.person_id)
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="shelter.Placement",
        record_id=placement.pk,
        person_ids=people,
    )
    return placement


def show_waiting_entry(*, request: Any, pk: int) -> WaitingListEntry:
    entry = (
        WaitingListEntry.objects.visible_to(request.user)
        .select_related("person", "facility__region", "case")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="shelter.WaitingListEntry",
        record_id=entry.pk,
        person_ids=[entry.person_id],
    )
    return entry


def other_region_facilities(*, region: Region) -> QuerySet[Facility]:
    """Facilities outside `region` (for a referral): names and figures only."""
    return (
        with_occupancy(Facility.objects.filter(active=True).exclude(region=region))
        .select_related("region")
        .order_by("region__name", "type", "name")
    )


def move_targets(*, placement: Placement) -> QuerySet[Facility]:
    """Every other active facility, with its figures (a move may cross regions)."""
    return (
        with_occupancy(Facility.objects.filter(active=True).exclude(pk=placement.facility_id))
        .select_related("region")
        .order_by("region__name", "type", "name")
    )


def log_shown(*, request: Any, record_type: str, people: list[int], query: str = "") -> None:
    """Log a page that shows people (for instance the names in a form's choices)."""
    log_access(request=request, action=Action.VIEW, record_type=record_type, query=query, person_ids=people)
