"""Reconciliation of police incidents against Veilig Thuis reports: the three-way counts on a
constructed set, the window, the lists behind the counts, the reasons, the exports and who
sees what."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haard.audit.models import AccessLogEntry
from haard.core.models import RegionSetting
from haard.insight.exports import safe_cell
from haard.insight.periods import Period
from haard.insight.reconciliation import Scope, counts, reasons_not_forwarded
from tests.factories import PersonFactory
from tests.insight.factories import days_ago, make_incident, make_report, police_user

pytestmark = pytest.mark.django_db

PAGE = "insight:reconciliation"
EXPORT = "insight:reconciliation_export"


@pytest.fixture
def constructed(area: Any, police_org: Any) -> dict[str, Any]:
    """Every way to match and not to match, 100 days back (inside the default period)."""
    base = timezone.now() - timedelta(days=100)
    x, y = PersonFactory(), PersonFactory()
    a, b, c = area.address(), area.address(), area.address()

    def incident(**kw: Any) -> Any:
        return make_incident(organisation=police_org, **kw)

    p1 = incident(address=c, at=base, forwarded=True)
    r1 = make_report(
        address=None, municipality=area.municipality, at=base + timedelta(days=40), police_incident=p1
    )
    p2 = incident(address=area.address(), at=base, people=[x])
    r2 = make_report(address=area.address(), at=base + timedelta(days=5), people=[x])
    p3 = incident(address=a, at=base)
    r3 = make_report(address=a, at=base + timedelta(days=14))  # the window's edge: still a match
    p4 = incident(address=b, at=base)
    r4 = make_report(address=b, at=base + timedelta(days=20))  # same address, too late
    p5 = incident(address=area.address(), at=base, people=[y])
    r5 = make_report(
        address=area.address(), at=base - timedelta(days=30), people=[y]
    )  # same person, too early
    p6 = incident(address=area.address(), at=base, reason="slachtoffer wil geen hulp")
    p7 = incident(address=area.address(), at=base, reason="slachtoffer wil geen hulp")
    p8 = incident(address=area.address(), at=base, forwarded=True)
    r6 = make_report(address=None, municipality=area.municipality, at=base)
    return {k: v for k, v in locals().items() if k[0] in "pr" and k[1:].isdigit()}


def _scope(actor: Any, area: Any, period: Period | None = None) -> Scope:
    return Scope.of(municipality=area.municipality, period=period or Period.last_months(12), actor=actor)


def test_three_way_counts(constructed: dict[str, Any], area: Any, vt: Any) -> None:
    found = counts(_scope(vt, area))
    assert (found.police_total, found.police_matched, found.police_only) == (8, 3, 5)
    assert (found.reports_total, found.reports_matched, found.vt_only) == (6, 3, 3)
    assert found.police_only_forwarded == 1  # p8: forwarded, but no report found


def test_reasons_are_grouped_with_counts(constructed: dict[str, Any], area: Any, vt: Any) -> None:
    assert reasons_not_forwarded(_scope(vt, area)) == [("", 3), ("slachtoffer wil geen hulp", 2)]


def test_a_wider_window_matches_more(constructed: dict[str, Any], area: Any, vt: Any) -> None:
    RegionSetting.objects.create(key="insight.reconciliation_window_days", value=30)
    found = counts(_scope(vt, area))
    assert (found.police_matched, found.police_only, found.vt_only) == (5, 3, 1)


def test_a_report_just_after_the_period_still_matches(area: Any, vt: Any) -> None:
    today = timezone.localdate()
    period = Period(since=today - timedelta(days=60), until=today - timedelta(days=30))
    address = area.address()
    make_incident(address=address, at=timezone.now() - timedelta(days=31))
    make_report(address=address, at=timezone.now() - timedelta(days=25))
    found = counts(_scope(vt, area, period))
    assert (found.police_total, found.police_matched, found.reports_total) == (1, 1, 0)


def _page(client: Any, area: Any, **params: Any) -> str:
    response = client.get(reverse(PAGE), {"municipality": area.municipality.code, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_behind_each_count(constructed: dict[str, Any], area: Any, vt: Any, client_for: Any) -> None:
    c = constructed
    client = client_for(vt)
    expected = {
        "matched": ({"p1", "p2", "p3"}, {"p4", "p5", "p6", "p7", "p8"}),
        "police_only": ({"p4", "p5", "p6", "p7", "p8"}, {"p1", "p2", "p3"}),
        "matched_reports": ({"r1", "r2", "r3"}, {"r4", "r5", "r6"}),
        "vt_only": ({"r4", "r5", "r6"}, {"r1", "r2", "r3"}),
    }
    for show, (present, absent) in expected.items():
        text = _page(client, area, show=show)
        for key in present:
            ref = getattr(c[key], "registration_number", None) or c[key].reference
            assert f"<td>{ref}</td>" in text, (show, key)
        for key in absent:
            ref = getattr(c[key], "registration_number", None) or c[key].reference
            assert f"<td>{ref}</td>" not in text, (show, key)
    matched = _page(client, area, show="matched")
    assert "linked" in matched and "same person" in matched and "same address" in matched
    assert f"<td>{c['r1'].reference}</td>" in matched  # what p1 matched to
    assert "slachtoffer wil geen hulp" in _page(client, area)


def test_the_page_is_logged_with_the_people_on_the_list(area: Any, vt: Any, client_for: Any) -> None:
    person = PersonFactory()
    make_incident(address=area.address(), at=days_ago(3), people=[person])
    _page(client_for(vt), area, show="police_only")
    entry = AccessLogEntry.objects.filter(user=vt).latest("id")
    assert (entry.action, entry.record_type) == ("search", "insight.Reconciliation")
    assert list(entry.subjects.values_list("person_id", flat=True)) == [person.pk]


def test_police_reconcile_only_what_they_may_see(
    constructed: dict[str, Any], area: Any, police: Any, police_org: Any, client_for: Any
) -> None:
    make_incident(
        address=area.address(),
        at=days_ago(50),
        organisation=police_user().memberships.get().team.organisation,
    )
    found = counts(_scope(police, area))
    # Their own 8 incidents; none of the phone-line reports is theirs to see.
    assert (found.police_total, found.police_matched, found.reports_total) == (8, 0, 0)
    text = _page(client_for(police), area)
    assert "only the incidents and reports your role and organisation give you access to" in text


def test_the_outsider_sees_nothing_and_nobody_is_logged(
    constructed: dict[str, Any], area: Any, outsider: Any, client_for: Any
) -> None:
    client = client_for(outsider)
    text = _page(client, area, show="police_only")
    assert constructed["p4"].registration_number not in text
    export = client.get(reverse(EXPORT), {"municipality": area.municipality.code, "format": "csv"})
    assert export.status_code == 200
    assert constructed["p4"].registration_number not in export.content.decode("utf-8-sig")
    assert not AccessLogEntry.objects.filter(user=outsider, subjects__isnull=False).exists()


def test_a_policy_officer_is_sent_to_the_figures_and_may_not_export(
    area: Any, policy: Any, client_for: Any
) -> None:
    client = client_for(policy)
    response = client.get(reverse(PAGE), {"municipality": area.municipality.code})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("insight:reconciliation_figures"))
    assert client.get(reverse(EXPORT), {"municipality": area.municipality.code}).status_code == 403


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+SUM(A1:A2)", "'+SUM(A1:A2)"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Jansen", "Jansen"),
        (42, 42),
    ],
)
def test_formula_cells_are_escaped(value: Any, shown: Any) -> None:
    assert safe_cell(value) == shown


@pytest.fixture
def hostile(area: Any, police_org: Any) -> Any:
    person = PersonFactory(first_names='=HYPERLINK("http://evil")', surname="@Jansen")
    return make_incident(
        address=area.address(street="+Straat"),
        at=days_ago(3),
        people=[person],
        organisation=police_org,
        reason="=cmd|' /C calc'!A0",
    )


def test_csv_export_escapes_formulas_and_is_logged(hostile: Any, area: Any, vt: Any, client_for: Any) -> None:
    response = client_for(vt).get(reverse(EXPORT), {"municipality": area.municipality.code, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert any(cell.startswith("'+Straat") for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
    entry = AccessLogEntry.objects.filter(user=vt).latest("id")
    assert entry.action == "export"
    assert set(entry.subjects.values_list("person_id", flat=True)) == set(
        hostile.people.values_list("pk", flat=True)
    )


def test_xlsx_export_escapes_formulas(hostile: Any, area: Any, vt: Any, client_for: Any) -> None:
    response = client_for(vt).get(reverse(EXPORT), {"municipality": area.municipality.code, "format": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Summary", "Police incidents", "Veilig Thuis reports"]
    values = [cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row]
    texts = [v for v in values if isinstance(v, str)]
    assert "'=cmd|' /C calc'!A0" in texts
    assert not any(v[:1] in ("=", "+", "-", "@") for v in texts)
    # No cell is stored as a formula.
    assert all(cell.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for cell in row)
    assert AccessLogEntry.objects.filter(user=vt, action="export").exists()


def test_a_bad_export_request_is_refused(area: Any, vt: Any, client_for: Any) -> None:
    client = client_for(vt)
    code = area.municipality.code
    assert client.get(reverse(EXPORT), {"municipality": code, "format": "pdf"}).status_code == 400
    assert client.get(reverse(EXPORT), {"municipality": "GM0000"}).status_code == 400
    assert not AccessLogEntry.objects.filter(user=vt).exists()


def test_secret_addresses_are_masked_in_lists_and_exports(
    area: Any, police: Any, police_org: Any, vt: Any, client_for: Any
) -> None:
    make_incident(
        address=area.address(street="Schuilhof"),
        at=days_ago(3),
        people=[PersonFactory(secret_address=True)],
        organisation=police_org,
    )
    for client in (client_for(police),):
        assert "Schuilhof" not in _page(client, area, show="police_only")
        export = client.get(reverse(EXPORT), {"municipality": area.municipality.code, "format": "csv"})
        text = export.content.decode("utf-8-sig")
        assert "Schuilhof" not in text and "secret address" in text
    assert "Schuilhof" in _page(client_for(vt), area, show="police_only")


def test_constant_number_of_queries(area: Any, vt: Any, police_org: Any, client_for: Any) -> None:
    client = client_for(vt)
    urls = [
        reverse(PAGE) + f"?municipality={area.municipality.code}&show=matched",
        reverse(PAGE) + f"?municipality={area.municipality.code}&show=vt_only",
        reverse(EXPORT) + f"?municipality={area.municipality.code}&format=xlsx",
        reverse("insight:reconciliation_figures") + f"?municipality={area.municipality.code}",
    ]

    def add(n: int) -> None:
        for i in range(n):
            person = PersonFactory()
            incident = make_incident(
                address=area.address(), at=days_ago(i + 2), people=[person], organisation=police_org
            )
            make_report(
                address=incident.address, at=days_ago(i + 1), people=[person], police_incident=incident
            )
            make_report(address=area.address(), at=days_ago(i + 1), people=[PersonFactory()])
            make_incident(
                address=area.address(), at=days_ago(i + 1), organisation=police_org, reason=f"reden {i % 3}"
            )

    def measure() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    add(2)
    small = measure()
    add(25)
    assert measure() == small
    assert max(small) <= 40
