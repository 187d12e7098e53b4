"""Indicators over the police's domestic-violence incidents and their reconciliation with
Veilig Thuis' reports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Case, CharField, Exists, OuterRef, Value, When
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from haard.insight.indicators import Indicator, MonthlyCount, monthly, register
from haard.intake.models import PoliceIncident, Report, Severity

LINKED = "linked"
FORWARDED_UNLINKED = "forwarded_unlinked"
NOT_FORWARDED = "not_forwarded"
OCCURRED = _("The date and time the incident occurred, as the police recorded it.")
WHERE = _(
    "in the municipality the police recorded and the neighbourhood of the incident address "
    "(none when the address is unknown)"
)


def _incidents(category: str, since: date | None, queryset: Any = None) -> Iterator[MonthlyCount]:
    return monthly(
        queryset if queryset is not None else PoliceIncident.objects.all(),
        since=since,
        moment="occurred_at",
        municipality="municipality_id",
        neighbourhood="address__neighbourhood_id",
        category=category,
        label=str,
    )


def _outcomes(since: date | None) -> Iterator[MonthlyCount]:
    linked = Exists(Report.objects.filter(police_incident=OuterRef("pk")))
    queryset = PoliceIncident.objects.annotate(
        _outcome=Case(
            When(linked, then=Value(LINKED)),
            When(forwarded_to_veilig_thuis=True, then=Value(FORWARDED_UNLINKED)),
            default=Value(NOT_FORWARDED),
            output_field=CharField(),
        )
    )
    return _incidents("_outcome", since, queryset)


register(
    Indicator(
        key="police_incidents_by_outcome",
        domain="police",
        label=_("Police incidents and Veilig Thuis (reconciliation)"),
        unit=_("police incidents"),
        definition=_(
            "Domestic-violence incidents the police registered, by what became of them at Veilig "
            "Thuis: linked to a Veilig Thuis report, recorded as forwarded but not linked to a "
            "report, or not forwarded."
        ),
        date_rule=OCCURRED,
        rule=format_lazy(
            _(
                "Each incident counts once, {where}. 'Linked' means a Veilig Thuis report names the "
                "incident; the reconciliation page also matches by person and address, so its "
                "matched count can be higher."
            ),
            where=WHERE,
        ),
        collect=_outcomes,
        categories=lambda: [
            (LINKED, str(_("linked to a Veilig Thuis report"))),
            (FORWARDED_UNLINKED, str(_("recorded as forwarded, no linked report"))),
            (NOT_FORWARDED, str(_("not forwarded"))),
        ],
    )
)

register(
    Indicator(
        key="police_incidents_by_severity",
        domain="police",
        label=_("Police incidents by severity"),
        unit=_("police incidents"),
        definition=_("Domestic-violence incidents the police registered, by the severity recorded."),
        date_rule=OCCURRED,
        rule=format_lazy(_("Each incident counts once, {where}."), where=WHERE),
        collect=lambda since: _incidents("severity", since),
        categories=lambda: [(str(value), str(label)) for value, label in Severity.choices],
    )
)
