"""Reads for the address view (seed 001): every address with incidents in a municipality and
period, its colour, and a timeline per address.

Two doors, one rule each:
- `show_address_page` and `show_address_timeline` show personal data: they read through
  `Report.objects.visible_to(actor)` and `PoliceIncident.objects.visible_to(actor)` and write
  one access-log entry with the people behind what they show.
- `address_figures` gives counts per colour per district and neighbourhood over all incidents,
  with small counts suppressed, and nothing that names a person or an address.

Counts, colours and sorting are computed in the database; a page costs the same number of
queries however many addresses and incidents there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.core.paginator import EmptyPage, Page
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from haard.accounts.api_support import actor_of
from haard.accounts.models import User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.core.models import District, Municipality, Neighbourhood
from haard.core.paging import CountedPaginator
from haard.insight import repeats
from haard.insight.colour import COLOURS_HIGH_FIRST, Colour, ColourRule, colour
from haard.insight.disclosure import Cell, Protected, protect, threshold
from haard.insight.forms import POLICE_FEED, SORT_COLOUR, SORT_INCIDENTS, SORT_RECENT
from haard.insight.periods import Period, months_after
from haard.insight.queries import greatest, latest, secret_address_q
from haard.intake.models import (
    PoliceIncident,
    PoliceIncidentPerson,
    Report,
    ReportPerson,
    ReportSource,
    ViolenceType,
)
from haard.intake.relations import is_veilig_thuis_staff
from haard.registry.models import Address

PAGE_SIZE = 50
MASKED = _("secret address")

ORDERINGS = {
    SORT_COLOUR: ("-colour", "-incidents", "-last_at", "pk"),
    SORT_INCIDENTS: ("-incidents", "-colour", "-last_at", "pk"),
    SORT_RECENT: ("-last_at", "-colour", "pk"),
}


@dataclass(frozen=True)
class AddressFilters:
    municipality: Municipality
    period: Period
    district: District | None = None
    neighbourhood: Neighbourhood | None = None
    violence_type: ViolenceType | None = None
    source: str = ""
    sort: str = SORT_COLOUR

    @classmethod
    def from_cleaned(cls, cleaned: dict[str, Any]) -> AddressFilters:
        return cls(
            municipality=cleaned["municipality"],
            period=cleaned["period"],
            district=cleaned.get("district"),
            neighbourhood=cleaned.get("neighbourhood"),
            violence_type=cleaned.get("violence_type"),
            source=cleaned.get("source") or "",
            sort=cleaned.get("sort") or SORT_COLOUR,
        )


@dataclass(frozen=True)
class Sources:
    """The incidents the view counts, per kind; None when the filters leave a kind out."""

    reports: QuerySet[Report] | None
    incidents: QuerySet[PoliceIncident] | None


def incident_sources(
    filters: AddressFilters, *, reports: QuerySet[Report], incidents: QuerySet[PoliceIncident]
) -> Sources:
    """Incidents in the municipality that have an address and match the filters (district and
    neighbourhood of the address, source, violence). Police incidents carry no form of
    violence, so a violence filter leaves them out."""
    reports = reports.filter(municipality=filters.municipality, incident_address__isnull=False)
    incidents = incidents.filter(municipality=filters.municipality, address__isnull=False)
    if filters.violence_type is not None:
        reports = reports.filter(violence_types=filters.violence_type)
    if filters.source and filters.source != POLICE_FEED:
        reports = reports.filter(source=filters.source)
    if filters.district is not None:
        reports = reports.filter(incident_address__neighbourhood__district=filters.district)
        incidents = incidents.filter(address__neighbourhood__district=filters.district)
    if filters.neighbourhood is not None:
        reports = reports.filter(incident_address__neighbourhood=filters.neighbourhood)
        incidents = incidents.filter(address__neighbourhood=filters.neighbourhood)
    keep_reports = filters.source != POLICE_FEED
    keep_incidents = filters.source in ("", POLICE_FEED) and filters.violence_type is None
    return Sources(reports if keep_reports else None, incidents if keep_incidents else None)


def _distinct_events(
    reports: QuerySet[Report], incidents: QuerySet[PoliceIncident] | None, lower: Any, upper: Any
) -> QuerySet[Report]:
    """The reports that are not the same event as a counted police incident: those linked to a
    counted incident (from `lower` to `upper`) at the same address count with the incident."""
    if incidents is None:
        return reports
    counted = incidents.filter(occurred_at__gte=lower, occurred_at__lt=upper).values("pk")
    # Through the foreign key and a set computed once: no subquery per report.
    return reports.exclude(police_incident__in=counted, police_incident__address_id=F("incident_address_id"))


def addresses_with_incidents(sources: Sources, filters: AddressFilters) -> QuerySet[Address]:
    """The addresses with at least one counted incident in the period: the rows of
    `annotated_addresses`, without its joins and aggregates (so also what a page counts). The
    address ids of the reports and of the police incidents are united first: each is read
    through an index, where testing every address against both is a scan of all addresses."""
    ids = _address_ids(sources, filters.period)
    if not ids:
        return Address.objects.none()
    first, *rest = ids
    return Address.objects.filter(pk__in=first.union(*rest) if rest else first)


def _address_ids(sources: Sources, period: Any) -> list[QuerySet[Any]]:
    """The ids of the addresses of the counted reports and police incidents in the period."""
    found: list[QuerySet[Any]] = []
    if sources.reports is not None:
        reports = sources.reports.filter(received_at__gte=period.start, received_at__lt=period.end)
        found.append(reports.filter(incident_address__isnull=False).order_by().values("incident_address"))
    if sources.incidents is not None:
        incidents = sources.incidents.filter(occurred_at__gte=period.start, occurred_at__lt=period.end)
        found.append(incidents.filter(address__isnull=False).order_by().values("address"))
    return found


def annotated_addresses(sources: Sources, filters: AddressFilters, rule: ColourRule) -> QuerySet[Any]:
    """Addresses with at least one counted incident in the period, each annotated with
    `incidents` (distinct events in the period), `reports_count`, `police_count`, `window_count`,
    `highest` (severity in the colour window), `last_at` and `colour` (the rule).

    One grouped query: the address joined to its reports and police incidents of the time
    that matters, with conditional aggregates over sets (visible, filtered, in the period or
    the window) that the database computes once, not once per address."""
    period = filters.period
    start, end = period.start, period.end
    window_start = period.months_back_from_end(rule.window_months)
    earliest = min(start, window_start)
    joins: dict[str, Any] = {}
    annotations: dict[str, Any] = {}
    counts: list[Any] = []
    window_counts: list[Any] = []
    highest: list[Any] = []
    last: list[Any] = []
    if sources.reports is not None:
        reports = sources.reports
        in_period = reports.filter(received_at__gte=start, received_at__lt=end)
        in_window = reports.filter(received_at__gte=window_start, received_at__lt=end)
        joins["r"] = FilteredRelation(
            "reports", condition=Q(reports__received_at__gte=earliest, reports__received_at__lt=end)
        )
        annotations["reports_count"] = Count("r", filter=Q(r__in=in_period.values("pk")), distinct=True)
        events = _distinct_events(in_period, sources.incidents, start, end)
        counts.append(Count("r", filter=Q(r__in=events.values("pk")), distinct=True))
        events = _distinct_events(in_window, sources.incidents, window_start, end)
        window_counts.append(Count("r", filter=Q(r__in=events.values("pk")), distinct=True))
        highest.append(Max("r__initial_severity", filter=Q(r__in=in_window.values("pk"))))
        last.append(Max("r__received_at", filter=Q(r__in=in_period.values("pk"))))
    if sources.incidents is not None:
        incidents = sources.incidents
        in_period_p = incidents.filter(occurred_at__gte=start, occurred_at__lt=end)
        in_window_p = incidents.filter(occurred_at__gte=window_start, occurred_at__lt=end)
        joins["p"] = FilteredRelation(
            "police_incidents",
            condition=Q(police_incidents__occurred_at__gte=earliest, police_incidents__occurred_at__lt=end),
        )
        annotations["police_count"] = Count("p", filter=Q(p__in=in_period_p.values("pk")), distinct=True)
        counts.append(annotations["police_count"])
        window_counts.append(Count("p", filter=Q(p__in=in_window_p.values("pk")), distinct=True))
        highest.append(Max("p__severity", filter=Q(p__in=in_window_p.values("pk"))))
        last.append(Max("p__occurred_at", filter=Q(p__in=in_period_p.values("pk"))))
    zero = Value(0, output_field=IntegerField())
    annotations.setdefault("reports_count", zero)
    annotations.setdefault("police_count", zero)
    return (
        addresses_with_incidents(sources, filters)
        .alias(**joins)
        .annotate(
            **annotations,
            incidents=_sum(counts),
            window_count=_sum(window_counts),
            highest=greatest(highest, 0, IntegerField()),
            last_at=latest(last),
        )
        .annotate(colour=rule.expression(highest_severity="highest", incidents="window_count"))
    )


def _sum(expressions: list[Any]) -> Any:
    if not expressions:
        return Value(0, output_field=IntegerField())
    total = expressions[0]
    for expression in expressions[1:]:
        total = total + expression
    return ExpressionWrapper(total, output_field=IntegerField())


# --- the address list (personal data) -------------------------------------------------------


@dataclass
class IncidentMark:
    """One incident in the list: its colour (severity) and when."""

    kind: str
    at: datetime
    colour: Colour


@dataclass
class AddressRow:
    address: Address
    masked: bool
    colour: Colour
    incidents: int
    reports: int
    police: int
    last_at: datetime | None
    repeat: bool
    marks: list[IncidentMark] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(MASKED) if self.masked else str(self.address)

    @property
    def area(self) -> str:
        neighbourhood = self.address.neighbourhood
        if self.masked or neighbourhood is None:
            return ""
        return f"{neighbourhood.district.name} – {neighbourhood.name}"


@dataclass
class AddressPage:
    page: Page[Any]
    rows: list[AddressRow]
    rule: ColourRule
    repeat_months: int
    sees_secret_addresses: bool


def _visible_sources(actor: User, filters: AddressFilters) -> Sources:
    return incident_sources(
        filters,
        reports=Report.objects.visible_to(actor),
        incidents=PoliceIncident.objects.visible_to(actor),
    )


def veilig_thuis_staff(actor: User) -> bool:
    """Whether the actor is Veilig Thuis staff (intake.relations.is_veilig_thuis_staff, which
    remembers it on the actor for the request), who see the whole region and secret addresses."""
    return is_veilig_thuis_staff(actor)


def _sorted_rows(sources: Sources, filters: AddressFilters, rule: ColourRule, *, mask: bool) -> QuerySet[Any]:
    rows = annotated_addresses(sources, filters, rule)
    if mask:
        rows = rows.annotate(secret=ExpressionWrapper(secret_address_q(), output_field=BooleanField()))
    return rows.select_related("neighbourhood__district").order_by(*ORDERINGS[filters.sort])


def address_list(*, actor: User, filters: AddressFilters, rule: ColourRule | None = None) -> QuerySet[Any]:
    """The addresses with incidents the actor may see, annotated and sorted (see
    `annotated_addresses`); Veilig Thuis staff see the region, the police their own incidents."""
    sources = _visible_sources(actor, filters)
    return _sorted_rows(sources, filters, rule or ColourRule.current(), mask=not veilig_thuis_staff(actor))


def _events_at(
    sources: Sources, address_ids: list[int], lower: datetime, upper: datetime
) -> tuple[dict[int, list[repeats.Event]], dict[tuple[str, int], int]]:
    """The counted incidents at these addresses from `lower` on, as events per address, and the
    severity of each."""
    events: dict[int, list[repeats.Event]] = defaultdict(list)
    severity: dict[tuple[str, int], int] = {}
    if sources.reports is not None:
        for pk, address_id, at, level, linked in sources.reports.filter(
            incident_address__in=address_ids, received_at__gte=lower, received_at__lt=upper
        ).values_list("pk", "incident_address_id", "received_at", "initial_severity", "police_incident_id"):
            events[address_id].append(repeats.Event("report", pk, at, linked))
            severity[("report", pk)] = level
    if sources.incidents is not None:
        for pk, address_id, at, level in sources.incidents.filter(
            address__in=address_ids, occurred_at__gte=lower, occurred_at__lt=upper
        ).values_list("pk", "address_id", "occurred_at", "severity"):
            events[address_id].append(repeats.Event("police", pk, at))
            severity[("police", pk)] = level
    return events, severity


def _people_in(report_ids: list[int], incident_ids: list[int]) -> set[int]:
    people = set(ReportPerson.objects.filter(report_id__in=report_ids).values_list("person_id", flat=True))
    people |= set(
        PoliceIncidentPerson.objects.filter(incident_id__in=incident_ids).values_list("person_id", flat=True)
    )
    return people


def show_address_page(
    *, request: Any, filters: AddressFilters, page_number: Any = 1, strict: bool = False
) -> AddressPage:
    """One page (50) of the addresses with incidents the request's user may see, with a colour
    per address and per incident and the repeat flags, logged with the people in those
    incidents. With `strict`, a page out of range is empty and nothing is logged."""
    actor = actor_of(request)
    rule = ColourRule.current()
    repeat_months = repeats.window_months()
    sees_secrets = veilig_thuis_staff(actor)
    sources = _visible_sources(actor, filters)
    paginator = CountedPaginator(
        _sorted_rows(sources, filters, rule, mask=not sees_secrets),
        PAGE_SIZE,
        count=addresses_with_incidents(sources, filters).count,
    )
    page: Page[Any]
    if strict:
        try:
            page = paginator.page(page_number)
        except EmptyPage:
            return AddressPage(Page([], page_number, paginator), [], rule, repeat_months, sees_secrets)
    else:
        page = paginator.get_page(page_number)
    addresses = list(page.object_list)
    period = filters.period
    lookback = months_after(period.start, -repeat_months)
    events, severity = _events_at(sources, [a.pk for a in addresses], lookback, period.end)
    rows, shown_reports, shown_incidents = [], [], []
    for address in addresses:
        in_period = [e for e in events.get(address.pk, []) if e.at >= period.start]
        shown_reports += [e.pk for e in in_period if e.kind == "report"]
        shown_incidents += [e.pk for e in in_period if e.kind == "police"]
        rows.append(
            AddressRow(
                address=address,
                masked=bool(getattr(address, "secret", False)),
                colour=colour(address.colour),
                incidents=address.incidents,
                reports=address.reports_count,
                police=address.police_count,
                last_at=address.last_at if in_period else None,
                repeat=repeats.has_repeat(
                    events.get(address.pk, []), months=repeat_months, since=period.start
                ),
                marks=[
                    IncidentMark(e.kind, e.at, colour(severity[(e.kind, e.pk)]))
                    for e in sorted(in_period, key=lambda e: e.at, reverse=True)
                ],
            )
        )
    page.object_list = rows
    log_access(
        request=request,
        action=Action.SEARCH,
        record_type="insight.AddressView",
        query=f"municipality={filters.municipality.code} since={period.since} until={period.until}",
        person_ids=_people_in(shown_reports, shown_incidents),
    )
    return AddressPage(page, rows, rule, repeat_months, sees_secrets)


# --- the timeline of one address (personal data) --------------------------------------------


@dataclass
class PersonOnTimeline:
    person_id: int
    name: str
    role: str
    repeat: bool


@dataclass
class TimelineItem:
    kind: str  # "report" or "police"
    pk: int
    at: datetime
    title: str
    what: str
    source: str
    colour: Colour
    people: list[PersonOnTimeline]
    repeat: bool = False
    violence: list[str] = field(default_factory=list)
    linked_incident: str = ""
    forwarded: bool | None = None
    reason_not_forwarded: str = ""


@dataclass
class Timeline:
    address: Address
    masked: bool
    items: list[TimelineItem]
    repeat_months: int

    @property
    def label(self) -> str:
        return str(MASKED) if self.masked else str(self.address)

    @property
    def person_ids(self) -> set[int]:
        return {p.person_id for item in self.items for p in item.people}


def _person_repeats(actor: User, person_ids: set[int], months: int) -> set[int]:
    """The people (of these) with an incident within `months` months after an earlier one,
    among the incidents the actor may see."""
    events: dict[int, list[repeats.Event]] = defaultdict(list)
    for person_id, pk, at, linked in ReportPerson.objects.filter(
        person_id__in=person_ids, report__in=Report.objects.visible_to(actor)
    ).values_list("person_id", "report_id", "report__received_at", "report__police_incident_id"):
        events[person_id].append(repeats.Event("report", pk, at, linked))
    for person_id, pk, at in PoliceIncidentPerson.objects.filter(
        person_id__in=person_ids, incident__in=PoliceIncident.objects.visible_to(actor)
    ).values_list("person_id", "incident_id", "incident__occurred_at"):
        events[person_id].append(repeats.Event("police", pk, at))
    return {pid for pid, found in events.items() if repeats.has_repeat(found, months=months)}


def address_timeline(*, actor: User, pk: int) -> Timeline | None:
    """Every report and police incident at the address that the actor may see, newest first,
    with the people in them and the repeat flags; None when the actor sees none."""
    reports = list(
        Report.objects.visible_to(actor)
        .filter(incident_address_id=pk)
        .prefetch_related("violence_types", "involved__person")
    )
    incidents = list(
        PoliceIncident.objects.visible_to(actor)
        .filter(address_id=pk)
        .select_related("police_organisation")
        .prefetch_related("involved__person")
    )
    if not reports and not incidents:
        return None
    address_rows = Address.objects.select_related("neighbourhood__district", "municipality").filter(pk=pk)
    if not veilig_thuis_staff(actor):
        address_rows = address_rows.annotate(
            secret=ExpressionWrapper(secret_address_q(), output_field=BooleanField())
        )
    address = address_rows.get()
    months = repeats.window_months()
    people = {i.person_id for r in reports for i in r.involved.all()} | {
        i.person_id for p in incidents for i in p.involved.all()
    }
    people_repeating = _person_repeats(actor, people, months)
    visible_incidents = {p.pk: p.registration_number for p in incidents}
    items = [_report_item(r, visible_incidents, people_repeating) for r in reports]
    items += [_incident_item(p, people_repeating) for p in incidents]
    linked = {r.pk: r.police_incident_id for r in reports}
    flagged = repeats.repeat_keys(
        [repeats.Event(i.kind, i.pk, i.at, linked.get(i.pk) if i.kind == "report" else None) for i in items],
        months=months,
    )
    for item in items:
        item.repeat = (item.kind, item.pk) in flagged
    items.sort(key=lambda i: (i.at, i.kind == "report", i.pk), reverse=True)
    return Timeline(address, bool(getattr(address, "secret", False)), items, months)


def _people_of(involvements: Iterable[Any], repeating: set[int]) -> list[PersonOnTimeline]:
    return [
        PersonOnTimeline(i.person_id, i.person.full_name, str(i.get_role_display()), i.person_id in repeating)
        for i in involvements
    ]


def _report_item(report: Report, visible_incidents: dict[int, str], repeating: set[int]) -> TimelineItem:
    return TimelineItem(
        kind="report",
        pk=report.pk,
        at=report.received_at,
        title=report.reference,
        what=str(report.get_kind_display()),
        source=str(dict(ReportSource.choices).get(report.source, report.source)),
        colour=colour(report.initial_severity),
        people=_people_of(report.involved.all(), repeating),
        violence=[str(v) for v in report.violence_types.all()],
        linked_incident=visible_incidents.get(report.police_incident_id or 0, ""),
    )


def _incident_item(incident: PoliceIncident, repeating: set[int]) -> TimelineItem:
    return TimelineItem(
        kind="police",
        pk=incident.pk,
        at=incident.occurred_at,
        title=incident.registration_number,
        what=str(_("police incident")),
        source=incident.police_organisation.name,
        colour=colour(incident.severity),
        people=_people_of(incident.involved.all(), repeating),
        forwarded=incident.forwarded_to_veilig_thuis,
        reason_not_forwarded=incident.reason_not_forwarded,
    )


def show_address_timeline(*, request: Any, pk: int) -> Timeline:
    """The timeline of one address, logged with everyone in it; Http404 when the request's user
    sees nothing there."""
    timeline = address_timeline(actor=actor_of(request), pk=pk)
    if timeline is None:
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="registry.Address",
        record_id=pk,
        person_ids=timeline.person_ids,
    )
    return timeline


# --- figures only (no personal data) --------------------------------------------------------


@dataclass
class FiguresRow:
    """Counts for one neighbourhood (or the whole municipality), already suppressed."""

    district: str
    neighbourhood: str
    code: str
    addresses: list[str]  # shown counts per colour, red first
    addresses_total: str
    incidents: list[str]  # shown counts per severity, red first
    incidents_total: str


@dataclass
class AddressFigures:
    municipality: Municipality
    period: Period
    rows: list[FiguresRow]
    total: FiguresRow
    rule: ColourRule
    suppress_below: int
    disclosure_rule: str


def _incident_counts(sources: Sources, period: Period) -> dict[tuple[str, int], int]:
    """Distinct incidents in the period per neighbourhood code and severity (a report linked to
    a counted police incident at the same address counts once)."""
    counts: dict[tuple[str, int], int] = defaultdict(int)
    if sources.reports is not None:
        for code, level, n in (
            _distinct_events(
                sources.reports.filter(received_at__gte=period.start, received_at__lt=period.end),
                sources.incidents,
                period.start,
                period.end,
            )
            .order_by()
            .values_list("incident_address__neighbourhood__code", "initial_severity")
            .annotate(n=Count("pk", distinct=True))
        ):
            counts[(code or "", level)] += n
    if sources.incidents is not None:
        for code, level, n in (
            sources.incidents.filter(occurred_at__gte=period.start, occurred_at__lt=period.end)
            .order_by()
            .values_list("address__neighbourhood__code", "severity")
            .annotate(n=Count("pk"))
        ):
            counts[(code or "", level)] += n
    return counts


def address_figures(*, filters: AddressFilters) -> AddressFigures:
    """Addresses per colour and incidents per severity, per neighbourhood of the municipality,
    over every incident (not only those a reader could open), each count below the region's
    threshold shown as "<5". Names and addresses never leave this function."""
    rule = ColourRule.current()
    limit = threshold()
    sources = incident_sources(filters, reports=Report.objects.all(), incidents=PoliceIncident.objects.all())
    # The colours are worked out per address in a grouped query; that query then serves as a
    # set (computed once) for counting addresses per neighbourhood and colour.
    annotated = annotated_addresses(sources, filters, rule)
    counted = (
        Address.objects.filter(pk__in=annotated.values("pk"))
        .order_by()
        .values("neighbourhood__code")
        .annotate(
            **{
                f"colour_{c.value}": Count(
                    "pk", filter=Q(pk__in=annotated.filter(colour=c.value).values("pk"))
                )
                for c in COLOURS_HIGH_FIRST
            }
        )
    )
    per_colour: dict[tuple[str, int], int] = defaultdict(int)
    for counted_row in counted:
        values = cast(dict[str, Any], counted_row)
        for c in COLOURS_HIGH_FIRST:
            per_colour[(values["neighbourhood__code"] or "", c.value)] += values[f"colour_{c.value}"]
    per_severity = _incident_counts(sources, filters.period)
    neighbourhoods = Neighbourhood.objects.filter(district__municipality=filters.municipality)
    if filters.district is not None:
        neighbourhoods = neighbourhoods.filter(district=filters.district)
    if filters.neighbourhood is not None:
        neighbourhoods = neighbourhoods.filter(pk=filters.neighbourhood.pk)
    areas = [
        (n.code, n.district.name, n.name)
        for n in neighbourhoods.select_related("district").order_by("district__name", "name")
    ]
    found = {code for code, _value in [*per_colour, *per_severity]}
    elsewhere = found - {code for code, _d, _n in areas}

    heads = [({code}, district, name, code) for code, district, name in areas]
    if elsewhere:
        heads.append((elsewhere, "", str(_("elsewhere, or no neighbourhood known")), ""))
    address_counts = [
        [sum(per_colour[(k, c.value)] for k in codes) for c in COLOURS_HIGH_FIRST] for codes, *_rest in heads
    ]
    incident_counts = [
        [sum(per_severity[(k, c.value)] for k in codes) for c in COLOURS_HIGH_FIRST]
        for codes, *_rest in heads
    ]
    # Both tables with their totals through the disclosure control (secondary suppression).
    addresses = protect(address_counts, below=limit, row_totals=True, column_totals=True)
    incidents = protect(incident_counts, below=limit, row_totals=True, column_totals=True)

    def texts(cells: list[Cell]) -> list[str]:
        return [str(cell) for cell in cells]

    def total_of(table: Protected, index: int) -> str:
        return str(table.row_totals[index]) if table.row_totals else ""

    rows = [
        FiguresRow(
            district=district,
            neighbourhood=name,
            code=code,
            addresses=texts(addresses.cells[index]),
            addresses_total=total_of(addresses, index),
            incidents=texts(incidents.cells[index]),
            incidents_total=total_of(incidents, index),
        )
        for index, (_codes, district, name, code) in enumerate(heads)
    ]
    zeros = [Cell(0)] * len(COLOURS_HIGH_FIRST)
    total = FiguresRow(
        district="",
        neighbourhood=str(filters.municipality),
        code=filters.municipality.code,
        addresses=texts(addresses.column_totals or zeros),
        addresses_total=str(addresses.grand_total or Cell(0)),
        incidents=texts(incidents.column_totals or zeros),
        incidents_total=str(incidents.grand_total or Cell(0)),
    )
    return AddressFigures(filters.municipality, filters.period, rows, total, rule, limit, addresses.rule)
