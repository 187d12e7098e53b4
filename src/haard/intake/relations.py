"""Who relates to reports and police incidents.

Veilig Thuis intake and assessment staff see every report in the region; whoever registered a
report sees it; the police see their own organisation's reports and incidents."""

from __future__ import annotations

from django.db.models import Q

from haard.accounts.access import ALL, NONE, granting, has_capability, organisation_ids, register_relation
from haard.accounts.models import OrganisationType, User
from haard.registry.linking import register_address_link


def is_veilig_thuis_staff(actor: User) -> bool:
    """True for a user acting in Veilig Thuis with the intake or assessment capability
    (cached on the actor, as its capabilities are)."""
    if not (has_capability(actor, "register_reports") or has_capability(actor, "assess_safety")):
        return False
    return bool(granting(actor, organisation_type=OrganisationType.VEILIG_THUIS))


def _own_police_organisations(actor: User) -> list[int] | None:
    if not has_capability(actor, "send_police_reports"):
        return None
    return organisation_ids(actor, organisation_type=OrganisationType.POLICE)


def report_relation(actor: User) -> Q:
    if is_veilig_thuis_staff(actor):
        return ALL
    condition = Q(registered_by=actor)
    police = _own_police_organisations(actor)
    if police is not None:
        condition |= Q(reporter_organisation__in=police)
    return condition


def police_incident_relation(actor: User) -> Q:
    if is_veilig_thuis_staff(actor):
        return ALL
    police = _own_police_organisations(actor)
    return Q(police_organisation__in=police) if police is not None else NONE


def people_in_visible_reports(actor: User) -> Q:
    from haard.intake.models import Report, ReportPerson

    if is_veilig_thuis_staff(actor):
        return NONE  # they already search the whole region
    reports = Report.objects.visible_to(actor).values("pk")
    return Q(pk__in=ReportPerson.objects.filter(report__in=reports).values("person_id"))


register_relation("intake.Report", report_relation)
register_relation("intake.PoliceIncident", police_incident_relation)
register_relation("registry.Person", people_in_visible_reports)


# Where a report or police incident happened is evidence of where its people live, for linking.
register_address_link("intake.ReportPerson", person_field="person", address_path="report__incident_address")
register_address_link("intake.PoliceIncidentPerson", person_field="person", address_path="incident__address")
