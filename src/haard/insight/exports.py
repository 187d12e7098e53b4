"""Exports as CSV and XLSX: the reconciliation, and every figures table.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one)
as a formula; every text cell that starts so gets a leading apostrophe, so that a name or a
reason such as `=HYPERLINK(...)` or `=cmd|...` stays text. Control characters that XLSX
cannot hold are dropped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from haard.insight.disclosure import HIDDEN, Cell
from haard.insight.figures import FigureTable, ShareCell
from haard.insight.reconciliation import NO_REASON, Export, Row

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """A value a spreadsheet shows and never runs: text that could start a formula gets a
    leading apostrophe. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _headers() -> list[str]:
    return [
        _("Side"),
        _("Category"),
        _("Reference"),
        _("Date"),
        _("Police organisation or source"),
        _("Incident code"),
        _("Severity"),
        _("Address"),
        _("District – neighbourhood"),
        _("People"),
        _("Forwarded to Veilig Thuis"),
        _("Reason not forwarded"),
        _("Matched by"),
        _("Matched to"),
    ]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _line(row: Row) -> list[Any]:
    return [
        _("police") if row.kind == "police" else _("Veilig Thuis"),
        row.category,
        row.reference,
        timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M"),
        row.origin,
        row.incident_code,
        str(row.colour.name),
        row.address,
        row.area,
        row.names,
        _yes_no(row.forwarded),
        row.reason_not_forwarded,
        ", ".join(row.matched_by),
        row.matched_to,
    ]


def _summary(export: Export) -> list[list[Any]]:
    scope, counts = export.scope, export.counts
    lines: list[list[Any]] = [
        [_("Municipality"), f"{scope.municipality.name} ({scope.municipality.code})"],
        [_("Period"), f"{scope.period.since.isoformat()} – {scope.period.until.isoformat()}"],
        [_("Window for a match by person or address (days)"), scope.window_days],
        [_("Police incidents"), counts.police_total],
        [_("Matched: reached Veilig Thuis"), counts.police_matched],
        [_("Police-only"), counts.police_only],
        [_("Police-only, though recorded as forwarded"), counts.police_only_forwarded],
        [_("Veilig Thuis reports"), counts.reports_total],
        [_("Veilig Thuis reports that match a police incident"), counts.reports_matched],
        [_("Veilig Thuis-only"), counts.vt_only],
        [],
        [_("Reason not forwarded (police-only incidents)"), _("Number")],
    ]
    lines += [[reason or str(NO_REASON), n] for reason, n in export.reasons]
    return lines


def _clean(value: Any) -> Any:
    value = safe_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def to_csv(export: Export) -> bytes:
    """One CSV file (semicolons, UTF-8 with a byte-order mark, as Dutch spreadsheets expect):
    every police incident and report with its category."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in _headers()])
    for row in [*export.incidents, *export.reports]:
        writer.writerow([safe_cell(value) for value in _line(row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet(workbook: Workbook, title: str, lines: Iterable[list[Any]]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    for line in lines:
        sheet.append([_clean(value) for value in line])


def to_xlsx(export: Export) -> bytes:
    """A workbook with a summary (counts and reasons), the police incidents and the reports."""
    workbook = Workbook(write_only=True)
    _sheet(workbook, _("Summary"), _summary(export))
    _sheet(workbook, _("Police incidents"), [_headers(), *(_line(r) for r in export.incidents)])
    _sheet(workbook, _("Veilig Thuis reports"), [_headers(), *(_line(r) for r in export.reports)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Figures tables (indicators, area scan, statistics): counts only, after disclosure control.


@dataclass
class Sheet:
    """One table as exported: a few lines that say what it is (title, definition, the
    disclosure rule), then a header and rows."""

    title: str
    about: list[list[Any]]
    header: list[str]
    rows: list[list[Any]]


def figure_sheet(table: FigureTable, *, title: str) -> Sheet:
    """A figures table as a sheet: one row per period or area, a column per category, the
    total, and for areas the inhabitants and the total per 1,000 inhabitants."""
    indicator = table.indicator
    header = [table.row_label, *(label for _key, label in table.columns)]
    if table.protected.row_totals is not None:
        header.append(_("Total"))
    if table.share is not None:
        header.append(_("Share %(part)s (%%)") % {"part": table.share.label})
    if table.has_population:
        header += [_("Inhabitants"), _("Per 1,000 inhabitants")]
    rows: list[list[Any]] = []
    for row in table.rows():
        line: list[Any] = [row["label"], *(_number(c) for c in row["cells"])]
        if row["total"] is not None:
            line.append(_number(row["total"]))
        if row["share"] is not None:
            line.append(_share(row["share"]))
        if table.has_population:
            line += [row["population"] if row["population"] else "", row["rate"]]
        rows.append(line)
    if table.column_totals is not None:
        line = [_("Total"), *(_number(c) for c in table.column_totals)]
        if table.protected.grand_total is not None:
            line.append(_number(table.protected.grand_total))
        if table.total_share is not None:
            line.append(_share(table.total_share))
        rows.append(line)
    about = [
        [title],
        [_("Indicator"), str(indicator.label)],
        [_("What is counted"), str(indicator.definition)],
        [_("Date that counts"), str(indicator.date_rule)],
        [_("Rule"), str(indicator.rule)],
        [_("Area"), table.area.label],
        [_("Period"), table.months.label],
        [_("Disclosure control"), table.protected.rule],
    ]
    if table.share is not None:
        about.append(
            [
                _("Share"),
                _(
                    "The part %(part)s as a percentage of the total, worked out from the numbers as "
                    "shown: hidden (x) when one of them is hidden."
                )
                % {"part": table.share.label},
            ]
        )
    return Sheet(title=title, about=about, header=[str(h) for h in header], rows=rows)


def _number(cell: Cell) -> Any:
    return HIDDEN if cell.number is None else cell.number


def _share(cell: ShareCell) -> Any:
    if cell.hidden:
        return HIDDEN
    return "" if cell.value is None else cell.value


def sheets_to_csv(sheets: list[Sheet]) -> bytes:
    """The sheets one after another, each with its description, header and rows (semicolons,
    UTF-8 with a byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for number, sheet in enumerate(sheets):
        if number:
            writer.writerow([])
        for line in [*sheet.about, [], sheet.header, *sheet.rows]:
            writer.writerow([_clean(value) for value in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sheets_to_xlsx(sheets: list[Sheet]) -> bytes:
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _sheet(workbook, sheet.title, [*sheet.about, [], sheet.header, *sheet.rows])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
