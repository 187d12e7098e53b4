"""A small region for restraining-order tests: a municipality with its mayor's office, a
police team with a mandated officer, Veilig Thuis and the help organisations serving it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from haard.accounts.models import OrganisationType, User
from haard.core.models import Municipality
from haard.huisverbod import risk, services
from haard.huisverbod.models import Colour, Mandate, RestrainingOrder
from haard.registry.models import Address, Person
from tests.factories import AddressFactory, MunicipalityFactory, OrganisationFactory, TeamFactory, make_user


@dataclass
class Region:
    municipality: Municipality
    mayor: User
    police: User
    unmandated_police: User
    address: Address
    organisations: dict[str, Any]


def make_region(*, municipality: Municipality | None = None, mandate: bool = True) -> Region:
    municipality = municipality or MunicipalityFactory()
    organisations = {}
    for org_type in (
        OrganisationType.MUNICIPALITY,
        OrganisationType.POLICE,
        OrganisationType.VEILIG_THUIS,
        OrganisationType.PROBATION,
        OrganisationType.SOCIAL_TEAM,
        OrganisationType.YOUTH_CARE,
    ):
        organisation = OrganisationFactory(type=org_type)
        organisation.municipalities.set([municipality])
        organisations[str(org_type)] = organisation
    mayor = make_user("mayors_office", team=TeamFactory(organisation=organisations["municipality"]))
    police_team = TeamFactory(organisation=organisations["police"])
    police = make_user("police_officer", team=police_team)
    unmandated = make_user("police_officer", team=police_team)
    TeamFactory(organisation=organisations["veilig_thuis"])
    if mandate:
        given = Mandate.objects.create(
            holder=police, decision_reference="MB-2026-17", valid_from=date(2020, 1, 1)
        )
        given.municipalities.set([municipality])
    address = AddressFactory(municipality=municipality)
    return Region(municipality, mayor, police, unmandated, address, organisations)


def colours(serious_in_first_part: int = 2) -> dict[int, str]:
    instrument = risk.active_instrument()
    assert instrument is not None
    result = {}
    for index, part in enumerate(instrument.parts.all()):
        for number, sign in enumerate(part.signs.all()):
            result[sign.pk] = Colour.RED if index == 0 and number < serious_in_first_part else Colour.GREEN
    return result


def person(first: str, surname: str, born: date | None = None) -> Person:
    return Person.objects.create(first_names=first, surname=surname, birth_date=born)


def impose(
    region: Region,
    *,
    actor: User | None = None,
    imposed_at: datetime | None = None,
    barred: Person | None = None,
    banned: list[tuple[Person, str]] | None = None,
    children: int = 0,
    form: str = "written",
    vt: bool = True,
    **extra: Any,
) -> RestrainingOrder:
    imposed_at = imposed_at or timezone.now()
    barred = barred or person("Kees", "Bakker", date(1985, 3, 1))
    if banned is None:
        banned = [(person("Anna", "Bakker", date(1987, 5, 2)), "victim")]
        banned += [(person(f"Kind{i}", "Bakker", date(2015 + i, 1, 1)), "child") for i in range(children)]
    has_children = any(role == "child" for _p, role in banned)
    return services.impose_order(
        actor=actor or region.police,
        membership=None,
        municipality=region.municipality,
        address=region.address,
        barred_person=barred,
        banned=banned,
        imposed_at=imposed_at,
        form=form,
        facts="Geweld in de nacht; buren belden de politie.",
        risk_colours=colours(),
        risk_decision="Twee rode signalen in deel A: huisverbod.",
        vt_consulted_at=imposed_at if (vt and has_children) else None,
        vt_consultation="Overleg met Veilig Thuis, advies: opleggen." if (vt and has_children) else "",
        **extra,
    )
