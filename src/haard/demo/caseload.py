"""Pure planning of the demo caseload: which households have a case, who is victim, suspect
or child in it, who owns and leads it, and its status and dates. Nothing here touches the
database."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from haard.cases.models import CaseMemberRole, CaseStatus
from haard.demo.population import HouseholdPlan, PersonPlan
from haard.registry.models import Gender, HouseholdRole

OWNER_SOCIAL_TEAM = "social_team"
OWNER_VEILIG_THUIS = "veilig_thuis"
# Partners that may lead a case a social team owns ("one partner leads; the others contribute").
LEAD_PARTNERS = ("youth_care", "mental_health", "probation", "addiction_care")
LEAD_OWNER = "owner"

_VEILIG_THUIS_SHARE = 0.20
_PARTNER_LEAD_SHARE = 0.30
_REPEAT_SHARE = 0.05  # a family that needs a second case after the first was closed
_CASE_MANAGER_OWN_MUNICIPALITY = 8
_CASE_MANAGER_ELSEWHERE = 4


@dataclass(frozen=True)
class CasePlan:
    reference: str
    household_index: int
    municipality_code: str
    owner: str  # OWNER_SOCIAL_TEAM (of the case's municipality) or OWNER_VEILIG_THUIS
    lead: str  # LEAD_OWNER or one of LEAD_PARTNERS (an organisation type)
    status: str
    opened_on: date
    closed_on: date | None
    members: tuple[tuple[int, str], ...]  # (index into the people list, CaseMemberRole value)
    case_manager_participates: bool = False


def _case_members(
    rng: random.Random, household: HouseholdPlan, people: list[PersonPlan]
) -> tuple[tuple[int, str], ...]:
    adults = [index for index, role in household.members if role != HouseholdRole.CHILD]
    children = [index for index, role in household.members if role == HouseholdRole.CHILD]
    roles: list[tuple[int, str]] = []
    if len(adults) >= 2:
        # In most reported partner violence the victim is a woman; not in all.
        women = [i for i in adults if people[i].gender == Gender.FEMALE]
        victim = women[0] if women and rng.random() < 0.8 else rng.choice(adults)
        suspect = next(i for i in adults if i != victim)
        roles += [(victim, CaseMemberRole.VICTIM), (suspect, CaseMemberRole.SUSPECT)]
    elif adults:
        # A single parent: the suspected perpetrator, or a victim of an ex-partner elsewhere.
        role = CaseMemberRole.SUSPECT if rng.random() < 0.5 else CaseMemberRole.VICTIM
        roles.append((adults[0], role))
    roles += [(child, CaseMemberRole.CHILD) for child in children]
    return tuple(roles)


def _status_and_dates(rng: random.Random, today: date) -> tuple[str, date, date | None]:
    status = rng.choices((CaseStatus.OPEN, CaseStatus.MONITORING, CaseStatus.CLOSED), weights=(50, 20, 30))[0]
    if status == CaseStatus.OPEN:
        return status.value, today - timedelta(days=rng.randint(0, 400)), None
    if status == CaseStatus.MONITORING:
        return status.value, today - timedelta(days=rng.randint(120, 730)), None
    opened = today - timedelta(days=rng.randint(90, 730))
    closed = min(opened + timedelta(days=rng.randint(30, 365)), today - timedelta(days=45))
    return status.value, opened, closed


def plan_cases(
    *,
    seed: int,
    households: list[HouseholdPlan],
    household_municipalities: list[str],
    people: list[PersonPlan],
    count: int,
    case_manager_municipality: str,
    today: date,
) -> list[CasePlan]:
    """`count` cases on households of two or more people, numbered per year of opening
    (VT-2026-00001, ...) in order of opening. About 5% are repeat cases: a new case on a
    household whose earlier case was closed. The demo case manager participates in a few
    open cases in their own municipality and a few Veilig Thuis cases elsewhere."""
    rng = random.Random(f"{seed}:cases")
    eligible = [i for i, h in enumerate(households) if len(h.members) >= 2]
    first_count = min(len(eligible), count - int(count * _REPEAT_SHARE))

    def draft(household_index: int, status: str, opened: date, closed: date | None) -> CasePlan:
        owner = OWNER_VEILIG_THUIS if rng.random() < _VEILIG_THUIS_SHARE else OWNER_SOCIAL_TEAM
        lead = LEAD_OWNER
        if owner == OWNER_SOCIAL_TEAM and rng.random() < _PARTNER_LEAD_SHARE:
            lead = rng.choice(LEAD_PARTNERS)
        return CasePlan(
            reference="",
            household_index=household_index,
            municipality_code=household_municipalities[household_index],
            owner=owner,
            lead=lead,
            status=status,
            opened_on=opened,
            closed_on=closed,
            members=_case_members(rng, households[household_index], people),
        )

    chosen = rng.sample(eligible, first_count)
    drafts = [draft(household_index, *_status_and_dates(rng, today)) for household_index in chosen]
    # Repeat cases: the family comes back after its case was closed.
    closed_earlier = [c for c in drafts if c.closed_on is not None]
    for earlier in rng.sample(closed_earlier, min(len(closed_earlier), count - len(drafts))):
        if earlier.closed_on is None:  # never true: narrows the type for mypy
            continue
        opened = earlier.closed_on + timedelta(days=rng.randint(14, 44))
        drafts.append(draft(earlier.household_index, CaseStatus.OPEN.value, opened, None))
    # Top up from households without a case when there were too few closed cases to repeat.
    taken = set(chosen)
    unused = [i for i in eligible if i not in taken]
    drafts.extend(
        draft(household_index, *_status_and_dates(rng, today))
        for household_index in unused[: max(0, count - len(drafts))]
    )

    return _with_case_manager(rng, _numbered(drafts), case_manager_municipality=case_manager_municipality)


def _numbered(drafts: list[CasePlan]) -> list[CasePlan]:
    """Give references in order of opening, one sequence per year, as Veilig Thuis does."""
    order = sorted(range(len(drafts)), key=lambda i: (drafts[i].opened_on, i))
    per_year: dict[int, int] = {}
    numbered: list[CasePlan] = []
    for i in order:
        year = drafts[i].opened_on.year
        per_year[year] = per_year.get(year, 0) + 1
        numbered.append(replace(drafts[i], reference=f"VT-{year}-{per_year[year]:05d}"))
    return numbered


def _with_case_manager(
    rng: random.Random, cases: list[CasePlan], *, case_manager_municipality: str
) -> list[CasePlan]:
    active = [i for i, c in enumerate(cases) if c.status != CaseStatus.CLOSED]
    own = [i for i in active if cases[i].municipality_code == case_manager_municipality]
    elsewhere = [
        i
        for i in active
        if cases[i].municipality_code != case_manager_municipality and cases[i].owner == OWNER_VEILIG_THUIS
    ]
    picked = set(rng.sample(own, min(len(own), _CASE_MANAGER_OWN_MUNICIPALITY)))
    picked |= set(rng.sample(elsewhere, min(len(elsewhere), _CASE_MANAGER_ELSEWHERE)))
    return [replace(c, case_manager_participates=i in picked) for i, c in enumerate(cases)]
