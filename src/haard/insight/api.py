"""Insight in the API: the address view and the reconciliation, with the same selectors,
access rules and access log as the pages. Bad filters give a 422 problem naming the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError, ValidationError

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of, require_scope
from haard.insight import figures, indicators, selectors
from haard.insight import reconciliation as recon
from haard.insight.colour import COLOURS_HIGH_FIRST, ColourRule, settings_text
from haard.insight.figure_forms import IndicatorForm
from haard.insight.forms import AddressFiguresForm, AddressFilterForm, PeriodForm, ReconciliationForm
from haard.insight.indicators import Indicator
from haard.insight.selectors import AddressFilters, veilig_thuis_staff

router = Router(tags=["insight"])


def _personal_data(request: HttpRequest) -> None:
    require_scope(request, "people:read")
    if not has_capability(actor_of(request), "view_personal_data"):
        raise HttpError(403, "Your role sees figures only: use the /figures operation.")


def _figures(request: HttpRequest) -> None:
    actor = actor_of(request)
    if not (has_capability(actor, "view_figures") or veilig_thuis_staff(actor)):
        raise HttpError(403, "Your role does not see these figures.")


def _valid(form: Any) -> dict[str, Any]:
    """The cleaned filters, or a 422 whose errors name each bad query parameter."""
    if form.is_valid():
        return form.cleaned_data
    errors = [
        {"loc": ("query",) if name == "__all__" else ("query", name), "msg": str(message)}
        for name, messages in form.errors.items()
        for message in messages
    ]
    raise ValidationError(errors)


def _query(**values: Any) -> dict[str, str]:
    return {
        name: value.isoformat() if isinstance(value, date) else str(value)
        for name, value in values.items()
        if value not in (None, "")
    }


class PeriodOut(Schema):
    municipality: str
    since: date
    until: date


class IncidentColourOut(Schema):
    kind: str
    at: datetime
    colour: str
    severity: int


class AddressOut(Schema):
    id: int
    address: str
    secret_address_masked: bool
    district: str
    neighbourhood: str
    colour: str
    colour_value: int
    incidents: int
    police_incidents: int
    reports: int
    last_at: datetime | None
    repeat: bool
    incident_colours: list[IncidentColourOut]


class AddressPageOut(PeriodOut):
    colour_rule: list[str]
    settings: list[str]
    count: int
    page: int
    pages: int
    addresses: list[AddressOut]


def _address(row: selectors.AddressRow) -> dict[str, Any]:
    neighbourhood = None if row.masked else row.address.neighbourhood
    return {
        "id": row.address.pk,
        "address": row.label,
        "secret_address_masked": row.masked,
        "district": neighbourhood.district.code if neighbourhood else "",
        "neighbourhood": neighbourhood.code if neighbourhood else "",
        "colour": row.colour.key,
        "colour_value": row.colour.value,
        "incidents": row.incidents,
        "police_incidents": row.police,
        "reports": row.reports,
        "last_at": row.last_at,
        "repeat": row.repeat,
        "incident_colours": [
            {"kind": m.kind, "at": m.at, "colour": m.colour.key, "severity": m.colour.value}
            for m in row.marks
        ],
    }


def _rule_lines(rule: ColourRule) -> list[str]:
    return [f"{c.name}: {text}" for c, text in rule.lines()]


@router.get(
    "/addresses",
    response=AddressPageOut,
    summary="Addresses with incidents you may see, with their colours, 50 per page",
)
def list_addresses(
    request: HttpRequest,
    municipality: str = Query(..., max_length=6, description="CBS code, e.g. GM0118"),
    since: date | None = None,
    until: date | None = None,
    district: str | None = Query(None, max_length=8),
    neighbourhood: str | None = Query(None, max_length=10),
    violence_type: str | None = Query(None, max_length=40),
    source: str | None = Query(None, max_length=20),
    sort: str | None = Query(None, max_length=20),
    page: int = Query(1, ge=1, le=100_000),
) -> dict[str, Any]:
    _personal_data(request)
    query = _query(
        municipality=municipality,
        since=since,
        until=until,
        district=district,
        neighbourhood=neighbourhood,
        violence_type=violence_type,
        source=source,
        sort=sort,
    )
    filters = AddressFilters.from_cleaned(_valid(AddressFilterForm(query)))
    shown = selectors.show_address_page(request=request, filters=filters, page_number=page, strict=True)
    return {
        "municipality": filters.municipality.code,
        "since": filters.period.since,
        "until": filters.period.until,
        "colour_rule": _rule_lines(shown.rule),
        "settings": settings_text(),
        "count": shown.page.paginator.count,
        "page": page,
        "pages": shown.page.paginator.num_pages,
        "addresses": [_address(row) for row in shown.rows],
    }


class FiguresRowOut(Schema):
    district: str
    neighbourhood: str
    code: str
    addresses_by_colour: dict[str, str]
    addresses: str
    incidents_by_severity: dict[str, str]
    incidents: str


class AddressFiguresOut(PeriodOut):
    colour_rule: list[str]
    suppressed_below: int
    rows: list[FiguresRowOut]
    total: FiguresRowOut


def _figures_row(row: selectors.FiguresRow) -> dict[str, Any]:
    keys = [c.key for c in COLOURS_HIGH_FIRST]
    return {
        "district": row.district,
        "neighbourhood": row.neighbourhood,
        "code": row.code,
        "addresses_by_colour": dict(zip(keys, row.addresses, strict=True)),
        "addresses": row.addresses_total,
        "incidents_by_severity": dict(zip(keys, row.incidents, strict=True)),
        "incidents": row.incidents_total,
    }


@router.get(
    "/addresses/figures",
    response=AddressFiguresOut,
    summary="Addresses per colour and incidents per severity per neighbourhood (figures only)",
)
def address_figures(
    request: HttpRequest,
    municipality: str = Query(..., max_length=6),
    since: date | None = None,
    until: date | None = None,
    district: str | None = Query(None, max_length=8),
    neighbourhood: str | None = Query(None, max_length=10),
    violence_type: str | None = Query(None, max_length=40),
    source: str | None = Query(None, max_length=20),
) -> dict[str, Any]:
    _figures(request)
    query = _query(
        municipality=municipality,
        since=since,
        until=until,
        district=district,
        neighbourhood=neighbourhood,
        violence_type=violence_type,
        source=source,
    )
    figures = selectors.address_figures(
        filters=AddressFilters.from_cleaned(_valid(AddressFiguresForm(query)))
    )
    return {
        "municipality": figures.municipality.code,
        "since": figures.period.since,
        "until": figures.period.until,
        "colour_rule": _rule_lines(figures.rule),
        "suppressed_below": figures.suppress_below,
        "rows": [_figures_row(r) for r in figures.rows],
        "total": _figures_row(figures.total),
    }


class PersonOut(Schema):
    person_id: int
    name: str
    role: str
    repeat: bool


class TimelineItemOut(Schema):
    kind: str
    id: int
    at: datetime
    reference: str
    what: str
    source: str
    colour: str
    severity: int
    repeat: bool
    people: list[PersonOut]
    violence: list[str]
    linked_incident: str
    forwarded_to_veilig_thuis: bool | None
    reason_not_forwarded: str


class TimelineOut(Schema):
    id: int
    address: str
    secret_address_masked: bool
    repeat_window_months: int
    items: list[TimelineItemOut]


@router.get("/addresses/{address_id}", response=TimelineOut, summary="Everything you may see at one address")
def address_timeline(request: HttpRequest, address_id: int) -> dict[str, Any]:
    _personal_data(request)
    if address_id < 1:
        raise HttpError(404, "Not found")
    timeline = selectors.show_address_timeline(request=request, pk=address_id)
    return {
        "id": timeline.address.pk,
        "address": timeline.label,
        "secret_address_masked": timeline.masked,
        "repeat_window_months": timeline.repeat_months,
        "items": [
            {
                "kind": item.kind,
                "id": item.pk,
                "at": item.at,
                "reference": item.title,
                "what": item.what,
                "source": item.source,
                "colour": item.colour.key,
                "severity": item.colour.value,
                "repeat": item.repeat,
                "people": [vars(p) for p in item.people],
                "violence": item.violence,
                "linked_incident": item.linked_incident,
                "forwarded_to_veilig_thuis": item.forwarded,
                "reason_not_forwarded": item.reason_not_forwarded,
            }
            for item in timeline.items
        ],
    }


class CountsOut(Schema):
    police_total: int
    police_matched: int
    police_only: int
    police_only_forwarded: int
    reports_total: int
    reports_matched: int
    vt_only: int


class ReasonOut(Schema):
    reason: str
    count: int


class ReconciliationRowOut(Schema):
    kind: str
    id: int
    reference: str
    at: datetime
    category: str
    severity: int
    address: str
    secret_address_masked: bool
    people: list[int]
    names: str
    origin: str
    matched_by: list[str]
    matched_to: str
    forwarded_to_veilig_thuis: bool | None
    reason_not_forwarded: str


class ReconciliationOut(PeriodOut):
    window_days: int
    only_rows_you_may_see: bool
    counts: CountsOut
    reasons_not_forwarded: list[ReasonOut]
    show: str
    count: int
    page: int
    pages: int
    rows: list[ReconciliationRowOut]


@router.get(
    "/reconciliation",
    response=ReconciliationOut,
    summary="Police incidents against Veilig Thuis reports, and the list behind one count",
)
def reconciliation(
    request: HttpRequest,
    municipality: str = Query(..., max_length=6),
    since: date | None = None,
    until: date | None = None,
    show: str | None = Query(
        None, max_length=20, description="matched, police_only, matched_reports or vt_only"
    ),
    page: int = Query(1, ge=1, le=100_000),
) -> dict[str, Any]:
    _personal_data(request)
    data = _valid(ReconciliationForm(_query(municipality=municipality, since=since, until=until, show=show)))
    shown = recon.show_reconciliation(
        request=request,
        municipality=data["municipality"],
        period=data["period"],
        show=data["show"],
        page_number=page,
        strict=True,
    )
    return {
        "municipality": data["municipality"].code,
        "since": data["period"].since,
        "until": data["period"].until,
        "window_days": shown.scope.window_days,
        "only_rows_you_may_see": shown.only_visible,
        "counts": vars(shown.counts),
        "reasons_not_forwarded": [{"reason": r, "count": n} for r, n in shown.reasons],
        "show": shown.show,
        "count": shown.page.paginator.count,
        "page": page,
        "pages": shown.page.paginator.num_pages,
        "rows": [
            {
                "kind": row.kind,
                "id": row.pk,
                "reference": row.reference,
                "at": row.at,
                "category": row.category,
                "severity": row.colour.value,
                "address": row.address,
                "secret_address_masked": row.masked,
                "people": [pk for pk, _name in row.people],
                "names": row.names,
                "origin": row.origin,
                "matched_by": row.matched_by,
                "matched_to": row.matched_to,
                "forwarded_to_veilig_thuis": row.forwarded,
                "reason_not_forwarded": row.reason_not_forwarded,
            }
            for row in shown.rows
        ],
    }


class ReconciliationFiguresOut(PeriodOut):
    window_days: int
    suppressed_below: int
    counts: dict[str, str]
    reasons_not_forwarded: list[dict[str, str]]


@router.get(
    "/reconciliation/figures",
    response=ReconciliationFiguresOut,
    summary="Police incidents against Veilig Thuis reports (figures only)",
)
def reconciliation_figures(
    request: HttpRequest,
    municipality: str = Query(..., max_length=6),
    since: date | None = None,
    until: date | None = None,
) -> dict[str, Any]:
    _figures(request)
    data = _valid(PeriodForm(_query(municipality=municipality, since=since, until=until)))
    figures = recon.reconciliation_figures(municipality=data["municipality"], period=data["period"])
    return {
        "municipality": figures.municipality.code,
        "since": figures.period.since,
        "until": figures.period.until,
        "window_days": figures.window_days,
        "suppressed_below": figures.suppress_below,
        "counts": figures.counts,
        "reasons_not_forwarded": [{"reason": r, "count": n} for r, n in figures.reasons],
    }


# Indicators: figures only, through the same disclosure control as the pages.


class ShareOut(Schema):
    """A percentage beside the counts: the categories `part` as a share of the row's total."""

    label: str
    part: list[str]


class IndicatorOut(Schema):
    key: str
    label: str
    unit: str
    domain: str
    definition: str
    date_rule: str
    rule: str
    categories: dict[str, str]
    share: ShareOut | None = None
    first_month: date | None


class FigureRowOut(Schema):
    key: str
    label: str
    values: dict[str, int | None]
    total: int | None
    population: int | None
    per_1000: float | None
    share_percent: float | None = Field(
        None,
        description="The indicator's share in percent, from the published numbers; null when one of "
        "them is hidden, the total is 0 or the indicator has no share",
    )


class IndicatorValuesOut(Schema):
    indicator: IndicatorOut
    area: str
    area_level: str
    area_name: str
    since: str
    until: str
    rows_per: str
    granularity: str
    public: bool
    disclosure_rule: str
    hidden_marker: str
    rows: list[FigureRowOut]
    column_totals: dict[str, int | None] | None
    grand_total: int | None
    total_share_percent: float | None = Field(
        None, description="The share over all rows, from the column totals; null as for a row"
    )


def _indicator_out(indicator: Indicator, first: date | None) -> dict[str, Any]:
    return {
        "key": indicator.key,
        "label": str(indicator.label),
        "unit": str(indicator.unit),
        "domain": indicator.domain,
        "definition": str(indicator.definition),
        "date_rule": str(indicator.date_rule),
        "rule": str(indicator.rule),
        "categories": dict(indicator.category_labels()),
        "share": (
            {"label": str(indicator.share.label), "part": list(indicator.share.part)}
            if indicator.share is not None
            else None
        ),
        "first_month": first,
    }


@router.get("/indicators", response=list[IndicatorOut], summary="The indicators and their definitions")
def list_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    _figures(request)
    first = figures.first_months()
    return [_indicator_out(i, first.get(i.key)) for i in indicators.all_indicators()]


@router.get(
    "/indicators/{key}",
    response=IndicatorValuesOut,
    summary="An indicator's values by area and period (figures only, after disclosure control)",
)
def indicator_values(
    request: HttpRequest,
    key: str,
    area: str = Query("region", max_length=12, description="'region' or a CBS code GM…, WK…, BU…"),
    since: str | None = Query(None, max_length=10, description="first month, YYYY-MM"),
    until: str | None = Query(None, max_length=10, description="last month, YYYY-MM"),
    by: str = Query("period", max_length=20, description="period, municipality, district or neighbourhood"),
    granularity: str = Query("month", max_length=10, description="month, quarter or year"),
    public: bool = Query(False, description="round for publication"),
) -> dict[str, Any]:
    _figures(request)
    indicator = indicators.get(key)
    if indicator is None:
        raise HttpError(404, "No indicator has this key.")
    data = _valid(IndicatorForm(_query(area=area, since=since, until=until, by=by, granularity=granularity)))
    table = figures.figure_table(
        indicator=indicator,
        area=data["area_found"],
        months=data["months"],
        by=data["by"],
        granularity=data["granularity"],
        public=public,
    )
    keys = [k for k, _label in table.columns]
    rows: list[dict[str, Any]] = []
    for row in table.rows():
        total = table.total(len(rows))
        rows.append(
            {
                "key": row["key"],
                "label": row["label"],
                "values": {k: c.number for k, c in zip(keys, row["cells"], strict=True)},
                "total": total.number,
                "population": row["population"],
                "per_1000": None if row["rate_value"] is None else round(row["rate_value"], 1),
                "share_percent": row["share"].value if row["share"] is not None else None,
            }
        )
    totals = table.column_totals
    return {
        "indicator": _indicator_out(indicator, None),
        "area": table.area.code,
        "area_level": table.area.level,
        "area_name": table.area.name,
        "since": f"{table.months.first:%Y-%m}",
        "until": f"{table.months.last:%Y-%m}",
        "rows_per": table.by,
        "granularity": table.granularity,
        "public": public,
        "disclosure_rule": table.protected.rule,
        "hidden_marker": "null",
        "rows": rows,
        "column_totals": {k: c.number for k, c in zip(keys, totals, strict=True)} if totals else None,
        "grand_total": table.protected.grand_total.number if table.protected.grand_total else None,
        "total_share_percent": table.total_share.value if table.total_share is not None else None,
    }
