"""Pure planning of the demo geography: municipalities, districts, neighbourhoods, streets
and addresses. Nothing here touches the database; the same seed gives the same plan.

CBS codes come from a block CBS does not use (GM9001 and up), so a demo municipality never
shares a code with a real one: districts are WK + municipality digits + two digits, and
neighbourhoods are BU + district digits + two digits.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from haard.demo import names
from haard.demo.identifiers import postcode_letter_pairs
from haard.registry.validation import normalise_postcode

FIRST_MUNICIPALITY_NUMBER = 9001

# Real PC6 areas hold a stretch of a street; about this many numbers share one postcode.
_NUMBERS_PER_POSTCODE = 20


@dataclass(frozen=True)
class NeighbourhoodPlan:
    code: str
    name: str
    population: int
    postcode_area: int  # the four digits every postcode in this neighbourhood starts with


@dataclass(frozen=True)
class DistrictPlan:
    code: str
    name: str
    neighbourhoods: tuple[NeighbourhoodPlan, ...]


@dataclass(frozen=True)
class MunicipalityPlan:
    code: str
    name: str
    districts: tuple[DistrictPlan, ...]

    @property
    def neighbourhoods(self) -> list[NeighbourhoodPlan]:
        return [n for district in self.districts for n in district.neighbourhoods]


@dataclass(frozen=True)
class GeographyPlan:
    region_name: str
    municipalities: tuple[MunicipalityPlan, ...]

    def neighbourhoods(self) -> Iterator[tuple[MunicipalityPlan, NeighbourhoodPlan]]:
        """Every neighbourhood with its municipality, in code order."""
        for municipality in self.municipalities:
            for neighbourhood in municipality.neighbourhoods:
                yield municipality, neighbourhood


@dataclass(frozen=True)
class AddressPlan:
    postcode: str  # normalised, "1234AB"
    house_number: int
    house_letter: str
    addition: str
    street: str
    town: str
    municipality_code: str
    neighbourhood_code: str


def plan_geography(*, seed: int, municipality_count: int) -> GeographyPlan:
    """The region's municipalities (GM9001..), each with 3–6 districts of 2–5 neighbourhoods,
    a population per neighbourhood and a distinct block of postcode areas per municipality.

    Depends only on seed and municipality_count, so every size of the same seed shares it.
    """
    if not 1 <= municipality_count <= len(names.MUNICIPALITY_NAMES):
        raise ValueError(f"municipality_count must be between 1 and {len(names.MUNICIPALITY_NAMES)}.")
    rng = random.Random(f"{seed}:geography")
    municipality_names = rng.sample(names.MUNICIPALITY_NAMES, municipality_count)
    # Each municipality gets its own hundred of postcode areas (1000–9999, never 0xxx).
    hundreds = rng.sample(range(10, 100), municipality_count)
    municipalities = []
    for index, (name, hundred) in enumerate(zip(municipality_names, hundreds, strict=True)):
        digits = f"{FIRST_MUNICIPALITY_NUMBER + index:04d}"
        next_area = hundred * 100 + rng.randrange(0, 40)
        districts = []
        district_names = rng.sample(names.DISTRICT_NAMES, rng.randint(3, 6))
        for d_index, district_name in enumerate(district_names, start=1):
            district_digits = f"{digits}{d_index:02d}"
            neighbourhoods = []
            for n_index, n_name in enumerate(
                rng.sample(names.NEIGHBOURHOOD_NAMES, rng.randint(2, 5)), start=1
            ):
                neighbourhoods.append(
                    NeighbourhoodPlan(
                        code=f"BU{district_digits}{n_index:02d}",
                        name=n_name,
                        population=rng.randint(400, 4500),
                        postcode_area=next_area,
                    )
                )
                next_area += 1
            districts.append(
                DistrictPlan(
                    code=f"WK{district_digits}",
                    name=f"{name} {district_name}",
                    neighbourhoods=tuple(neighbourhoods),
                )
            )
        municipalities.append(MunicipalityPlan(code=f"GM{digits}", name=name, districts=tuple(districts)))
    return GeographyPlan(region_name=names.REGION_NAME, municipalities=tuple(municipalities))


def _street_names(rng: random.Random) -> Iterator[str]:
    """Street names for one municipality, each used once, in a shuffled order."""
    candidates = [base + suffix for base in names.STREET_BASES for suffix in names.STREET_SUFFIXES]
    rng.shuffle(candidates)
    yield from candidates
    raise ValueError("The demo municipality ran out of street names; lower the size.")


def _plan_neighbourhood_addresses(
    rng: random.Random,
    *,
    count: int,
    municipality: MunicipalityPlan,
    neighbourhood: NeighbourhoodPlan,
    streets: Iterator[str],
    letter_pairs: Sequence[str],
) -> list[AddressPlan]:
    addresses: list[AddressPlan] = []
    # Postcodes run in order along the streets, as they do in reality.
    pair_index = rng.randrange(0, 120)
    while len(addresses) < count:
        street = next(streets)
        length = min(rng.randint(8, 60), count - len(addresses))
        number = rng.choice((1, 1, 2))
        step = rng.choice((1, 1, 2))
        numbers_on_postcode = _NUMBERS_PER_POSTCODE  # forces a fresh postcode per street
        while length > 0:
            if numbers_on_postcode >= _NUMBERS_PER_POSTCODE:
                if pair_index >= len(letter_pairs):
                    raise ValueError(
                        f"Neighbourhood {neighbourhood.code} ran out of postcodes; lower the size."
                    )
                postcode = normalise_postcode(f"{neighbourhood.postcode_area}{letter_pairs[pair_index]}")
                pair_index += 1
                numbers_on_postcode = 0
            # Some buildings hold several homes: 12A and 12B, or 14-1, 14-2 and 14-3.
            roll = rng.random()
            if roll < 0.04:
                units = [(letter, "") for letter in "AB"[: min(2, length)]]
            elif roll < 0.08:
                units = [("", str(floor)) for floor in range(1, min(rng.randint(2, 3), length) + 1)]
            else:
                units = [("", "")]
            for letter, addition in units:
                addresses.append(
                    AddressPlan(
                        postcode=postcode,
                        house_number=number,
                        house_letter=letter,
                        addition=addition,
                        street=street,
                        town=municipality.name,
                        municipality_code=municipality.code,
                        neighbourhood_code=neighbourhood.code,
                    )
                )
            length -= len(units)
            numbers_on_postcode += 1
            number += step
    return addresses


def plan_addresses(*, seed: int, geography: GeographyPlan, counts: dict[str, int]) -> list[AddressPlan]:
    """`counts[neighbourhood code]` addresses in each neighbourhood, on streets named once per
    municipality, with valid, unique postcode/number combinations."""
    rng = random.Random(f"{seed}:addresses")
    letter_pairs = postcode_letter_pairs()
    addresses: list[AddressPlan] = []
    for municipality in geography.municipalities:
        streets = _street_names(rng)
        for neighbourhood in municipality.neighbourhoods:
            addresses.extend(
                _plan_neighbourhood_addresses(
                    rng,
                    count=counts.get(neighbourhood.code, 0),
                    municipality=municipality,
                    neighbourhood=neighbourhood,
                    streets=streets,
                    letter_pairs=letter_pairs,
                )
            )
    return addresses
