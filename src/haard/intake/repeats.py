"""Repeat classification of a report, as CBS counts Veilig Thuis reports.

- *During an ongoing involvement*: at the moment the report arrives, Veilig Thuis or a partner
  is already involved with one of the people: an earlier report about them is not yet closed,
  or another app (cases) says an involvement is open (see `register_involvement`).
- *Repeat report* (hermelding): there is an earlier report about one of the people, and all
  such reports are closed.
- *First report*: no earlier report about any of the people.

Advice requests are classified the same way; CBS reports them separately by kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from haard.intake.models import RepeatClass, Report, ReportStatus

InvolvementCheck = Callable[[list[int], datetime], bool]
_involvement_checks: list[InvolvementCheck] = []


def register_involvement(check: InvolvementCheck) -> None:
    """Let a higher app say whether any of these people has an open involvement at a moment."""
    if check not in _involvement_checks:
        _involvement_checks.append(check)


def classify(
    *, person_ids: Iterable[int], received_at: datetime, exclude_report: int | None = None
) -> RepeatClass:
    """The CBS repeat class for a report about these people received at this moment."""
    ids = sorted(set(person_ids))
    if not ids:
        return RepeatClass.FIRST
    earlier = Report.objects.filter(involved__person_id__in=ids, received_at__lt=received_at)
    if exclude_report is not None:
        earlier = earlier.exclude(pk=exclude_report)
    if earlier.exclude(status=ReportStatus.CLOSED).exists() or any(
        check(ids, received_at) for check in _involvement_checks
    ):
        return RepeatClass.DURING_INVOLVEMENT
    if earlier.exists():
        return RepeatClass.REPEAT
    return RepeatClass.FIRST
