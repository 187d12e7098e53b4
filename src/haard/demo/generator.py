"""The deterministic synthetic demo region: `generate_region` writes a whole fictitious region
(geography, addresses, people, households, organisations, demo users and cases) in one
transaction.

Everything is fictitious and drawn from `random.Random` seeded with the given seed (no
Faker): the same seed gives byte-identical names, BSNs and addresses. Dates are counted back
from `today`, so the same seed on the same day gives the same region.

- Municipality codes come from the block GM9001..GM9030, which CBS does not use.
- Postcodes have a valid format (1000–9999, two letters, never SA, SD or SS) and are checked
  with `haard.registry.validation.normalise_postcode`; they are made up.
- BSNs come only from the block 999990000–999999999, which RvIG reserves for test persons
  and never issues. Only the 909 numbers in that block that pass the 11-check are used, each
  once; when they run out the remaining people get no BSN (see `haard.demo.identifiers`).
- Every demo account shares the password `DEMO_PASSWORD`; see `haard.demo.demo_users`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from haard.accounts.models import User
from haard.cases.models import Case, CaseMember, CaseParticipant
from haard.core.models import District, Municipality, Neighbourhood, Region
from haard.demo.caseload import LEAD_OWNER, OWNER_VEILIG_THUIS
from haard.demo.demo_users import (
    CASE_MANAGER_USERNAME,
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    INTAKE_USERNAME,
    POLICE_USERNAME,
    DemoAccount,
    create_demo_users,
)
from haard.demo.names import REGION_NAME
from haard.demo.organisations import SLOT_VT_ASSESSMENT, DemoOrganisations, create_organisations
from haard.demo.plan import SIZES, RegionPlan, build_plan
from haard.demo.reports import write_reports
from haard.demo.steps import DemoContext, run_steps
from haard.intake.models import Report
from haard.registry.models import Address, Household, HouseholdMember, Person

__all__ = ["DEMO_PASSWORD", "SIZES", "DemoRegionError", "DemoSummary", "generate_region", "region_exists"]

BATCH_SIZE = 2_000
HISTORY_REASON = "Demo region generated"

_M = TypeVar("_M", bound=models.Model)


class DemoRegionError(Exception):
    """The demo region cannot be generated here (it exists already, or its names are taken)."""


@dataclass(frozen=True)
class DemoSummary:
    size: str
    seed: int
    municipalities: int
    districts: int
    neighbourhoods: int
    streets: int
    addresses: int
    households: int
    people: int
    people_with_bsn: int
    organisations: int
    teams: int
    users: int
    cases: int
    case_members: int
    case_participants: int
    reports: int
    police_incidents: int
    accounts: list[DemoAccount]
    extra: dict[str, int]  # the counts of the steps in haard.demo.steps

    def counts(self) -> dict[str, int]:
        """The counts by name, for printing."""
        own = {name: value for name, value in vars(self).items() if isinstance(value, int) and name != "seed"}
        return own | self.extra


def region_exists() -> bool:
    """True when the demo region has been generated in this database."""
    return Region.objects.filter(name=REGION_NAME).exists()


def _insert(model: type[_M], objects: Sequence[_M], *, history: bool = True) -> Sequence[_M]:
    """Insert in batches; primary keys are set on the objects (PostgreSQL, SQLite 3.35+).
    With `history`, each row also gets its "created" history record, so that later changes
    can be shown against the original."""
    now = timezone.now()
    for start in range(0, len(objects), BATCH_SIZE):
        chunk = list(objects[start : start + BATCH_SIZE])
        model._default_manager.bulk_create(chunk)
        if chunk and chunk[0].pk is None:
            raise DemoRegionError("This database does not return keys from a bulk insert.")
        if history:
            history_manager: Any = model.history  # type: ignore[attr-defined]
            history_manager.bulk_history_create(chunk, default_change_reason=HISTORY_REASON, default_date=now)
    return objects


def _check_free(plan: RegionPlan) -> None:
    if region_exists():
        raise DemoRegionError(f"The demo region {REGION_NAME!r} exists already in this database.")
    codes = [m.code for m in plan.geography.municipalities]
    taken = list(Municipality.objects.filter(code__in=codes).values_list("code", flat=True))
    if taken:
        raise DemoRegionError(f"Municipality codes already in use: {', '.join(sorted(taken))}.")
    users = list(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
    if users:
        raise DemoRegionError(f"Demo user names already in use: {', '.join(sorted(users))}.")


def _write_geography(plan: RegionPlan) -> tuple[list[Municipality], dict[str, int]]:
    """Write region, municipalities, districts and neighbourhoods; return the municipalities
    in plan order and the primary key of every code."""
    region = Region.objects.create(name=plan.geography.region_name)
    municipalities = [
        Municipality(region=region, code=m.code, name=m.name) for m in plan.geography.municipalities
    ]
    _insert(Municipality, municipalities, history=False)
    ids = {m.code: m.pk for m in municipalities}
    districts = [
        District(municipality_id=ids[m.code], code=d.code, name=d.name)
        for m in plan.geography.municipalities
        for d in m.districts
    ]
    _insert(District, districts, history=False)
    ids.update({d.code: d.pk for d in districts})
    neighbourhoods = [
        Neighbourhood(district_id=ids[d.code], code=n.code, name=n.name, population=n.population)
        for m in plan.geography.municipalities
        for d in m.districts
        for n in d.neighbourhoods
    ]
    _insert(Neighbourhood, neighbourhoods, history=False)
    ids.update({n.code: n.pk for n in neighbourhoods})
    return municipalities, ids


def _write_registry(plan: RegionPlan, ids: dict[str, int], *, history: bool) -> tuple[list[int], list[int]]:
    """Write addresses, people, households and household members; return the primary keys
    of people and households in plan order."""
    addresses = [
        Address(
            postcode=a.postcode,
            house_number=a.house_number,
            house_letter=a.house_letter,
            addition=a.addition,
            street=a.street,
            town=a.town,
            municipality_id=ids[a.municipality_code],
            neighbourhood_id=ids[a.neighbourhood_code],
        )
        for a in plan.addresses
    ]
    _insert(Address, addresses, history=history)
    people = []
    for p in plan.people:
        person = Person(
            first_names=p.first_names,
            surname_prefix=p.surname_prefix,
            surname=p.surname,
            birth_date=p.birth_date,
            gender=p.gender,
        )
        person.fill_match_keys()  # bulk_create skips save(), which fills them otherwise
        if p.bsn:
            person.set_bsn(p.bsn)  # only sets the encrypted value and its hash
        people.append(person)
    _insert(Person, people, history=history)
    households = [Household(name=h.name, address_id=addresses[h.address_index].pk) for h in plan.households]
    _insert(Household, households, history=history)
    members = [
        HouseholdMember(household_id=household.pk, person_id=people[index].pk, role=role)
        for household, h in zip(households, plan.households, strict=True)
        for index, role in h.members
    ]
    _insert(HouseholdMember, members, history=history)
    return [p.pk for p in people], [h.pk for h in households]


def _write_cases(
    plan: RegionPlan,
    ids: dict[str, int],
    person_ids: list[int],
    household_ids: list[int],
    organisations: DemoOrganisations,
    *,
    history: bool,
) -> tuple[int, int]:
    """Write cases, the people in them and the case manager's participations; return the
    number of case members and participants."""
    assessment_team = organisations.slots[SLOT_VT_ASSESSMENT]
    cases = []
    for c in plan.cases:
        if c.owner == OWNER_VEILIG_THUIS:
            team = assessment_team
        else:
            team = organisations.case_teams[c.municipality_code]
        lead = team.organisation if c.lead == LEAD_OWNER else organisations.by_type[c.lead]
        cases.append(
            Case(
                reference=c.reference,
                household_id=household_ids[c.household_index],
                municipality_id=ids[c.municipality_code],
                owning_team=team,
                lead_organisation=lead,
                status=c.status,
                opened_on=c.opened_on,
                closed_on=c.closed_on,
            )
        )
    _insert(Case, cases, history=history)
    members = [
        CaseMember(case_id=case.pk, person_id=person_ids[index], role=role)
        for case, c in zip(cases, plan.cases, strict=True)
        for index, role in c.members
    ]
    _insert(CaseMember, members, history=history)
    case_manager = User.objects.get(username=CASE_MANAGER_USERNAME)
    own_organisation = case_manager.memberships.get().team.organisation
    participants = [
        CaseParticipant(
            case_id=case.pk, user=case_manager, organisation=own_organisation, joined_on=c.opened_on
        )
        for case, c in zip(cases, plan.cases, strict=True)
        if c.case_manager_participates
    ]
    _insert(CaseParticipant, participants, history=history)
    return len(members), len(participants)


def generate_region(
    *, size: str = "small", seed: int = 2026, today: date | None = None, history: bool = True
) -> DemoSummary:
    """Generate the demo region of `size` ('small', 'region' or 'national') from `seed`, in
    one transaction: either all of it is written or nothing is. Dates count back from `today`
    (default: the local date). With `history` (the default) every registry and case row gets
    its "created" history record, as rows made through the application do; without it the
    generation is about twice as fast.

    Raises DemoRegionError when the region exists already (see `region_exists`) or when its
    municipality codes or user names are taken; ValueError for an unknown size.
    """
    if region_exists():  # fail fast, before minutes of planning for a large size
        raise DemoRegionError(f"The demo region {REGION_NAME!r} exists already in this database.")
    plan_today = today or timezone.localdate()
    plan = build_plan(size=size, seed=seed, today=plan_today)
    with transaction.atomic():
        _check_free(plan)
        municipalities, ids = _write_geography(plan)
        organisations = create_organisations(
            municipalities=municipalities,
            case_manager_municipality=plan.case_manager_municipality,
            outsider_municipality=plan.outsider_municipality,
        )
        accounts = create_demo_users(organisations=organisations, seed=seed)
        person_ids, household_ids = _write_registry(plan, ids, history=history)
        case_members, participants = _write_cases(
            plan, ids, person_ids, household_ids, organisations, history=history
        )
        report_counts = write_reports(
            size=size,
            seed=seed,
            today=plan_today,
            household_ids=household_ids,
            household_members=[
                [(person_ids[index], role) for index, role in h.members] for h in plan.households
            ],
            municipality_of_household=[
                ids[plan.addresses[h.address_index].municipality_code] for h in plan.households
            ],
            intake_user=User.objects.get(username=INTAKE_USERNAME),
            police_user=User.objects.get(username=POLICE_USERNAME),
        )
        extra = run_steps(
            DemoContext(
                size=size,
                seed=seed,
                today=plan_today,
                history=history,
                plan=plan,
                organisations=organisations,
                person_ids=person_ids,
                household_ids=household_ids,
                municipality_ids=ids,
            )
        )
    geography = plan.geography
    return DemoSummary(
        size=size,
        seed=seed,
        municipalities=len(geography.municipalities),
        districts=sum(len(m.districts) for m in geography.municipalities),
        neighbourhoods=sum(1 for _ in geography.neighbourhoods()),
        streets=len({(a.municipality_code, a.street) for a in plan.addresses}),
        addresses=len(plan.addresses),
        households=len(plan.households),
        people=len(plan.people),
        people_with_bsn=sum(1 for p in plan.people if p.bsn),
        organisations=organisations.organisations,
        teams=organisations.teams,
        users=len(accounts),
        cases=Case.objects.count(),  # the planned caseload and the cases the steps opened
        case_members=case_members,
        case_participants=participants,
        reports=Report.objects.count(),  # the planned reports and those the steps took
        police_incidents=report_counts.police_incidents,
        accounts=accounts,
        extra=extra,
    )
