"""Reads of the access log, for privacy officers only."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from haard.accounts.access import has_capability
from haard.accounts.models import EmergencyAccess, User
from haard.audit.models import AccessLogEntry


def search_log(
    *,
    actor: User,
    username: str = "",
    person_id: int | None = None,
    record_type: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AccessLogEntry]:
    """Entries matching the filters, newest first; empty for anyone but a privacy officer."""
    if not has_capability(actor, "view_access_log"):
        return AccessLogEntry.objects.none()
    entries = AccessLogEntry.objects.select_related("user", "on_behalf_of")
    if username:
        entries = entries.filter(user__username=username)
    if person_id is not None:
        entries = entries.filter(subjects__person_id=person_id)
    if record_type:
        entries = entries.filter(record_type=record_type)
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-at", "-id")


def pending_emergency_access(*, actor: User) -> QuerySet[EmergencyAccess]:
    """Emergency grants awaiting review, for the privacy officer."""
    if not has_capability(actor, "review_emergency_access"):
        return EmergencyAccess.objects.none()
    return (
        EmergencyAccess.objects.filter(outcome=EmergencyAccess.Outcome.PENDING)
        .select_related("user", "membership__team__organisation", "membership__role__group")
        .order_by("granted_at")
    )
