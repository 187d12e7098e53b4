"""Demo shelter: facilities of several types in the demo region (most run by the shelter
organisation whose team the demo user `opvang` works in, two by a second shelter
organisation), one facility in another region for referrals, families placed with their
children, some who left, a waiting list and one referral."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from haard.accounts.models import Organisation, OrganisationType, Team, User
from haard.cases.models import CaseMember
from haard.core.models import Municipality, Region
from haard.demo.names import REGION_SHORT
from haard.demo.organisations import SLOT_SHELTER
from haard.registry.models import Gender, HouseholdMember, HouseholdRole
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

if TYPE_CHECKING:
    from haard.demo.steps import DemoContext

ORDER = 50

# (name, type, adult places, child places, street, postcode, town, run by the second organisation)
FACILITIES: list[tuple[str, str, int, int, str, str, str, bool]] = [
    (
        "Vrouwenopvang De Linde",
        FacilityType.WOMENS_SHELTER,
        12,
        16,
        "Lindelaan 4",
        "9401 AA",
        "Haardstad",
        False,
    ),
    ("Crisisopvang De Brug", FacilityType.CRISIS, 6, 8, "Brugstraat 19", "9402 BB", "Haardstad", False),
    ("Mannenopvang Het Anker", FacilityType.MENS_SHELTER, 5, 2, "Ankerweg 2", "9403 CC", "Haardstad", False),
    (
        "Safe house De Wachter",
        FacilityType.EXTREME_THREAT,
        3,
        3,
        "Wachterspad 8",
        "9404 DD",
        "Haardstad",
        False,
    ),
    (
        "Opvang eergerelateerd geweld De Sluier",
        FacilityType.HONOUR_RELATED,
        4,
        4,
        "Sluisweg 11",
        "9405 EE",
        "Haardstad",
        True,
    ),
    (
        "Opvang mensenhandel en uitbuiting De Schakel",
        FacilityType.HUMAN_TRAFFICKING,
        4,
        2,
        "Schakelhof 6",
        "9406 FF",
        "Haardstad",
        True,
    ),
    (
        "Loverboy-opvang Het Kompas",
        FacilityType.EXPLOITATION,
        4,
        0,
        "Kompasstraat 3",
        "9407 GG",
        "Haardstad",
        True,
    ),
]
OTHER_REGION = "Regio Oostland (buiten de demoregio)"
REASONS = [
    "Acute dreiging door ex-partner, politie betrokken.",
    "Huisverbod verlopen, pleger terug in de buurt.",
    "Kinderen getuige van geweld; huidige slaapplek bij vriendin loopt af.",
    "Dreiging vanuit familie na weigering huwelijk.",
    "Stalking houdt aan ondanks contactverbod.",
    "Dakloos na vlucht uit huis, geen netwerk in de regio.",
]
DESTINATIONS = [
    DepartureDestination.NEW_HOME,
    DepartureDestination.FAMILY_FRIENDS,
    DepartureDestination.ASSISTED_LIVING,
    DepartureDestination.OWN_HOME,
]


def _families(context: DemoContext) -> tuple[list[tuple[int, list[int]]], list[int]]:
    """Mothers with their children, and men living alone or as partners, from the registry."""
    members = (
        HouseholdMember.objects.filter(household_id__in=context.household_ids)
        .select_related("person")
        .order_by("household_id", "pk")
    )
    households: dict[int, list[HouseholdMember]] = defaultdict(list)
    for member in members:
        households[member.household_id].append(member)
    mothers, men = [], []
    for household in households.values():
        children = [m.person_id for m in household if m.role == HouseholdRole.CHILD]
        mother = next(
            (
                m.person_id
                for m in household
                if m.role in (HouseholdRole.PARENT, HouseholdRole.PARTNER)
                and m.person.gender == Gender.FEMALE
            ),
            None,
        )
        if mother is not None:
            mothers.append((mother, children[:4]))
        men += [
            m.person_id
            for m in household
            if m.role in (HouseholdRole.PARENT, HouseholdRole.PARTNER) and m.person.gender == Gender.MALE
        ]
    return mothers, men


def generate(context: DemoContext) -> dict[str, int]:
    rng = random.Random(context.seed * 7 + 50)
    today = context.today
    region = Municipality.objects.filter(pk__in=context.municipality_ids.values()).first()
    if region is None:
        return {}
    home = region.region
    opvang = User.objects.filter(username="opvang").first()
    own_team = context.organisations.slots.get(SLOT_SHELTER)
    if opvang is None or own_team is None:
        return {}
    own = own_team.organisation
    specialised = Organisation.objects.create(
        name=f"Specialistische Opvang {REGION_SHORT}", type=OrganisationType.SHELTER
    )
    specialised.municipalities.set(own.municipalities.all())
    Team.objects.create(organisation=specialised, name="Specialistische opvang")
    elsewhere, _ = Region.objects.get_or_create(name=OTHER_REGION)
    far_org = Organisation.objects.create(name="Veilige Opvang Oostland", type=OrganisationType.SHELTER)
    Team.objects.create(organisation=far_org, name="Opvang")

    facilities = [
        Facility.objects.create(
            name=name,
            type=kind,
            organisation=specialised if second else own,
            region=home,
            street_address=street,
            postcode=postcode,
            town=town,
            adult_places=adult,
            child_places=child,
        )
        for name, kind, adult, child, street, postcode, town, second in FACILITIES
    ]
    far = Facility.objects.create(
        name="Opvang eer en veiligheid Oostland",
        type=FacilityType.HONOUR_RELATED,
        organisation=far_org,
        region=elsewhere,
        street_address="Verre Weg 1",
        postcode="7001 XX",
        town="Oostdorp",
        adult_places=6,
        child_places=6,
    )

    mothers, men = _families(context)
    rng.shuffle(mothers)
    rng.shuffle(men)
    case_of = dict(
        CaseMember.objects.filter(person_id__in=[m for m, _ in mothers] + men)
        .order_by("case_id")
        .values_list("person_id", "case_id")
    )
    free = {f.pk: [f.adult_places, f.child_places] for f in facilities}
    placements = departed = 0
    family_targets = [f for f in facilities if f.type in (FacilityType.WOMENS_SHELTER, FacilityType.CRISIS)]
    family_targets += [f for f in facilities if f.type == FacilityType.EXTREME_THREAT]
    wanted_families = 8 if context.size == "small" else 14
    used: set[int] = set()
    for mother, children in mothers[: wanted_families * 2]:
        target = next(
            (f for f in family_targets if free[f.pk][0] >= 1 and free[f.pk][1] >= len(children)), None
        )
        if target is None or placements >= wanted_families * 3:
            break
        arrived = today - timedelta(days=rng.randint(3, 150))
        leaves = rng.random() < 0.25
        departure = (
            arrived + timedelta(days=rng.randint(1, max(1, (today - arrived).days))) if leaves else None
        )
        planned = today + timedelta(days=rng.randint(2, 40)) if not leaves and rng.random() < 0.5 else None
        common = {
            "facility": target,
            "case_id": case_of.get(mother),
            "arrived_on": arrived,
            "planned_departure_on": planned,
            "departed_on": departure,
            "destination": rng.choice(DESTINATIONS) if departure else "",
            "placed_by": opvang,
        }
        guardian = Placement.objects.create(person_id=mother, place_type=PlaceType.ADULT, **common)
        Placement.objects.bulk_create(
            [
                Placement(person_id=child, place_type=PlaceType.CHILD, guardian=guardian, **common)
                for child in children
            ]
        )
        used.update([mother, *children])
        placements += 1 + len(children)
        if departure:
            departed += 1 + len(children)
        else:
            free[target.pk][0] -= 1
            free[target.pk][1] -= len(children)
    mens = next(f for f in facilities if f.type == FacilityType.MENS_SHELTER)
    for man in men[:3]:
        Placement.objects.create(
            facility=mens,
            person_id=man,
            case_id=case_of.get(man),
            place_type=PlaceType.ADULT,
            arrived_on=today - timedelta(days=rng.randint(2, 60)),
            placed_by=opvang,
        )
        used.add(man)
        placements += 1

    waiting_people = [m for m, _ in mothers if m not in used][:6]
    entries = []
    for index, person in enumerate(waiting_people):
        registered = timezone.make_aware(datetime.combine(today, time(9))) - timedelta(
            hours=rng.randint(2, 400)
        )
        entries.append(
            WaitingListEntry.objects.create(
                facility=facilities[index % 2],
                person_id=person,
                case_id=case_of.get(person),
                children=rng.randint(0, 3),
                priority=rng.choice(Priority.values),
                reason=rng.choice(REASONS),
                registered_at=registered,
                registered_by=opvang,
            )
        )
    if entries:
        referred = entries[-1]
        referred.status = WaitingStatus.REFERRED
        referred.closed_on = today
        referred.save(update_fields=["status", "closed_on"])
        Referral.objects.create(
            waiting_entry=referred,
            to_facility=far,
            ground=SafetyGround.HONOUR_RELATED,
            reason="Familie van de pleger woont in de regio en zoekt haar actief.",
            referred_on=today,
            referred_by=opvang,
        )
    return {
        "shelter_facilities": len(facilities) + 1,
        "shelter_placements": placements,
        "shelter_departed": departed,
        "shelter_waiting": len(entries),
    }
