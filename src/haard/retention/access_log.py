"""Which access-log entries and emergency-access grants have passed their retention period,
what purging them removes (the dry run), and one batch of the purge. The decision and the
order of things are in `services`; the deletion itself, with its own check, in
`haard.audit.purge`.

An entry has passed its retention when it was written before the cutoff (the region's period,
`audit.access_log_years`, counted back from the start of the day) and no person it names is
still in the registry: the log must outlive the file it is about, and a file that is kept
longer than the period (a Veilig Thuis file is kept until the youngest child is 18, a file
that stayed open long is counted from its closure) keeps its people, and so their entries.
An emergency-access grant has passed when it ended before the cutoff, it was reviewed, and the
record it opened no longer exists. A grant awaiting review is never purged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.db.models import Count, Exists, Max, Min, OuterRef, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from haard.accounts.models import EmergencyAccess
from haard.audit import purge
from haard.audit.models import AccessLogEntry, AccessLogSubject
from haard.registry.models import Person
from haard.retention.rules import add_years

BATCH_SIZE = 2000


def cutoff_for(today: date, years: int) -> datetime:
    """The start of `today`, `years` back, in the region's time zone."""
    return timezone.make_aware(datetime.combine(add_years(today, -years), time.min))


def _about_someone_held() -> Exists:
    held = Person._base_manager.filter(pk=OuterRef("person_id"))
    return Exists(AccessLogSubject.objects.filter(entry_id=OuterRef("pk")).filter(Exists(held)))


def expired_entries(cutoff: datetime) -> QuerySet[AccessLogEntry]:
    """Entries written before `cutoff` that name nobody still in the registry."""
    return AccessLogEntry.objects.filter(at__lt=cutoff).filter(~_about_someone_held())


def _record_model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def expired_grants(cutoff: datetime) -> QuerySet[EmergencyAccess]:
    """Reviewed grants that ended before `cutoff`, for records that no longer exist."""
    grants = EmergencyAccess.objects.filter(expires_at__lt=cutoff).exclude(
        outcome=EmergencyAccess.Outcome.PENDING
    )
    labels = grants.order_by().values_list("model_label", flat=True).distinct()
    for label in list(labels):
        model = _record_model(label)
        if model is not None:
            grants = grants.exclude(model_label=label, object_id__in=model._base_manager.values("pk"))
    return grants


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _entry_counts(entries: QuerySet[AccessLogEntry]) -> dict[str, Any]:
    """Entries and the people rows in them: how many, oldest and newest, per month and
    record type. Four queries."""
    summary = entries.order_by().aggregate(n=Count("pk"), oldest=Min("at"), newest=Max("at"))
    per_month = (
        entries.order_by()
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    per_type = (
        entries.order_by().values("record_type").annotate(n=Count("pk")).values_list("record_type", "n")
    )
    return {
        "entries": summary["n"],
        "subjects": AccessLogSubject.objects.filter(entry__in=entries.order_by().values("pk")).count(),
        "oldest": _stamp(summary["oldest"]),
        "newest": _stamp(summary["newest"]),
        "per_month": {f"{timezone.localtime(month):%Y-%m}": n for month, n in per_month},
        "per_record_type": dict(per_type),
    }


def dry_run(cutoff: datetime) -> dict[str, Any]:
    """What purging everything expired at `cutoff` would remove, and what is kept although
    older; counted, nothing changed."""
    counts = _entry_counts(expired_entries(cutoff))
    grants = expired_grants(cutoff)
    older = EmergencyAccess.objects.filter(expires_at__lt=cutoff)
    grant_span = grants.order_by().aggregate(
        n=Count("pk"), oldest=Min("granted_at"), newest=Max("expires_at")
    )
    counts["grants"] = grant_span["n"]
    counts["grants_oldest"] = _stamp(grant_span["oldest"])
    counts["grants_newest"] = _stamp(grant_span["newest"])
    pending = older.filter(outcome=EmergencyAccess.Outcome.PENDING).count()
    counts["kept"] = {
        "entries_about_people_held": AccessLogEntry.objects.filter(at__lt=cutoff)
        .filter(_about_someone_held())
        .count(),
        "grants_awaiting_review": pending,
        "grants_for_records_held": older.count() - pending - grant_span["n"],
    }
    return counts


@dataclass
class Batch:
    last_pk: int
    counts: dict[str, Any]


def purge_batch(cutoff: datetime, *, after: int, size: int) -> Batch | None:
    """Delete the next `size` expired entries (numbered above `after`) with the people rows in
    them; None when none is left. In the caller's transaction."""
    ids = list(
        expired_entries(cutoff).filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:size]
    )
    if not ids:
        return None
    counts = _entry_counts(AccessLogEntry.objects.filter(pk__in=ids))
    entries, subjects = purge.delete_entries(ids)
    counts["entries"], counts["subjects"] = entries, subjects
    return Batch(ids[-1], counts)


def purge_grants(cutoff: datetime, *, size: int) -> int:
    """Delete the expired emergency-access grants, `size` at a time. In the caller's
    transaction."""
    removed = 0
    while True:
        ids = list(expired_grants(cutoff).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return removed
        deleted, _ = EmergencyAccess.objects.filter(pk__in=ids).delete()
        removed += deleted


def add_counts(total: dict[str, Any], batch: dict[str, Any]) -> dict[str, Any]:
    """The counts of two parts of a purge together."""
    merged = dict(total)
    for key in ("entries", "subjects", "grants"):
        merged[key] = int(total.get(key, 0)) + int(batch.get(key, 0))
    for key in ("per_month", "per_record_type"):
        merged[key] = dict(Counter(total.get(key, {})) + Counter(batch.get(key, {})))
    stamps = [s for s in (total.get("oldest"), batch.get("oldest")) if s]
    merged["oldest"] = min(stamps, key=datetime.fromisoformat) if stamps else None
    stamps = [s for s in (total.get("newest"), batch.get("newest")) if s]
    merged["newest"] = max(stamps, key=datetime.fromisoformat) if stamps else None
    return merged
