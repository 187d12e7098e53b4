"""Deleting access-log entries whose retention period has passed: the one exception to the
append-only rule, and the only code that makes it.

An entry is kept `audit.access_log_years` after it was written (a region setting, default 15
years, see docs/retention.md). Which expired entries go, and on whose decision, is decided in
`haard.retention`; this module only deletes what it is given, after checking for itself that
every row is past the retention limit. On PostgreSQL the trigger of migration
`audit/0003_access_log_purge` checks again, row by row: it lets a DELETE through only while
this module has set the transaction-local `haard.access_log_purge`, and only for rows written
before the limit it computes from the same setting. UPDATE stays refused always.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haard.audit.models import AccessLogEntry, AccessLogSubject, AppendOnlyError, purge_rows_allowed
from haard.core import region_settings

DEFAULT_YEARS = 15

ACCESS_LOG_YEARS = region_settings.declare(
    "audit.access_log_years",
    kind=int,
    default=DEFAULT_YEARS,
    minimum=1,
    maximum=100,
    description=_("Years an access-log entry and an emergency-access grant are kept after they were written"),
    source=(
        "Jeugdwet art. 7.3.8 and Wmo 2015: a Veilig Thuis file is kept at least 15 years, "
        "and the log must outlive the file it is about; NEN 7513"
    ),
)

# The transaction-local setting the PostgreSQL trigger reads; set nowhere else.
PURGE_FLAG = "haard.access_log_purge"


def retention_years() -> int:
    """The region's period in years (ValidationError naming the setting for a bad value)."""
    return int(region_settings.value(ACCESS_LOG_YEARS.key))


def years_before(moment: datetime, years: int) -> datetime:
    """`moment` moved `years` back; 29 February becomes 28 February in a year without it."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def retention_limit(now: datetime | None = None) -> datetime:
    """Entries written before this moment are past their retention period."""
    return years_before(now or timezone.now(), retention_years())


def _set_flag(on: bool) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [PURGE_FLAG, "on" if on else "off"])


@transaction.atomic
def delete_entries(entry_ids: Collection[int]) -> tuple[int, int]:
    """Delete these entries and the people recorded in them; (entries, subjects) deleted.

    Refuses (AppendOnlyError, nothing deleted) when any of them was written within the
    retention period. In the caller's transaction when there is one."""
    ids = sorted(set(entry_ids))
    if not ids:
        return 0, 0
    limit = retention_limit()
    if AccessLogEntry.objects.filter(pk__in=ids, at__gte=limit).exists():
        raise AppendOnlyError("The access log keeps entries within their retention period.")
    with purge_rows_allowed():
        _set_flag(True)
        subjects = AccessLogSubject.objects.filter(entry_id__in=ids)._raw_delete(connection.alias)
        entries = AccessLogEntry.objects.filter(pk__in=ids)._raw_delete(connection.alias)
        # Off again at once: the rest of the caller's transaction is append-only as before.
        _set_flag(False)
    return entries, subjects
