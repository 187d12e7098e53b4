"""The whole demo region as a pure plan: geography, addresses, people, households, BSNs and
cases. `build_plan` touches no database and, for the same size, seed and date, returns an
identical plan; the generator only writes it."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from haard.demo.caseload import CasePlan, plan_cases
from haard.demo.geography import AddressPlan, GeographyPlan, plan_addresses, plan_geography
from haard.demo.identifiers import available_test_bsns
from haard.demo.population import HouseholdPlan, PersonPlan, plan_population


@dataclass(frozen=True)
class SizeSpec:
    municipalities: int
    people: int
    cases: int


SIZES: dict[str, SizeSpec] = {
    "small": SizeSpec(municipalities=10, people=1_500, cases=60),
    "region": SizeSpec(municipalities=10, people=40_000, cases=3_000),
    "national": SizeSpec(municipalities=30, people=300_000, cases=20_000),
}


@dataclass(frozen=True)
class RegionPlan:
    geography: GeographyPlan
    addresses: list[AddressPlan]
    people: list[PersonPlan]
    households: list[HouseholdPlan]
    cases: list[CasePlan]
    case_manager_municipality: str
    outsider_municipality: str


def _place_households(
    rng: random.Random, households: list[HouseholdPlan], addresses: list[AddressPlan]
) -> list[HouseholdPlan]:
    """Give every household its own address in its neighbourhood, in shuffled order."""
    free: dict[str, list[int]] = {}
    for index, address in enumerate(addresses):
        free.setdefault(address.neighbourhood_code, []).append(index)
    for indexes in free.values():
        rng.shuffle(indexes)
    return [replace(h, address_index=free[h.neighbourhood_code].pop()) for h in households]


def _assign_bsns(rng: random.Random, people: list[PersonPlan], cases: list[CasePlan]) -> list[PersonPlan]:
    """Give each test BSN to one person: people in a case first (so a demo can look them up
    by BSN), then everyone else in order, until the test block runs out."""
    pool = available_test_bsns()
    rng.shuffle(pool)
    order: dict[int, None] = {}  # an ordered set
    for case in cases:
        for index, _ in case.members:
            order.setdefault(index, None)
    for index in range(len(people)):
        order.setdefault(index, None)
    updated = list(people)
    for bsn, index in zip(pool, order, strict=False):
        updated[index] = replace(people[index], bsn=bsn)
    return updated


def build_plan(*, size: str, seed: int, today: date) -> RegionPlan:
    """The plan for a demo region of `size` ('small', 'region' or 'national')."""
    if size not in SIZES:
        raise ValueError(f"Unknown size {size!r}; choose one of {', '.join(SIZES)}.")
    spec = SIZES[size]
    geography = plan_geography(seed=seed, municipality_count=spec.municipalities)
    population = plan_population(seed=seed, geography=geography, people_target=spec.people, today=today)
    counts = Counter(h.neighbourhood_code for h in population.households)
    addresses = plan_addresses(seed=seed, geography=geography, counts=dict(counts))
    households = _place_households(random.Random(f"{seed}:placement"), population.households, addresses)
    case_manager_municipality = geography.municipalities[0].code
    cases = plan_cases(
        seed=seed,
        households=households,
        household_municipalities=[addresses[h.address_index].municipality_code for h in households],
        people=population.people,
        count=spec.cases,
        case_manager_municipality=case_manager_municipality,
        today=today,
    )
    people = _assign_bsns(random.Random(f"{seed}:bsn"), population.people, cases)
    return RegionPlan(
        geography=geography,
        addresses=addresses,
        people=people,
        households=households,
        cases=cases,
        case_manager_municipality=case_manager_municipality,
        outsider_municipality=geography.municipalities[-1].code,
    )
