"""Pure planning of the demo population: households and the people in them, with Dutch
fake names, birth dates and gender. Nothing here touches the database."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from haard.demo import names
from haard.demo.geography import GeographyPlan
from haard.registry.models import Gender, HouseholdRole

# Share of surnames with a tussenvoegsel ("van", "de", "van der", ...).
_PREFIX_SHARE = 0.30
_SECOND_FIRST_NAME_SHARE = 0.30

# Kinds of household and how common they are among the households in the registry.
_KINDS = ("single", "couple", "couple_with_children", "single_parent")
_KIND_WEIGHTS = (0.28, 0.22, 0.33, 0.17)


@dataclass(frozen=True)
class PersonPlan:
    first_names: str
    surname_prefix: str
    surname: str
    birth_date: date
    gender: str
    bsn: str = ""


@dataclass(frozen=True)
class HouseholdPlan:
    name: str
    neighbourhood_code: str
    members: tuple[tuple[int, str], ...]  # (index into the people list, HouseholdRole value)
    address_index: int = -1


@dataclass(frozen=True)
class PopulationPlan:
    people: list[PersonPlan]
    households: list[HouseholdPlan]


def _surname(rng: random.Random) -> tuple[str, str]:
    if rng.random() < _PREFIX_SHARE:
        return rng.choice(names.PREFIXED_SURNAMES)
    return "", rng.choice(names.PLAIN_SURNAMES)


def _gender(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.01:
        return Gender.OTHER.value
    return Gender.FEMALE.value if roll < 0.505 else Gender.MALE.value


def _first_names(rng: random.Random, gender: str) -> str:
    if gender == Gender.FEMALE:
        pool = names.FEMALE_FIRST_NAMES
    elif gender == Gender.MALE:
        pool = names.MALE_FIRST_NAMES
    else:
        pool = rng.choice((names.FEMALE_FIRST_NAMES, names.MALE_FIRST_NAMES))
    first = rng.choice(pool)
    if rng.random() < _SECOND_FIRST_NAME_SHARE:
        second = rng.choice(pool)
        if second != first:
            return f"{first} {second}"
    return first


def _birth_date(rng: random.Random, *, today: date, age: int) -> date:
    return today - timedelta(days=age * 365 + rng.randrange(0, 365))


def household_name(prefix: str, surname: str) -> str:
    """'Huishouden Van der Berg': a tussenvoegsel takes a capital when no first name precedes."""
    full = f"{prefix[:1].upper()}{prefix[1:]} {surname}" if prefix else surname
    return f"Huishouden {full}"


class _PopulationBuilder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.people: list[PersonPlan] = []

    def person(self, *, age: int, surname: tuple[str, str], gender: str | None = None) -> int:
        rng = self.rng
        gender = gender or _gender(rng)
        self.people.append(
            PersonPlan(
                first_names=_first_names(rng, gender),
                surname_prefix=surname[0],
                surname=surname[1],
                birth_date=_birth_date(rng, today=self.today, age=age),
                gender=gender,
            )
        )
        return len(self.people) - 1

    def household(self, kind: str, neighbourhood_code: str) -> HouseholdPlan:
        rng = self.rng
        family = _surname(rng)
        members: list[tuple[int, str]] = []
        with_children = kind in ("couple_with_children", "single_parent")
        if kind == "single":
            members.append((self.person(age=rng.randint(18, 92), surname=family), HouseholdRole.OTHER))
            return HouseholdPlan(household_name(*family), neighbourhood_code, tuple(members))
        age = rng.randint(22, 55) if with_children else rng.randint(19, 88)
        first_gender = _gender(rng)
        first = self.person(age=age, surname=family, gender=first_gender)
        members.append((first, HouseholdRole.PARENT if with_children else HouseholdRole.PARTNER))
        if kind in ("couple", "couple_with_children"):
            # Most couples in the register are a man and a woman; some are not.
            if rng.random() < 0.06 or first_gender == Gender.OTHER:
                partner_gender = _gender(rng)
            else:
                partner_gender = Gender.FEMALE if first_gender == Gender.MALE else Gender.MALE
            partner_surname = family if rng.random() < 0.3 else _surname(rng)
            partner_age = max(19, age + rng.randint(-6, 6))
            partner = self.person(age=partner_age, surname=partner_surname, gender=partner_gender)
            # A fifth of the families with children are blended: the second adult is a step-parent.
            role = HouseholdRole.PARTNER
            if with_children and rng.random() >= 0.2:
                role = HouseholdRole.PARENT
            members.append((partner, role))
        if with_children:
            oldest = min(17, age - 18)
            for _ in range(rng.choices((1, 2, 3, 4), weights=(35, 40, 18, 7))[0]):
                child = self.person(age=rng.randint(0, oldest), surname=family)
                members.append((child, HouseholdRole.CHILD))
        return HouseholdPlan(household_name(*family), neighbourhood_code, tuple(members))


def plan_population(
    *, seed: int, geography: GeographyPlan, people_target: int, today: date
) -> PopulationPlan:
    """Households until at least `people_target` people live in them, spread over the
    neighbourhoods in proportion to their population. `address_index` is not yet set."""
    rng = random.Random(f"{seed}:population")
    builder = _PopulationBuilder(rng, today)
    neighbourhood_codes = [n.code for _, n in geography.neighbourhoods()]
    # Cumulative weights once: recomputing them per draw would be slow for 100,000 households.
    cumulative = list(accumulate(n.population for _, n in geography.neighbourhoods()))
    kind_cumulative = list(accumulate(_KIND_WEIGHTS))
    households: list[HouseholdPlan] = []
    while len(builder.people) < people_target:
        kind = rng.choices(_KINDS, cum_weights=kind_cumulative)[0]
        code = rng.choices(neighbourhood_codes, cum_weights=cumulative)[0]
        households.append(builder.household(kind, code))
    return PopulationPlan(people=builder.people, households=households)
