"""Figures pages: the indicators, the area scan and the statistics export, with their CSV,
XLSX and PDF downloads. Counts only, every one through the disclosure control; open to roles
with the `view_figures` capability (policy officers) and to Veilig Thuis staff."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET

from haard.core.pdf import render_pdf
from haard.insight import exports, figures
from haard.insight.area_scan import AreaScan, area_scan
from haard.insight.disclosure import rule_text
from haard.insight.figure_forms import AreaScanForm, IndicatorForm, StatisticsForm
from haard.insight.indicators import Indicator, all_indicators, get
from haard.insight.statistics import StatisticsExport, statistics_export
from haard.insight.summary import last_refresh
from haard.insight.views import _default_municipality, _figures_reader

FORMATS = ("csv", "xlsx")
TABLES = ("neighbourhoods", "trend", "comparison")


def _download(content: bytes, *, kind: str, name: str) -> HttpResponse:
    content_type = {"csv": exports.CSV_TYPE, "xlsx": exports.XLSX_TYPE, "pdf": "application/pdf"}[kind]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


def _public(request: HttpRequest) -> bool:
    return request.GET.get("public") in ("1", "true", "on")


@login_required
@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    """Every indicator with its definition and the first month it has figures for."""
    _figures_reader(request)
    first = figures.first_months()
    indicators = [(i, first.get(i.key)) for i in all_indicators()]
    context = {"indicators": indicators, "refreshed": last_refresh(), "rule": rule_text()}
    return render(request, "insight/indicator_list.html", context)


def _indicator(key: str) -> Indicator:
    indicator = get(key)
    if indicator is None:
        raise Http404("No indicator has this key.")
    return indicator


@login_required
@require_GET
def indicator_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One indicator in an area and period, per period or per smaller area."""
    _figures_reader(request)
    indicator = _indicator(key)
    form = IndicatorForm(request.GET)
    table = None
    if form.is_valid():
        data = form.cleaned_data
        table = figures.figure_table(
            indicator=indicator,
            area=data["area_found"],
            months=data["months"],
            by=data["by"],
            granularity=data["granularity"],
        )
    context = {
        "indicator": indicator,
        "form": form,
        "table": table,
        "query": request.GET.urlencode(),
        "refreshed": last_refresh(),
    }
    return render(
        request, "insight/indicator_detail.html", context, status=200 if table or not form.errors else 400
    )


@login_required
@require_GET
def indicator_export(request: HttpRequest, key: str) -> HttpResponse:
    """The indicator table as CSV or XLSX (`?format=`); `public=1` rounds for publication."""
    _figures_reader(request)
    indicator = _indicator(key)
    form = IndicatorForm(request.GET)
    kind = request.GET.get("format", "csv")
    if kind not in FORMATS or not form.is_valid():
        if kind not in FORMATS:
            form.is_valid()
            form.add_error(None, _t("Choose the format csv or xlsx."))
        context = {"indicator": indicator, "form": form, "table": None, "refreshed": last_refresh()}
        return render(request, "insight/indicator_detail.html", context, status=400)
    data = form.cleaned_data
    table = figures.figure_table(
        indicator=indicator,
        area=data["area_found"],
        months=data["months"],
        by=data["by"],
        granularity=data["granularity"],
        public=_public(request),
    )
    sheet = exports.figure_sheet(table, title=str(indicator.label))
    content = exports.sheets_to_csv([sheet]) if kind == "csv" else exports.sheets_to_xlsx([sheet])
    name = f"{indicator.key}-{table.area.code}-{table.months.first:%Y%m}-{table.months.last:%Y%m}"
    return _download(content, kind=kind, name=name)


def _scan(request: HttpRequest, *, public: bool = False) -> tuple[AreaScanForm, AreaScan | None]:
    form = AreaScanForm(request.GET, default_municipality=_default_municipality(request))
    scan = None
    if form.is_valid():
        data = form.cleaned_data
        scan = area_scan(
            municipality=data["municipality"],
            indicator=data["indicator_found"],
            category=data["category"],
            months=data["months"],
            granularity=data["granularity"],
            public=public,
        )
    return form, scan


def _scan_context(form: AreaScanForm, scan: AreaScan | None, request: HttpRequest) -> dict[str, Any]:
    return {
        "form": form,
        "scan": scan,
        "query": request.GET.urlencode(),
        "tables": TABLES,
        "printed_at": timezone.localtime(),
    }


@login_required
@require_GET
def area_scan_page(request: HttpRequest) -> HttpResponse:
    """The area scan of a municipality: neighbourhoods, map, trend and comparison."""
    _figures_reader(request)
    form, scan = _scan(request)
    status = 400 if form.errors else 200
    return render(request, "insight/area_scan.html", _scan_context(form, scan, request), status=status)


def _scan_sheets(scan: AreaScan, table: str | None) -> list[exports.Sheet]:
    what = f"{scan.indicator.label}" + (f" – {scan.category_label}" if scan.category else "")
    sheets = {
        "neighbourhoods": exports.figure_sheet(
            scan.neighbourhoods, title=_t("Neighbourhoods of %(m)s") % {"m": scan.municipality.name}
        ),
        "trend": exports.figure_sheet(scan.trend, title=_t("Trend in %(m)s") % {"m": scan.municipality.name}),
    }
    if scan.comparison is not None:
        sheets["comparison"] = exports.figure_sheet(scan.comparison, title=_t("Municipalities of the region"))
    for sheet in sheets.values():
        sheet.about.insert(1, [_t("Figure"), what])
    return [sheets[table]] if table in sheets else list(sheets.values())


@login_required
@require_GET
def area_scan_export(request: HttpRequest) -> HttpResponse:
    """One table of the area scan (`?table=`), or all, as CSV or XLSX."""
    _figures_reader(request)
    kind, table = request.GET.get("format", "csv"), request.GET.get("table") or None
    form, scan = _scan(request, public=_public(request))
    if scan is None or kind not in FORMATS or (table is not None and table not in TABLES):
        if scan is not None:
            form.add_error(None, _t("Choose the format csv or xlsx and a table of the area scan."))
        return render(request, "insight/area_scan.html", _scan_context(form, None, request), status=400)
    sheets = _scan_sheets(scan, table)
    content = exports.sheets_to_csv(sheets) if kind == "csv" else exports.sheets_to_xlsx(sheets)
    name = f"area-scan-{scan.municipality.code}-{scan.indicator.key}-{table or 'all'}"
    return _download(content, kind=kind, name=name)


@login_required
@require_GET
def area_scan_report(request: HttpRequest) -> HttpResponse:
    """The area scan as a PDF report with its map and charts."""
    _figures_reader(request)
    form, scan = _scan(request, public=_public(request))
    if scan is None:
        return render(request, "insight/area_scan.html", _scan_context(form, None, request), status=400)
    pdf = render_pdf("insight/area_scan_report.pdf.html", _scan_context(form, scan, request))
    return _download(pdf, kind="pdf", name=f"area-scan-{scan.municipality.code}-{scan.indicator.key}")


def _statistics(request: HttpRequest) -> tuple[StatisticsForm, StatisticsExport | None]:
    form = StatisticsForm(request.GET)
    export = None
    if form.is_valid():
        export = statistics_export(months=form.cleaned_data["months"], complete=form.cleaned_data["complete"])
    return form, export


@login_required
@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    """The half-year figures shaped like the CBS Veilig Thuis tables, rounded for publication."""
    _figures_reader(request)
    form, export = _statistics(request)
    context = {"form": form, "export": export, "query": request.GET.urlencode()}
    return render(request, "insight/statistics.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def statistics_download(request: HttpRequest) -> HttpResponse:
    _figures_reader(request)
    form, export = _statistics(request)
    kind = request.GET.get("format", "csv")
    if export is None or kind not in FORMATS:
        if export is not None:
            form.add_error(None, _t("Choose the format csv or xlsx."))
        return render(request, "insight/statistics.html", {"form": form, "export": None}, status=400)
    sheet = exports.Sheet(
        title=_t("Veilig Thuis %(period)s") % {"period": export.period_code},
        about=[
            [_t("Veilig Thuis figures per half year, shaped like the CBS tables")],
            [_t("Period"), export.period_code, export.months.label],
            [
                _t("Complete half year"),
                _t("yes") if export.complete else _t("no: the half year is still running"),
            ],
            [_t("Disclosure control"), export.rule],
            [_t("Columns"), _t("see docs/statistics-export.md; the next line names each column")],
            export.labels,
        ],
        header=export.header,
        rows=export.rows,
    )
    content = exports.sheets_to_csv([sheet]) if kind == "csv" else exports.sheets_to_xlsx([sheet])
    return _download(content, kind=kind, name=f"veilig-thuis-{export.period_code}")
