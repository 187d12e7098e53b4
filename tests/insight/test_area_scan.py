"""The figures pages (indicators, area scan, statistics export), their downloads and API:
who may open them, what they show, bad input, and constant query counts."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from haard.accounts.models import User
from haard.demo.steps.insight import outlines
from haard.insight.models import NeighbourhoodShape
from haard.insight.summary import refresh_figures
from haard.intake.models import ReportSource
from tests.factories import DistrictFactory, MunicipalityFactory, NeighbourhoodFactory
from tests.insight.conftest import Area
from tests.insight.factories import make_incident, make_report

pytestmark = pytest.mark.django_db


def _at(days_back: int = 0) -> Any:
    today = timezone.localdate()
    return timezone.make_aware(timezone.datetime(today.year, today.month, 1, 12)) - timezone.timedelta(
        days=days_back
    )


@pytest.fixture
def scan_data(area: Area) -> Area:
    """Three neighbourhoods of 1,200 inhabitants: Noord-A with large counts, Zuid-A with two
    police reports (a small count) that Noord-B's cells must protect; outlines for all three;
    and a second municipality in the region."""
    north_b = NeighbourhoodFactory(district=area.north, name="Noord-B")
    counts = [
        (area.north_a, ReportSource.PROFESSIONAL, 12),
        (area.north_a, ReportSource.POLICE, 7),
        (north_b, ReportSource.PROFESSIONAL, 5),
        (north_b, ReportSource.POLICE, 5),
        (area.south_a, ReportSource.PROFESSIONAL, 6),
        (area.south_a, ReportSource.POLICE, 2),
    ]
    for neighbourhood, source, n in counts:
        for _ in range(n):
            make_report(address=area.address(neighbourhood), at=_at(), source=source)
    make_incident(address=area.address(area.north_a), at=_at())
    other = MunicipalityFactory(name="Andersdorp")
    NeighbourhoodFactory(district=DistrictFactory(municipality=other), name="Elders")
    members = [area.north_a, north_b, area.south_a]
    shapes = outlines([n.code for n in members], seed=1, offset=(0.0, 0.0))
    for neighbourhood in members:
        NeighbourhoodShape.objects.create(neighbourhood=neighbourhood, geometry=shapes[neighbourhood.code])
    refresh_figures()
    return area


def _scan_url(area: Area, name: str = "insight:area_scan", **params: str) -> str:
    query = {"municipality": area.municipality.code, "indicator": "contacts_by_source", **params}
    return reverse(name) + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_policy_officer_sees_the_area_scan(
    scan_data: Area, policy: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(policy).get(_scan_url(scan_data))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Noord-A" in html and "Zuid-A" in html
    assert 'id="scan-map"' not in html  # ids are on the title and description
    assert "<path d=" in html  # drawn from the outlines
    assert "figure-hidden" in html  # the two reports in Zuid-A are hidden, with a partner
    assert "Disclosure control: a count from 1 to 4 is hidden" in html
    assert "12" in html
    assert "Andersdorp" in html  # the comparison with the region
    assert "What is counted" in html


def test_choosing_a_category_and_a_quarter_trend(
    scan_data: Area, policy: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(policy).get(_scan_url(scan_data, category="professional", granularity="quarter"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chosen category per 1,000 inhabitants" in html
    assert f"{timezone.localdate().year} Q" in html
    assert "10.0" in html  # 12 professional reports among 1,200 inhabitants


def test_missing_outlines_give_tiles(
    scan_data: Area, policy: User, client_for: Callable[[User], Client]
) -> None:
    NeighbourhoodShape.objects.filter(neighbourhood=scan_data.south_a).delete()
    html = client_for(policy).get(_scan_url(scan_data)).content.decode()
    assert "No outline is loaded for 1 neighbourhood, so the neighbourhoods are shown as tiles." in html
    assert "<rect x=" in html


def test_broken_geometry_gives_tiles(
    scan_data: Area, policy: User, client_for: Callable[[User], Client]
) -> None:
    NeighbourhoodShape.objects.filter(neighbourhood=scan_data.south_a).update(geometry={"type": "Polygon"})
    response = client_for(policy).get(_scan_url(scan_data))
    assert response.status_code == 200
    assert "shown as tiles" in response.content.decode()


def test_population_zero_says_so(scan_data: Area, policy: User, client_for: Callable[[User], Client]) -> None:
    type(scan_data.north_a).objects.filter(pk=scan_data.north_a.pk).update(population=0)
    response = client_for(policy).get(_scan_url(scan_data))
    assert response.status_code == 200
    assert "no population figure" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"municipality": "GM0000"}, "No municipality has this code."),
        ({"until": "2999-01"}, "The period cannot end in the future"),
        ({"since": "2025-06", "until": "2025-01"}, "The start of the period lies after its end."),
        ({"since": "juni"}, "Enter a month as YYYY-MM"),
        ({"since": "1999-12", "until": "2000-03"}, "Choose a month from 2000-01 onwards."),
        ({"indicator": "nope"}, "Select a valid choice"),
        ({"category": "nope"}, "This indicator has no such category."),
        ({"granularity": "week"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message(
    scan_data: Area, policy: User, client_for: Callable[[User], Client], params: dict[str, str], message: str
) -> None:
    response = client_for(policy).get(_scan_url(scan_data, **params))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_downloads_csv_xlsx_and_pdf(
    scan_data: Area, policy: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(policy)
    csv = client.get(_scan_url(scan_data, "insight:area_scan_export", table="neighbourhoods", format="csv"))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "Disclosure control" in text and ";x;" in text and "Noord-A" in text
    xlsx = client.get(_scan_url(scan_data, "insight:area_scan_export", format="xlsx"))
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert len(workbook.sheetnames) == 3
    values = [
        str(c)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    assert "x" in values
    public = client.get(_scan_url(scan_data, "insight:area_scan_export", format="csv", public="1"))
    assert "multiple of 5" in public.content.decode("utf-8-sig")
    pdf = client.get(_scan_url(scan_data, "insight:area_scan_report"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment;")
    bad = client.get(_scan_url(scan_data, "insight:area_scan_export", format="exe"))
    assert bad.status_code == 400


def test_a_name_that_looks_like_a_formula_stays_text(
    scan_data: Area, policy: User, client_for: Callable[[User], Client]
) -> None:
    type(scan_data.north_a).objects.filter(pk=scan_data.north_a.pk).update(name='=HYPERLINK("http://x")')
    csv = client_for(policy).get(
        _scan_url(scan_data, "insight:area_scan_export", table="neighbourhoods", format="csv")
    )
    assert "'=HYPERLINK" in csv.content.decode("utf-8-sig")


def test_indicator_pages_and_exports(
    scan_data: Area, policy: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(policy)
    listing = client.get(reverse("insight:indicator_list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "First, repeat and during-involvement reports" in html and "Date that counts" in html
    url = reverse("insight:indicator_detail", args=["contacts_by_kind"])
    for query in (
        "",
        f"?area={scan_data.municipality.code}&by=neighbourhood",
        "?area=region&by=municipality&granularity=year",
        f"?area={scan_data.north.code}&by=period&granularity=quarter",
    ):
        assert client.get(url + query).status_code == 200, query
    bad = client.get(url + "?area=BU99999999")
    assert bad.status_code == 400 and "No area has the code BU99999999." in bad.content.decode()
    wrong_rows = client.get(url + f"?area={scan_data.north_a.code}&by=district")
    assert wrong_rows.status_code == 400
    assert client.get(reverse("insight:indicator_detail", args=["nope"])).status_code == 404
    export = client.get(
        reverse("insight:indicator_export", args=["contacts_by_kind"])
        + "?area=region&by=municipality&format=xlsx"
    )
    assert export.status_code == 200
    load_workbook(io.BytesIO(export.content))


def test_statistics_export(scan_data: Area, policy: User, client_for: Callable[[User], Client]) -> None:
    client = client_for(policy)
    today = timezone.localdate()
    query = f"?year={today.year}&half={1 if today.month <= 6 else 2}"
    page = client.get(reverse("insight:statistics") + query)
    assert page.status_code == 200
    assert "still running" in page.content.decode()
    csv = client.get(reverse("insight:statistics_export") + query + "&format=csv").content.decode("utf-8-sig")
    lines = csv.splitlines()
    header = next(line for line in lines if line.startswith("period;area_code"))
    assert (
        "contacts_report" in header and "reports_source_police" in header and "reports_repeat_first" in header
    )
    region = next(line for line in lines if ";region;" in line).split(";")
    numbers = [v for v in region[4:] if v not in ("x", "")]
    assert numbers and all(int(v) % 5 == 0 for v in numbers)
    future = client.get(reverse("insight:statistics") + f"?year={today.year + 1}&half=1")
    assert future.status_code == 400 and "has not begun yet" in future.content.decode()
    assert client.get(reverse("insight:statistics") + "?year=abc").status_code == 400


FIGURE_URLS = [
    "insight:indicator_list",
    "insight:area_scan",
    "insight:area_scan_export",
    "insight:area_scan_report",
    "insight:statistics",
    "insight:statistics_export",
]


def _urls(area: Area) -> list[str]:
    urls = [reverse(name) + f"?municipality={area.municipality.code}&format=csv" for name in FIGURE_URLS]
    urls += [
        reverse("insight:indicator_detail", args=["contacts_by_kind"]),
        reverse("insight:indicator_export", args=["contacts_by_kind"]) + "?format=csv",
    ]
    return urls


def test_outsiders_are_refused_everywhere(
    scan_data: Area, outsider: User, police: User, client_for: Callable[[User], Client]
) -> None:
    for user in (outsider, police):
        client = client_for(user)
        for url in _urls(scan_data):
            assert client.get(url).status_code == 403, (user, url)
        for url in ("/api/v1/insight/indicators", "/api/v1/insight/indicators/contacts_by_kind"):
            assert client.get(url).status_code == 403, (user, url)
    anonymous = Client()
    for url in _urls(scan_data):
        assert anonymous.get(url).status_code == 302


def test_veilig_thuis_staff_see_the_figures_too(
    scan_data: Area, vt: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(vt).get(_scan_url(scan_data)).status_code == 200


def test_query_counts_do_not_grow_with_the_data(
    area: Area, policy: User, client_for: Callable[[User], Client], django_assert_max_num_queries: Any
) -> None:
    client = client_for(policy)
    make_report(address=area.address(area.north_a), at=_at())
    refresh_figures()
    url = _scan_url(area)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for index in range(30):
        neighbourhood = NeighbourhoodFactory(district=area.south, name=f"Extra {index}")
        make_report(
            address=area.address(neighbourhood), at=_at(40 * (index % 6)), source=ReportSource.CITIZEN
        )
        MunicipalityFactory(name=f"Buur {index}")
    refresh_figures()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Extra 29" in response.content.decode()
    api = f"/api/v1/insight/indicators/contacts_by_kind?area={area.municipality.code}&by=neighbourhood"
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(api).status_code == 200


def test_the_api_gives_values_with_the_same_disclosure_control(
    scan_data: Area, policy: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(policy)
    listing = client.get("/api/v1/insight/indicators").json()
    assert {"contacts_by_kind", "victims_by_age", "police_incidents_by_outcome", "cases_opened"} <= {
        i["key"] for i in listing
    }
    url = f"/api/v1/insight/indicators/contacts_by_source?area={scan_data.municipality.code}&by=neighbourhood"
    body = client.get(url).json()
    assert "Disclosure control" in body["disclosure_rule"]
    rows = {row["label"].split(" (")[0]: row for row in body["rows"]}
    assert rows["Zuid-A"]["values"]["police"] is None  # 2 reports: hidden
    assert rows["Noord-A"]["values"]["professional"] == 12
    assert rows["Noord-A"]["per_1000"] == 15.8  # all 19 reports among 1,200 inhabitants
    public = client.get(url + "&public=true").json()
    assert all(v is None or v % 5 == 0 for row in public["rows"] for v in row["values"].values())


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("area=GM0000", "area"),
        ("until=2999-01", "until"),
        ("since=2025-05&until=2025-01", "since"),
        ("since=mei", "since"),
        ("granularity=week", "granularity"),
        ("by=street", "by"),
    ],
)
def test_the_api_names_the_bad_field(
    scan_data: Area, policy: User, client_for: Callable[[User], Client], query: str, field: str
) -> None:
    response = client_for(policy).get(f"/api/v1/insight/indicators/contacts_by_kind?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.content.decode()


def test_the_api_refuses_an_unknown_indicator(policy: User, client_for: Callable[[User], Client]) -> None:
    assert client_for(policy).get("/api/v1/insight/indicators/nope").status_code == 404
