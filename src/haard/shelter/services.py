"""Writes for the shelter. Keyword-only, one transaction each; a refusal raises
ValidationError naming the field (or PermissionDenied) and writes nothing.

Capacity is checked under a lock on the facility row (`select_for_update`): every write that
takes a place locks the facility first, so two coordinators placing into the last place at the
same moment are served one after the other and the second is told the facility is full.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from haard.accounts.access import has_capability
from haard.accounts.models import OrganisationType, User
from haard.cases.models import Case
from haard.core.models import Region
from haard.registry.models import Gender, Person
from haard.registry.services import register_person
from haard.shelter.access import own_facility_ids
from haard.shelter.models import (
    DepartureDestination,
    Facility,
    FacilityType,
    Placement,
    PlaceType,
    Priority,
    Referral,
    SafetyGround,
    WaitingListEntry,
    WaitingStatus,
)


@dataclass(frozen=True)
class Occupancy:
    adult: int
    child: int

    def of(self, place_type: str) -> int:
        return self.adult if place_type == PlaceType.ADULT else self.child


def _require_staff(actor: User, facility: Facility) -> None:
    if not has_capability(actor, "manage_shelter") or facility.pk not in own_facility_ids(actor):
        raise PermissionDenied(_("You do not work in this facility."))


def _locked_facility(facility_id: int) -> Facility:
    facility = Facility.objects.select_for_update().filter(pk=facility_id, active=True).first()
    if facility is None:
        raise ValidationError({"facility": _("Unknown facility.")})
    return facility


def _occupancy(facility: Facility) -> Occupancy:
    counts = Placement.objects.filter(facility=facility, departed_on__isnull=True).aggregate(
        adult=Count("pk", filter=Q(place_type=PlaceType.ADULT)),
        child=Count("pk", filter=Q(place_type=PlaceType.CHILD)),
    )
    return Occupancy(adult=counts["adult"] or 0, child=counts["child"] or 0)


def _check_room(facility: Facility, wanted: dict[str, int], field: str = "facility") -> None:
    occupied = _occupancy(facility)
    for place_type, number in wanted.items():
        if not number:
            continue
        free = facility.places(place_type) - occupied.of(place_type)
        if number > free:
            raise ValidationError(
                {
                    field: _(
                        "%(facility)s is full: %(wanted)d %(type)s place(s) asked, %(free)d free. "
                        "Put the person on the waiting list or find another facility."
                    )
                    % {
                        "facility": facility.name,
                        "wanted": number,
                        "type": PlaceType(place_type).label,
                        "free": max(free, 0),
                    }
                }
            )


@transaction.atomic
def create_facility(
    *,
    name: str,
    facility_type: str,
    organisation_id: int,
    region: Region,
    street_address: str,
    postcode: str,
    town: str,
    adult_places: int,
    child_places: int,
) -> Facility:
    """A facility run by a shelter organisation (for reference data and the demo)."""
    from haard.accounts.models import Organisation

    errors: dict[str, str] = {}
    if facility_type not in FacilityType.values:
        errors["type"] = _("Unknown facility type.")
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or organisation.type != OrganisationType.SHELTER:
        errors["organisation"] = _("A facility is run by a shelter organisation.")
    if adult_places < 0 or child_places < 0:
        errors["adult_places"] = _("Places cannot be negative.")
    if not name.strip():
        errors["name"] = _("A facility needs a name.")
    if errors or organisation is None:
        raise ValidationError(errors)
    return Facility.objects.create(
        name=name.strip(),
        type=facility_type,
        organisation=organisation,
        region=region,
        street_address=street_address.strip(),
        postcode=postcode.strip(),
        town=town.strip(),
        adult_places=adult_places,
        child_places=child_places,
    )


@transaction.atomic
def place_family(
    *,
    actor: User,
    facility_id: int,
    adult: Person,
    children: Sequence[Person] = (),
    arrived_on: date,
    planned_departure_on: date | None = None,
    case: Case | None = None,
    waiting_entry: WaitingListEntry | None = None,
) -> Placement:
    """Place an adult and the children who come along (one adult place, a child place each)
    in a facility the actor works in; close the waiting-list entry it came from. Refused when
    the facility has too few free places of either type."""
    facility = _locked_facility(facility_id)
    _require_staff(actor, facility)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if arrived_on > today:
        errors["arrived_on"] = _("The arrival cannot lie in the future.")
    if planned_departure_on is not None and planned_departure_on < arrived_on:
        errors["planned_departure_on"] = _("The planned departure cannot lie before the arrival.")
    people = [adult.pk, *(child.pk for child in children)]
    if len(set(people)) != len(people):
        errors["children"] = _("The same person is named twice.")
    if Placement.objects.filter(person_id__in=people, departed_on__isnull=True).exists():
        errors["adult"] = _("Someone in this family is placed already: move that placement instead.")
    if waiting_entry is not None and (
        waiting_entry.facility_id != facility.pk or waiting_entry.status != WaitingStatus.WAITING
    ):
        errors["waiting_entry"] = _("This waiting-list entry is not open for this facility.")
    if errors:
        raise ValidationError(errors)
    _check_room(facility, {PlaceType.ADULT: 1, PlaceType.CHILD: len(children)})

    guardian = Placement.objects.create(
        facility=facility,
        person=adult,
        case=case,
        place_type=PlaceType.ADULT,
        arrived_on=arrived_on,
        planned_departure_on=planned_departure_on,
        placed_by=actor,
    )
    Placement.objects.bulk_create(
        [
            Placement(
                facility=facility,
                person=child,
                case=case,
                place_type=PlaceType.CHILD,
                guardian=guardian,
                arrived_on=arrived_on,
                planned_departure_on=planned_departure_on,
                placed_by=actor,
            )
            for child in children
        ]
    )
    if waiting_entry is not None:
        waiting_entry.status = WaitingStatus.PLACED
        waiting_entry.closed_on = arrived_on
        waiting_entry.save(update_fields=["status", "closed_on", "updated_at"])
    return guardian


@transaction.atomic
def place_child(
    *,
    actor: User,
    facility_id: int,
    child: Person,
    guardian: Placement | None,
    arrived_on: date,
) -> Placement:
    """Place a child with a parent or guardian who is placed (now) in the same facility."""
    facility = _locked_facility(facility_id)
    _require_staff(actor, facility)
    if guardian is not None:  # as it stands now, not as the caller last read it
        guardian = Placement.objects.filter(pk=guardian.pk).first()
    if guardian is None or guardian.facility_id != facility.pk or not guardian.is_active:
        raise ValidationError(
            {"guardian": _("A child is placed only with a parent or guardian placed in the same facility.")}
        )
    if guardian.place_type != PlaceType.ADULT:
        raise ValidationError({"guardian": _("A child's parent or guardian has an adult place.")})
    if arrived_on < guardian.arrived_on or arrived_on > timezone.localdate():
        raise ValidationError(
            {"arrived_on": _("The child arrives on or after the parent, and not in the future.")}
        )
    if Placement.objects.filter(person=child, departed_on__isnull=True).exists():
        raise ValidationError({"child": _("This child is placed already.")})
    _check_room(facility, {PlaceType.CHILD: 1})
    return Placement.objects.create(
        facility=facility,
        person=child,
        case=guardian.case,
        place_type=PlaceType.CHILD,
        guardian=guardian,
        arrived_on=arrived_on,
        planned_departure_on=guardian.planned_departure_on,
        placed_by=actor,
    )


def _family(placement: Placement) -> list[Placement]:
    """The placement and, for an adult, the children placed with them (still present)."""
    children = list(placement.children.filter(departed_on__isnull=True).select_for_update())
    return [placement, *children]


def _locked_placement(actor: User, placement_id: int, *, also_lock: int | None = None) -> Placement:
    """The placement, present and not a child's, with its facility locked (and `also_lock`,
    the target of a move: always in the order of their ids, so that two opposite moves at the
    same moment cannot deadlock)."""
    placement = Placement.objects.visible_to(actor).filter(pk=placement_id).first()
    if placement is None:
        raise ValidationError({"placement": _("Unknown placement.")})
    ids = {placement.facility_id} | ({also_lock} if also_lock is not None else set())
    list(Facility.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    placement = Placement.objects.select_for_update().get(pk=placement_id)
    if not placement.is_active:
        raise ValidationError({"placement": _("This person has left the facility already.")})
    if placement.guardian is not None and placement.guardian.is_active:
        raise ValidationError(
            {"placement": _("A child leaves or moves with the parent or guardian: use their placement.")}
        )
    return placement


@transaction.atomic
def record_departure(
    *, actor: User, placement_id: int, departed_on: date, destination: str, destination_note: str = ""
) -> list[Placement]:
    """Record that a person left, with the destination; children placed with them leave too."""
    placement = _locked_placement(actor, placement_id)
    errors: dict[str, str] = {}
    if destination not in DepartureDestination.values:
        errors["destination"] = _("Choose a destination.")
    elif destination == DepartureDestination.OTHER_SHELTER:
        errors["destination"] = _("A move to another facility is recorded with 'Move'.")
    if departed_on < placement.arrived_on:
        errors["departed_on"] = _("The departure cannot lie before the arrival (%(date)s).") % {
            "date": placement.arrived_on.strftime("%d-%m-%Y")
        }
    elif departed_on > timezone.localdate():
        errors["departed_on"] = _("The departure cannot lie in the future: plan it instead.")
    family = _family(placement)
    if any(departed_on < member.arrived_on for member in family):
        errors.setdefault("departed_on", _("The departure cannot lie before a child's arrival."))
    if errors:
        raise ValidationError(errors)
    for member in family:
        member.departed_on = departed_on
        member.destination = destination
        member.destination_note = destination_note.strip()
        member.save(update_fields=["departed_on", "destination", "destination_note", "updated_at"])
    return family


@transaction.atomic
def move_placement(*, actor: User, placement_id: int, to_facility_id: int, moved_on: date) -> Placement:
    """Move a person (and the children placed with them) to another facility: the current
    placements end with destination 'another shelter facility', new ones start there. The
    target facility must have room; the actor need not work there."""
    placement = _locked_placement(actor, placement_id, also_lock=to_facility_id)
    if to_facility_id == placement.facility_id:
        raise ValidationError({"to_facility": _("Choose another facility.")})
    target = Facility.objects.filter(pk=to_facility_id, active=True).first()
    if target is None:
        raise ValidationError({"to_facility": _("Unknown facility.")})
    family = _family(placement)
    if moved_on < max(member.arrived_on for member in family) or moved_on > timezone.localdate():
        raise ValidationError(
            {"moved_on": _("The move lies on or after the arrival, and not in the future.")}
        )
    children = len(family) - 1
    _check_room(target, {placement.place_type: 1, PlaceType.CHILD: children}, field="to_facility")
    moved: dict[int, Placement] = {}
    for member in family:
        member.departed_on = moved_on
        member.destination = DepartureDestination.OTHER_SHELTER
        member.destination_note = target.name
        member.save(update_fields=["departed_on", "destination", "destination_note", "updated_at"])
        moved[member.pk] = Placement.objects.create(
            facility=target,
            person_id=member.person_id,
            case_id=member.case_id,
            place_type=member.place_type,
            guardian=moved.get(member.guardian_id) if member.guardian_id else None,
            arrived_on=moved_on,
            planned_departure_on=member.planned_departure_on,
            moved_from=member,
            placed_by=actor,
        )
    return moved[placement.pk]


@transaction.atomic
def add_to_waiting_list(
    *,
    actor: User,
    facility_id: int,
    person: Person,
    priority: int,
    reason: str,
    children: int = 0,
    case: Case | None = None,
) -> WaitingListEntry:
    """Put someone on a facility's waiting list with a priority and its reason."""
    facility = Facility.objects.filter(pk=facility_id, active=True).first()
    if facility is None:
        raise ValidationError({"facility": _("Unknown facility.")})
    _require_staff(actor, facility)
    errors: dict[str, str] = {}
    if priority not in Priority.values:
        errors["priority"] = _("Unknown priority.")
    if not reason.strip():
        errors["reason"] = _("State the reason for the priority.")
    if children < 0 or children > 20:
        errors["children"] = _("Give the number of children coming along (0 to 20).")
    if WaitingListEntry.objects.filter(
        facility=facility, person=person, status=WaitingStatus.WAITING
    ).exists():
        errors["person"] = _("This person is on this waiting list already.")
    if errors:
        raise ValidationError(errors)
    return WaitingListEntry.objects.create(
        facility=facility,
        person=person,
        case=case,
        children=children,
        priority=priority,
        reason=reason.strip(),
        registered_at=timezone.now(),
        registered_by=actor,
    )


@transaction.atomic
def refer_to_other_region(
    *, actor: User, waiting_entry_id: int, to_facility_id: int, ground: str, reason: str
) -> Referral:
    """Refer someone waiting to a facility in another region because their safety requires it;
    the waiting-list entry closes as referred."""
    entry = (
        WaitingListEntry.objects.visible_to(actor)
        .select_for_update()
        .select_related("facility")
        .filter(pk=waiting_entry_id)
        .first()
    )
    if entry is None:
        raise ValidationError({"waiting_entry": _("Unknown waiting-list entry.")})
    errors: dict[str, str] = {}
    if entry.status != WaitingStatus.WAITING:
        errors["waiting_entry"] = _("This person is no longer waiting.")
    target = Facility.objects.filter(pk=to_facility_id, active=True).first()
    if target is None:
        errors["to_facility"] = _("Unknown facility.")
    elif target.region_id == entry.facility.region_id:
        errors["to_facility"] = _(
            "This facility lies in your own region: use the waiting list or a placement."
        )
    if ground not in SafetyGround.values:
        errors["ground"] = _("Choose the safety ground.")
    if not reason.strip():
        errors["reason"] = _("State why safety requires a place in another region.")
    if errors or target is None:
        raise ValidationError(errors)
    today = timezone.localdate()
    entry.status = WaitingStatus.REFERRED
    entry.closed_on = today
    entry.save(update_fields=["status", "closed_on", "updated_at"])
    return Referral.objects.create(
        waiting_entry=entry,
        to_facility=target,
        ground=ground,
        reason=reason.strip(),
        referred_on=today,
        referred_by=actor,
    )


@dataclass(frozen=True)
class NewPerson:
    first_names: str
    surname: str
    birth_date: date | None = None
    gender: str = Gender.OTHER


def _register(person: NewPerson, field: str) -> Person:
    try:
        return register_person(
            first_names=person.first_names,
            surname=person.surname,
            birth_date=person.birth_date,
            gender=person.gender,
        )
    except ValidationError as exc:
        raise ValidationError({field: [f"{message}" for message in exc.messages]}) from exc


@transaction.atomic
def register_and_place(
    *,
    actor: User,
    facility_id: int,
    adult: NewPerson | None,
    children: Sequence[NewPerson],
    arrived_on: date,
    planned_departure_on: date | None = None,
    case: Case | None = None,
    waiting_entry: WaitingListEntry | None = None,
) -> Placement:
    """Place a family arriving now: the adult comes from the waiting-list entry or is
    registered as a new person, the children are registered. All or nothing: a full facility
    leaves no person behind."""
    facility = Facility.objects.filter(pk=facility_id, active=True).first()
    if facility is None:
        raise ValidationError({"facility": _("Unknown facility.")})
    _require_staff(actor, facility)
    if waiting_entry is None and adult is None:
        raise ValidationError({"surname": _("Name the adult, or choose someone from the waiting list.")})
    person = waiting_entry.person if waiting_entry is not None else _register(adult, "surname")  # type: ignore[arg-type]
    kids = [_register(child, f"child_{index}_surname") for index, child in enumerate(children, start=1)]
    return place_family(
        actor=actor,
        facility_id=facility_id,
        adult=person,
        children=kids,
        arrived_on=arrived_on,
        planned_departure_on=planned_departure_on,
        case=case or (waiting_entry.case if waiting_entry is not None else None),
        waiting_entry=waiting_entry,
    )


@transaction.atomic
def register_and_wait(
    *,
    actor: User,
    facility_id: int,
    person: NewPerson,
    priority: int,
    reason: str,
    children: int = 0,
    case: Case | None = None,
) -> WaitingListEntry:
    """Register a new person and put them on the waiting list; all or nothing."""
    facility = Facility.objects.filter(pk=facility_id, active=True).first()
    if facility is None:
        raise ValidationError({"facility": _("Unknown facility.")})
    _require_staff(actor, facility)
    return add_to_waiting_list(
        actor=actor,
        facility_id=facility_id,
        person=_register(person, "surname"),
        priority=priority,
        reason=reason,
        children=children,
        case=case,
    )
