"""Indicators over Veilig Thuis' safety assessments (triage): the assessment deadline, the
routes chosen after an assessment, and how a proposed hand-over fared."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import Case, CharField, Count, DateTimeField, F, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from haard.insight.indicators import Indicator, MonthlyCount, Share, _month, monthly, register, since_filter
from haard.triage.clock import working_days_between
from haard.triage.models import (
    HIGH_RISK_OUTCOMES,
    Assessment,
    AssessmentStatus,
    HandOver,
    HandOverStatus,
    HandOverTarget,
    RouteKind,
)

MUNICIPALITY = "municipality_id"
NEIGHBOURHOOD = "household__address__neighbourhood_id"
WHERE = _(
    "in the municipality recorded on the assessment (that of its first report) and the "
    "neighbourhood of the family's household address (none when there is no household or it has "
    "no address)"
)

WITHIN, LATE, OVERDUE = "within", "late", "overdue"

# How soon a receiving organisation accepted, in working days after the proposal: (key, label,
# most working days).
ACCEPTED_WITHIN = [
    ("accepted_0_1", _("accepted within 1 working day"), 1),
    ("accepted_2_5", _("accepted in 2 to 5 working days"), 5),
    ("accepted_6_10", _("accepted in 6 to 10 working days"), 10),
]
ACCEPTED_LATER = "accepted_11_plus"
REFUSED, UNDECIDED = "refused", "undecided"


def _where(text: Any) -> Any:
    return format_lazy(text, where=WHERE)


def finished_at() -> Case:
    """When the assessment was finished: when its outcome was set, or for an outcome that a
    second expert confirms (acute or structural unsafety) when it was confirmed. An assessment
    sent back to open by the second expert is not finished."""
    return Case(
        When(status=AssessmentStatus.OPEN, then=None),
        When(outcome__in=list(HIGH_RISK_OUTCOMES), then=F("confirmed_at")),
        default=F("assessed_at"),
        output_field=DateTimeField(),
    )


def _timeliness(since: date | None) -> Iterator[MonthlyCount]:
    today = timezone.localdate()
    assessments = (
        Assessment.objects.annotate(_finished_on=TruncDate(finished_at()))
        .annotate(
            _timely=Case(
                When(_finished_on__lte=F("due_on"), then=Value(WITHIN)),
                When(_finished_on__isnull=False, then=Value(LATE)),
                When(due_on__lt=today, then=Value(OVERDUE)),
                default=None,
                output_field=CharField(),
            )
        )
        .filter(_timely__isnull=False)
    )
    return monthly(
        assessments,
        since=since,
        moment="received_on",
        municipality=MUNICIPALITY,
        neighbourhood=NEIGHBOURHOOD,
        category="_timely",
    )


@lru_cache(maxsize=4_096)
def _working_days(start: date, end: date) -> int:
    return working_days_between(start, end)


def accepted_bucket(working_days: int) -> str:
    for key, _label, most in ACCEPTED_WITHIN:
        if working_days <= most:
            return key
    return ACCEPTED_LATER


def _handovers(since: date | None) -> Iterator[MonthlyCount]:
    """Hand-over proposals to an organisation, grouped in the database by the day proposed, the
    day decided, the status and the area; the working days between them in Python (the
    working-day calendar knows the public holidays)."""
    grouped = (
        since_filter(HandOver.objects.exclude(target=HandOverTarget.FAMILY), "created_at", since)
        .annotate(_proposed=TruncDate("created_at"), _decided=TruncDate("decided_at"))
        .values(
            "_proposed",
            "_decided",
            "status",
            "assessment__municipality_id",
            "assessment__household__address__neighbourhood_id",
        )
        .annotate(_n=Count("pk"))
        .order_by()
    )
    for row in grouped.iterator(chunk_size=5_000):
        if row["status"] == HandOverStatus.ACCEPTED and row["_decided"] is not None:
            category = accepted_bucket(_working_days(row["_proposed"], row["_decided"]))
        elif row["status"] == HandOverStatus.REFUSED:
            category = REFUSED
        else:
            category = UNDECIDED
        yield MonthlyCount(
            _month(row["_proposed"]),
            row["assessment__municipality_id"],
            row["assessment__household__address__neighbourhood_id"],
            category,
            row["_n"],
        )


register(
    Indicator(
        key="assessments_on_time",
        domain="triage",
        label=_("Safety assessments finished within the deadline"),
        unit=_("safety assessments"),
        definition=_(
            "Safety assessments (veiligheidsbeoordeling) by whether they were finished by their "
            "deadline: by default 5 working days after the first report was received "
            "(Uitvoeringsbesluit Wmo 2015, art. 4.1.7; the number of days is a region setting). An "
            "assessment is finished when its outcome is set; an outcome that a second expert must "
            "confirm (acute or structural unsafety) when the second expert confirms it."
        ),
        date_rule=_("The day Veilig Thuis received the first report in the assessment."),
        rule=_where(
            _(
                "Each assessment counts once, {where}; reports that joined an assessment already "
                "running count with it, not apart. The deadline is the one set on the assessment when "
                "it was opened, so a later change of the setting does not rewrite past figures. An "
                "assessment not finished when its deadline has passed counts as 'not finished, "
                "deadline passed' until it is finished; one whose deadline has not yet passed is not "
                "counted yet."
            )
        ),
        collect=_timeliness,
        categories=lambda: [
            (WITHIN, str(_("finished within the deadline"))),
            (LATE, str(_("finished after the deadline"))),
            (OVERDUE, str(_("not finished, deadline passed"))),
        ],
        share=Share(part=(WITHIN,), label=_("finished within the deadline")),
    )
)

register(
    Indicator(
        key="assessment_routes",
        domain="triage",
        label=_("Routes after the safety assessment"),
        unit=_("safety assessments"),
        definition=_(
            "Safety assessments by the route Veilig Thuis chose after them: its own investigation, "
            "a request to the Raad voor de Kinderbescherming, conditions and follow-up, a hand-over, "
            "or closing."
        ),
        date_rule=_("The day the route was chosen."),
        rule=_where(
            _(
                "Each assessment counts once, under the route that stands: a route chosen again "
                "after a refused hand-over replaces the first, and closing counts once a second "
                "expert has confirmed it; {where}."
            )
        ),
        collect=lambda since: monthly(
            Assessment.objects.filter(status=AssessmentStatus.ROUTED).exclude(route=""),
            since=since,
            moment="routed_at",
            municipality=MUNICIPALITY,
            neighbourhood=NEIGHBOURHOOD,
            category="route",
        ),
        categories=lambda: [(value, str(label)) for value, label in RouteKind.choices],
    )
)

# No share here: proposals not yet decided would weigh on the month that is still running.
register(
    Indicator(
        key="handover_acceptance",
        domain="triage",
        label=_("Hand-overs and the time to acceptance"),
        unit=_("hand-over proposals"),
        definition=_(
            "Veilig Thuis' proposals to hand a family over to another organisation (the local "
            "social team, existing help, an MDA++ team), by what became of them: accepted, and how "
            "many working days after the proposal; refused; or not yet decided."
        ),
        date_rule=_("The day Veilig Thuis proposed the hand-over."),
        rule=_where(
            _(
                "Each proposal counts once, {where}. Working days run from the day of the proposal "
                "to the day the receiving organisation accepted, on the Dutch working-day calendar "
                "(weekends and public holidays do not count): accepted the same or the next working "
                "day is 'within 1 working day'. A family proposed again after a refusal counts once "
                "per proposal. A hand-over to the family itself needs no acceptance and is not "
                "counted here (the routes count it)."
            )
        ),
        collect=_handovers,
        categories=lambda: [
            *((key, str(label)) for key, label, _most in ACCEPTED_WITHIN),
            (ACCEPTED_LATER, str(_("accepted after more than 10 working days"))),
            (REFUSED, str(_("refused"))),
            (UNDECIDED, str(_("not yet decided"))),
        ],
    )
)
