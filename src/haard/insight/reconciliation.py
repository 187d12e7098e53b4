"""Reconciliation: the police's domestic-violence incidents against Veilig Thuis' reports.

For a municipality and period, a police incident is *matched* when a Veilig Thuis report
- is linked to it (`Report.police_incident`), or
- is about one of the same people (`PoliceIncidentPerson` / `ReportPerson`), or
- is about the same address,
and, for the last two, was received at most `insight.reconciliation_window_days` (14) days
before or after the incident. The report may fall outside the municipality or the period: an
incident on 31 December that reached Veilig Thuis on 2 January did reach it. The same rule read
the other way matches a report to a police incident. What is left is *police-only* and
*Veilig Thuis-only*; for police-only incidents the reasons the police recorded for not
forwarding them are grouped and counted.

`show_reconciliation` and `export_reconciliation` work on the rows the actor may see (both
sides through `visible_to`) and log the people they show; `reconciliation_figures` counts every
row for figures-only readers, with small counts suppressed and no names or addresses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from haard.accounts.api_support import actor_of
from haard.accounts.models import User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.core import region_settings
from haard.core.models import Municipality
from haard.insight.colour import Colour, colour
from haard.insight.disclosure import Cell, protect, rule_text, threshold
from haard.insight.forms import (
    LIST_CHOICES,
    LIST_MATCHED,
    LIST_MATCHED_REPORTS,
    LIST_POLICE_ONLY,
    LIST_VT_ONLY,
)
from haard.insight.periods import Period
from haard.insight.queries import secret_address_q
from haard.insight.selectors import veilig_thuis_staff
from haard.intake.models import PoliceIncident, PoliceIncidentPerson, Report, ReportPerson, ReportSource

WINDOW_DAYS = region_settings.declare(
    "insight.reconciliation_window_days",
    kind=int,
    default=14,
    minimum=0,
    maximum=365,
    description=_(
        "A police incident and a Veilig Thuis report about the same person or address match when "
        "they are at most this many days apart"
    ),
    source="issue 4",
)
PAGE_SIZE = 50
MASKED = _("secret address")
NO_REASON = _("no reason recorded")
REASONS = {
    "link": _("linked"),
    "person": _("same person"),
    "address": _("same address"),
}


@dataclass(frozen=True)
class _Side:
    """How a row of one side (police incidents or reports) reaches the rows of the other side
    about the same person or at the same address: the path to them per reason, the row's own
    date, and the other side's date and the field that names one of its rows."""

    person: str
    address: str
    moment: str
    other_moment: str
    other_label: str

    def near(
        self, rows: QuerySet[Any], others: Any, window: timedelta
    ) -> dict[str, tuple[str, QuerySet[Any]]]:
        """Per reason ("person", "address"), the path and those of `rows` that one of `others`
        reaches within `window` days before or after."""
        low, high = F(self.moment) - window, F(self.moment) + window
        return {
            reason: (
                path,
                rows.filter(
                    **{
                        f"{path}__in": others,
                        f"{path}__{self.other_moment}__gte": low,
                        f"{path}__{self.other_moment}__lte": high,
                    }
                ),
            )
            for reason, path in (("person", self.person), ("address", self.address))
        }

    def earliest(self, rows: QuerySet[Any], others: Any, window: timedelta) -> list[Any]:
        """Per reason, (row id, label of a matching other row) pairs, the earliest other first."""
        return [
            matched.order_by(f"{path}__{self.other_moment}", f"{path}__id").values_list(
                "pk", f"{path}__{self.other_label}"
            )
            for path, matched in self.near(rows, others, window).values()
        ]


_INCIDENT_SIDE = _Side(
    person="involved__person__report_involvements__report",
    address="address__reports",
    moment="occurred_at",
    other_moment="received_at",
    other_label="reference",
)
_REPORT_SIDE = _Side(
    person="involved__person__police_involvements__incident",
    address="incident_address__police_incidents",
    moment="received_at",
    other_moment="occurred_at",
    other_label="registration_number",
)


@dataclass(frozen=True)
class Scope:
    """What is reconciled: the rows that may match on either side, and the municipality and
    period whose rows are counted."""

    municipality: Municipality
    period: Period
    window_days: int
    reports_all: QuerySet[Report]
    incidents_all: QuerySet[PoliceIncident]

    @classmethod
    def of(cls, *, municipality: Municipality, period: Period, actor: User | None) -> Scope:
        """The actor's visible rows, or every row (for figures) when actor is None."""
        return cls(
            municipality=municipality,
            period=period,
            window_days=int(region_settings.value(WINDOW_DAYS.key)),
            reports_all=Report.objects.all() if actor is None else Report.objects.visible_to(actor),
            incidents_all=(
                PoliceIncident.objects.all() if actor is None else PoliceIncident.objects.visible_to(actor)
            ),
        )

    @property
    def incidents(self) -> QuerySet[PoliceIncident]:
        return self.incidents_all.filter(
            municipality=self.municipality,
            occurred_at__gte=self.period.start,
            occurred_at__lt=self.period.end,
        )

    @property
    def reports(self) -> QuerySet[Report]:
        return self.reports_all.filter(
            municipality=self.municipality,
            received_at__gte=self.period.start,
            received_at__lt=self.period.end,
        )

    def _window(self) -> timedelta:
        return timedelta(days=self.window_days)

    # Matching works on sets the database computes once per query (a join per reason), never
    # on a subquery per row: with an OR of three reasons a correlated subquery per row is
    # planned badly by both SQLite and PostgreSQL once there are tens of thousands of rows.

    def matching_incidents(self) -> dict[str, QuerySet[Any]]:
        """Per reason, the ids of the counted police incidents that a (visible) report matches."""
        reports = self.reports_all.values("pk")
        near = _INCIDENT_SIDE.near(self.incidents, reports, self._window())
        return {
            "link": self.incidents.filter(reports__in=reports).values("pk"),
            **{reason: rows.values("pk") for reason, (_path, rows) in near.items()},
        }

    def matching_reports(self) -> dict[str, QuerySet[Any]]:
        """Per reason, the ids of the counted reports that a (visible) police incident matches."""
        incidents = self.incidents_all.values("pk")
        near = _REPORT_SIDE.near(self.reports, incidents, self._window())
        return {
            "link": self.reports.filter(police_incident__in=incidents).values("pk"),
            **{reason: rows.values("pk") for reason, (_path, rows) in near.items()},
        }

    def incident_matches(self) -> dict[str, Q]:
        """Per reason, a condition on a police incident: a report matches it."""
        return {reason: Q(pk__in=ids) for reason, ids in self.matching_incidents().items()}

    def report_matches(self) -> dict[str, Q]:
        """Per reason, a condition on a report: a police incident matches it."""
        return {reason: Q(pk__in=ids) for reason, ids in self.matching_reports().items()}

    def reports_matching(self, incident_ids: Any) -> dict[int, str]:
        """For these police incidents (ids or a queryset of them), the reference of a report
        that matches each: the linked one, else the earliest about the same people, else the
        earliest at the same address."""
        reports = self.reports_all.values("pk")
        linked = (
            Report.objects.filter(pk__in=reports, police_incident__in=incident_ids)
            .order_by("received_at", "pk")
            .values_list("police_incident_id", "reference")
        )
        incidents = PoliceIncident.objects.filter(pk__in=incident_ids)
        return _first_per_row([linked, *_INCIDENT_SIDE.earliest(incidents, reports, self._window())])

    def incidents_matching(self, report_ids: Any) -> dict[int, str]:
        """For these reports, the registration number of a police incident that matches each,
        in the same order of reasons."""
        incidents = self.incidents_all.values("pk")
        reports = Report.objects.filter(pk__in=report_ids)
        linked = reports.filter(police_incident__in=incidents).values_list(
            "pk", "police_incident__registration_number"
        )
        return _first_per_row([linked, *_REPORT_SIDE.earliest(reports, incidents, self._window())])


def _first_per_row(pairs: list[Any]) -> dict[int, str]:
    found: dict[int, str] = {}
    for rows in pairs:
        for pk, reference in rows:
            found.setdefault(pk, reference)
    return found


def _any(conditions: dict[str, Q]) -> Q:
    return conditions["link"] | conditions["person"] | conditions["address"]


@dataclass(frozen=True)
class Counts:
    police_total: int
    police_matched: int
    police_only: int
    police_only_forwarded: int
    reports_total: int
    reports_matched: int
    vt_only: int

    def by_list(self) -> dict[str, int]:
        return {
            LIST_MATCHED: self.police_matched,
            LIST_POLICE_ONLY: self.police_only,
            LIST_MATCHED_REPORTS: self.reports_matched,
            LIST_VT_ONLY: self.vt_only,
        }


def counts(scope: Scope) -> Counts:
    """The three-way counts, each side in one aggregate query."""
    matched = _any(scope.incident_matches())
    police = scope.incidents.aggregate(
        total=Count("pk"),
        matched=Count("pk", filter=matched),
        only_forwarded=Count("pk", filter=~matched & Q(forwarded_to_veilig_thuis=True)),
    )
    reports = scope.reports.aggregate(
        total=Count("pk"), matched=Count("pk", filter=_any(scope.report_matches()))
    )
    return Counts(
        police_total=police["total"],
        police_matched=police["matched"],
        police_only=police["total"] - police["matched"],
        police_only_forwarded=police["only_forwarded"],
        reports_total=reports["total"],
        reports_matched=reports["matched"],
        vt_only=reports["total"] - reports["matched"],
    )


def reasons_not_forwarded(scope: Scope) -> list[tuple[str, int]]:
    """Police-only incidents grouped by the recorded reason for not forwarding, most first."""
    rows = (
        scope.incidents.filter(~_any(scope.incident_matches()))
        .order_by()
        .values_list("reason_not_forwarded")
        .annotate(n=Count("pk"))
    )
    grouped: dict[str, int] = {}
    for reason, n in rows:
        key = (reason or "").strip()
        grouped[key] = grouped.get(key, 0) + n
    return sorted(grouped.items(), key=lambda item: (-item[1], item[0]))


# --- the lists behind the counts (personal data) --------------------------------------------


@dataclass
class Row:
    kind: str  # "police" or "report"
    pk: int
    reference: str
    at: datetime
    category: str
    colour: Colour
    address: str
    area: str
    people: list[tuple[int, str]]
    origin: str  # police organisation, or the report's source
    matched_by: list[str]
    matched_to: str
    forwarded: bool | None = None
    reason_not_forwarded: str = ""
    incident_code: str = ""
    masked: bool = False
    address_id: int | None = None

    @property
    def names(self) -> str:
        return "; ".join(name for _pk, name in self.people)


def _flagged(rows: QuerySet[Any], conditions: dict[str, Q], *, address: str, mask: bool) -> QuerySet[Any]:
    """`rows` with `by_<reason>` per matching reason, and with `mask` whether the row's
    `address` is secret."""
    rows = rows.annotate(
        **{
            f"by_{reason}": ExpressionWrapper(q, output_field=BooleanField())
            for reason, q in conditions.items()
        }
    )
    if mask:
        rows = rows.annotate(secret=ExpressionWrapper(secret_address_q(address), output_field=BooleanField()))
    return rows


def _incident_rows(scope: Scope, *, mask: bool) -> QuerySet[PoliceIncident]:
    rows = _flagged(scope.incidents, scope.incident_matches(), address="address", mask=mask)
    return rows.select_related("address__neighbourhood__district", "police_organisation")


def _report_rows(scope: Scope, *, mask: bool) -> QuerySet[Report]:
    rows = _flagged(scope.reports, scope.report_matches(), address="incident_address", mask=mask)
    return rows.select_related("incident_address__neighbourhood__district")


def list_rows(scope: Scope, which: str, *, mask: bool) -> QuerySet[Any]:
    """The rows behind one count, newest first."""
    if which in (LIST_MATCHED, LIST_POLICE_ONLY):
        matched = _any(scope.incident_matches())
        incidents = _incident_rows(scope, mask=mask)
        chosen = incidents.filter(matched if which == LIST_MATCHED else ~matched)
        return chosen.order_by("-occurred_at", "-pk")
    matched = _any(scope.report_matches())
    reports = _report_rows(scope, mask=mask)
    chosen_reports = reports.filter(matched if which == LIST_MATCHED_REPORTS else ~matched)
    return chosen_reports.order_by("-received_at", "-pk")


def _where(address: Any, masked: bool) -> tuple[str, str]:
    if address is None:
        return "", ""
    if masked:
        return str(MASKED), ""
    neighbourhood = address.neighbourhood
    area = f"{neighbourhood.district.name} – {neighbourhood.name}" if neighbourhood else ""
    return str(address), area


def _matched_by(row: Any) -> list[str]:
    return [str(REASONS[key]) for key in ("link", "person", "address") if getattr(row, f"by_{key}", False)]


People = dict[int, list[tuple[int, str]]]


def _people(involvements: QuerySet[Any], owner: str) -> People:
    """The people per incident or report, as (person id, full name), in one query."""
    found: People = {}
    for owner_id, person_id, first, prefix, surname in involvements.order_by(owner, "person_id").values_list(
        owner, "person_id", "person__first_names", "person__surname_prefix", "person__surname"
    ):
        name = " ".join(part for part in (first, prefix, surname) if part)
        found.setdefault(owner_id, []).append((person_id, name))
    return found


def people_of_incidents(incidents: Any) -> People:
    """`incidents`: ids, or a queryset of police incidents (used as a subquery, so that an
    export of thousands of rows sends no list of thousands of ids)."""
    return _people(PoliceIncidentPerson.objects.filter(incident__in=incidents), "incident_id")


def people_of_reports(reports: Any) -> People:
    return _people(ReportPerson.objects.filter(report__in=reports), "report_id")


def to_row(obj: Any, people: People, matched_to: dict[int, str]) -> Row:
    """A list row from an annotated police incident or report, the people per row and what
    each row matched."""
    masked = bool(getattr(obj, "secret", False))
    people_here = people.get(obj.pk, [])
    matched_by = _matched_by(obj)
    if isinstance(obj, PoliceIncident):
        address, area = _where(obj.address, masked)
        return Row(
            kind="police",
            pk=obj.pk,
            reference=obj.registration_number,
            at=obj.occurred_at,
            category=str(dict(LIST_CHOICES)[LIST_MATCHED if matched_by else LIST_POLICE_ONLY]),
            colour=colour(obj.severity),
            address=address,
            area=area,
            people=people_here,
            origin=obj.police_organisation.name,
            matched_by=matched_by,
            matched_to=matched_to.get(obj.pk, ""),
            forwarded=obj.forwarded_to_veilig_thuis,
            reason_not_forwarded=obj.reason_not_forwarded,
            incident_code=obj.incident_code,
            masked=masked and obj.address_id is not None,
            address_id=obj.address_id,
        )
    address, area = _where(obj.incident_address, masked)
    return Row(
        kind="report",
        pk=obj.pk,
        reference=obj.reference,
        at=obj.received_at,
        category=str(dict(LIST_CHOICES)[LIST_MATCHED_REPORTS if matched_by else LIST_VT_ONLY]),
        colour=colour(obj.initial_severity),
        address=address,
        area=area,
        people=people_here,
        origin=str(dict(ReportSource.choices).get(obj.source, obj.source)),
        matched_by=matched_by,
        matched_to=matched_to.get(obj.pk, ""),
        masked=masked and obj.incident_address_id is not None,
        address_id=obj.incident_address_id,
    )


def _person_ids(rows: Iterable[Row]) -> set[int]:
    return {pk for row in rows for pk, _name in row.people}


@dataclass
class Reconciliation:
    scope: Scope
    counts: Counts
    reasons: list[tuple[str, int]]
    show: str
    page: Page[Any]
    rows: list[Row] = field(default_factory=list)
    only_visible: bool = True


def show_reconciliation(
    *,
    request: Any,
    municipality: Municipality,
    period: Period,
    show: str = LIST_MATCHED,
    page_number: Any = 1,
    strict: bool = False,
) -> Reconciliation:
    """The counts over the rows the request's user may see, the grouped reasons, and one page
    of the list behind one count, logged with the people on that page."""
    actor = actor_of(request)
    scope = Scope.of(municipality=municipality, period=period, actor=actor)
    staff = veilig_thuis_staff(actor)
    paginator = Paginator(list_rows(scope, show, mask=not staff), PAGE_SIZE)
    result = Reconciliation(
        scope=scope,
        counts=counts(scope),
        reasons=reasons_not_forwarded(scope),
        show=show,
        page=Page([], 1, paginator),
        only_visible=not staff,
    )
    if strict:
        try:
            page = paginator.page(page_number)
        except EmptyPage:
            result.page = Page([], page_number, paginator)
            return result
    else:
        page = paginator.get_page(page_number)
    objects = list(page.object_list)
    ids = [obj.pk for obj in objects]
    if show in (LIST_MATCHED, LIST_POLICE_ONLY):
        people, matched_to = people_of_incidents(ids), scope.reports_matching(ids)
    else:
        people, matched_to = people_of_reports(ids), scope.incidents_matching(ids)
    result.rows = [to_row(obj, people, matched_to) for obj in objects]
    page.object_list = result.rows
    result.page = page
    log_access(
        request=request,
        action=Action.SEARCH,
        record_type="insight.Reconciliation",
        query=f"municipality={municipality.code} since={period.since} until={period.until} list={show}",
        person_ids=_person_ids(result.rows),
    )
    return result


@dataclass
class Export:
    scope: Scope
    counts: Counts
    reasons: list[tuple[str, int]]
    incidents: list[Row]
    reports: list[Row]


def export_reconciliation(*, request: Any, municipality: Municipality, period: Period) -> Export:
    """Everything behind the counts that the request's user may see, for a CSV or XLSX file,
    logged as an export with everyone in it."""
    actor = actor_of(request)
    scope = Scope.of(municipality=municipality, period=period, actor=actor)
    mask = not veilig_thuis_staff(actor)
    incident_ids, report_ids = scope.incidents.values("pk"), scope.reports.values("pk")
    incident_people, report_people = people_of_incidents(incident_ids), people_of_reports(report_ids)
    reports_matched, incidents_matched = (
        scope.reports_matching(incident_ids),
        scope.incidents_matching(report_ids),
    )
    incidents = [
        to_row(obj, incident_people, reports_matched)
        for obj in _incident_rows(scope, mask=mask).order_by("-occurred_at", "-pk").iterator(chunk_size=2000)
    ]
    reports = [
        to_row(obj, report_people, incidents_matched)
        for obj in _report_rows(scope, mask=mask).order_by("-received_at", "-pk").iterator(chunk_size=2000)
    ]
    log_access(
        request=request,
        action=Action.EXPORT,
        record_type="insight.Reconciliation",
        query=f"municipality={municipality.code} since={period.since} until={period.until}",
        person_ids=_person_ids(incidents) | _person_ids(reports),
    )
    return Export(scope, counts(scope), reasons_not_forwarded(scope), incidents, reports)


# --- figures only (no personal data) --------------------------------------------------------


@dataclass
class Figures:
    municipality: Municipality
    period: Period
    window_days: int
    counts: dict[str, str]
    reasons: list[tuple[str, str]]
    suppress_below: int
    disclosure_rule: str = ""


def reconciliation_figures(*, municipality: Municipality, period: Period) -> Figures:
    """The counts over every row, suppressed below the threshold. A reason is free text: one
    recorded fewer times than the threshold is folded into "other reasons", so that no rare
    (and perhaps identifying) text is shown."""
    scope = Scope.of(municipality=municipality, period=period, actor=None)
    found = counts(scope)
    limit = threshold()
    # The counts add up (matched + police-only = police incidents; forwarded + not forwarded =
    # police-only; matched reports + Veilig Thuis-only = reports; the reasons add up to the
    # police-only incidents), so each sum goes through the disclosure control as a table with
    # its total: no hidden count can be worked out from the others.
    police = protect([[found.police_matched, found.police_only]], below=limit)
    only = protect(
        [[found.police_only_forwarded, found.police_only - found.police_only_forwarded]], below=limit
    )
    reports = protect([[found.reports_matched, found.vt_only]], below=limit)
    police_only_hidden = police.cells[0][1].hidden
    labels: list[str] = []
    numbers: list[int] = []
    other = 0
    for reason, n in reasons_not_forwarded(scope):
        if n < limit and reason:
            other += n
        else:
            labels.append(reason or str(NO_REASON))
            numbers.append(n)
    if other:
        labels.append(str(_("other reasons")))
        numbers.append(other)
    reasons = protect([numbers], below=limit, row_totals=False) if numbers else None
    if reasons is not None and sum(numbers) == found.police_only and not police_only_hidden:
        # The reasons add up to the police-only count that is shown: protect them as a row
        # with that total.
        reasons = protect([numbers], below=limit, row_totals=True)

    def shown(cell: Cell, hide: bool = False) -> str:
        return "x" if hide or cell.hidden else str(cell.number)

    return Figures(
        municipality=municipality,
        period=period,
        window_days=scope.window_days,
        counts={
            "police_total": shown(police.row_totals[0] if police.row_totals else Cell(None)),
            "police_matched": shown(police.cells[0][0]),
            "police_only": shown(police.cells[0][1]),
            "police_only_forwarded": shown(only.cells[0][0], hide=police_only_hidden),
            "reports_total": shown(reports.row_totals[0] if reports.row_totals else Cell(None)),
            "reports_matched": shown(reports.cells[0][0]),
            "vt_only": shown(reports.cells[0][1]),
        },
        reasons=[
            (label, shown(cell))
            for label, cell in zip(labels, reasons.cells[0] if reasons else [], strict=False)
        ],
        suppress_below=limit,
        disclosure_rule=rule_text(below=limit),
    )


def window_text() -> str:
    """The matching window as the page shows it (region_settings.describe)."""
    return region_settings.describe(WINDOW_DAYS.key)
