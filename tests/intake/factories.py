"""Factories for intake tests."""

from __future__ import annotations

from typing import Any

from haard.accounts.models import OrganisationType, User
from haard.intake.models import ReportKind, ReportSource, ViolenceType
from haard.intake.services import Involved, register_report
from tests.factories import MunicipalityFactory, OrganisationFactory, PersonFactory, TeamFactory, make_user


def veilig_thuis_user(role: str = "intake_worker") -> User:
    team = TeamFactory(organisation=OrganisationFactory(type=OrganisationType.VEILIG_THUIS))
    return make_user(role, team=team)


def police_user() -> User:
    return make_user(
        "police_officer", team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.POLICE))
    )


def make_report(*, actor: User | None = None, people: list[Any] | None = None, **fields: Any) -> Any:
    actor = actor or veilig_thuis_user()
    municipality = fields.pop("municipality", None) or MunicipalityFactory()
    involved = [
        Involved(person=p, role="victim") for p in (people if people is not None else [PersonFactory()])
    ]
    return register_report(
        actor=actor,
        membership=actor.memberships.first(),
        kind=fields.pop("kind", ReportKind.REPORT),
        source=fields.pop("source", ReportSource.PHONE_LINE),
        municipality=municipality,
        involved=involved,
        violence_types=fields.pop("violence_types", [ViolenceType.objects.get(code="physical")]),
        **fields,
    )
