"""Factories for insight tests: reports and police incidents placed at an address and a time,
and the users who read them."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from haard.accounts.models import Organisation, OrganisationType, User
from haard.core.models import Municipality
from haard.intake.models import (
    InvolvementRole,
    PoliceIncident,
    PoliceIncidentPerson,
    Report,
    ReportKind,
    ReportPerson,
    ReportSource,
    ViolenceType,
)
from haard.registry.models import Address, Person
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, make_user

_numbers = itertools.count(1)


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def vt_user(role: str = "intake_worker") -> User:
    """Veilig Thuis staff: sees every report and incident in the region."""
    return make_user(
        role, team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.VEILIG_THUIS))
    )


def police_organisation() -> Organisation:
    return OrganisationFactory(type=OrganisationType.POLICE)


def police_user(organisation: Organisation | None = None) -> User:
    return make_user("police_officer", team=TeamFactory(organisation=organisation or police_organisation()))


def policy_user() -> User:
    return make_user(
        "policy_officer",
        team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.MUNICIPALITY)),
    )


def _registrar() -> User:
    return UserFactory(username="insight-registrar")


def make_report(
    *,
    address: Address | None,
    at: datetime | None = None,
    severity: int = 2,
    people: Iterable[Person] = (),
    municipality: Municipality | None = None,
    source: str = ReportSource.PHONE_LINE,
    violence: Iterable[str] = ("physical",),
    police_incident: PoliceIncident | None = None,
    registered_by: User | None = None,
    **fields: Any,
) -> Report:
    number = next(_numbers)
    report = Report.objects.create(
        reference=f"VT-T{number:05d}",
        kind=fields.pop("kind", ReportKind.REPORT),
        source=source,
        received_at=at or timezone.now(),
        municipality=municipality or address.municipality,  # type: ignore[union-attr]
        incident_address=address,
        initial_severity=severity,
        registered_by=registered_by or _registrar(),
        police_incident=police_incident,
        **fields,
    )
    report.violence_types.set(ViolenceType.objects.filter(code__in=list(violence)))
    for person in people:
        ReportPerson.objects.create(report=report, person=person, role=InvolvementRole.VICTIM)
    return report


def make_incident(
    *,
    address: Address | None,
    at: datetime | None = None,
    severity: int = 2,
    people: Iterable[Person] = (),
    municipality: Municipality | None = None,
    organisation: Organisation | None = None,
    forwarded: bool = False,
    reason: str = "",
    **fields: Any,
) -> PoliceIncident:
    number = next(_numbers)
    incident = PoliceIncident.objects.create(
        police_organisation=organisation
        or Organisation.objects.filter(type=OrganisationType.POLICE).first()
        or police_organisation(),
        registration_number=f"PL-T{number:06d}",
        occurred_at=at or timezone.now(),
        municipality=municipality or address.municipality,  # type: ignore[union-attr]
        address=address,
        incident_code="HG01",
        severity=severity,
        forwarded_to_veilig_thuis=forwarded,
        reason_not_forwarded=reason,
        **fields,
    )
    for person in people:
        PoliceIncidentPerson.objects.create(incident=incident, person=person, role=InvolvementRole.VICTIM)
    return incident
