"""A policy officer sees figures, never people: walk every page, download and API operation
the policy officer can reach, on a generated demo region, and look for any person's name, BSN,
date of birth or exact address in what comes back."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from haard.accounts.models import User
from haard.api.urls import api
from haard.cases.models import Case
from haard.core.models import Municipality
from haard.demo.generator import generate_region
from haard.insight.indicators import all_indicators
from haard.insight.models import FigureCount
from haard.intake.models import Report
from haard.registry.models import Address, Person
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "api"):
                continue
            found += _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), entry))
    return found


def _fill(route: str, ids: list[int]) -> list[str]:
    """The route with each <int:...>/<slug:...>/<str:...> filled, once per id."""
    if "<" not in route and "(" not in route:
        return ["/" + route.lstrip("^").rstrip("$")]
    if "(" in route:
        return []  # regex routes (static files, i18n) hold no personal pages
    return ["/" + re.sub(r"<(?:\w+:)?\w+>", str(pk), route) for pk in ids]


def _text(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8", errors="replace")


def _secrets() -> tuple[list[str], list[str]]:
    """Names, BSNs and exact addresses; and, apart, dates of birth (a date of birth looks like
    any other date, so it is looked for where no other date should be shown)."""
    found: list[str] = []
    births: list[str] = []
    for person in Person.objects.all()[:2_000]:
        surname = " ".join(part for part in (person.surname_prefix, person.surname) if part)
        found.append(f"{person.first_names} {surname}")
        found.append(f"{surname}, {person.first_names}")
        if person.bsn:
            found.append(person.bsn)
        if person.birth_date:
            births += [person.birth_date.isoformat(), person.birth_date.strftime("%d-%m-%Y")]
    for address in Address.objects.all()[:2_000]:
        found.append(f"{address.street} {address.house_number}")
        found.append(address.postcode)
        found.append(f"{address.postcode[:4]} {address.postcode[4:]}")
    return found, births


def test_nothing_a_policy_officer_reaches_names_a_person(monkeypatch: pytest.MonkeyPatch) -> None:
    generate_region(size="small", seed=7)
    # The demo region has figures for the safety assessment, restraining orders and shelter too.
    with_figures = set(FigureCount.objects.values_list("indicator", flat=True).distinct())
    assert {
        i.key for i in all_indicators() if i.domain in ("triage", "huisverbod", "shelter")
    } <= with_figures
    # The PDF is checked as the HTML it is printed from (its text is compressed in the file).
    monkeypatch.setattr(
        "haard.insight.figure_views.render_pdf",
        lambda template, context: render_to_string(template, context).encode(),
    )
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), User.objects.get(username="beleid"))
    municipality = Municipality.objects.order_by("code").first()
    assert municipality is not None
    ids = sorted(
        {
            Person.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
            Case.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
            Report.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
            Address.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        }
    )
    urls = [url for route, _pattern in _patterns() for url in _fill(route, ids)]
    scan = f"?municipality={municipality.code}&indicator=victims_by_age"
    urls += [
        reverse("insight:area_scan") + scan,
        reverse("insight:area_scan_export") + scan + "&format=csv",
        reverse("insight:area_scan_export") + scan + "&format=xlsx",
        reverse("insight:area_scan_report") + scan,
        reverse("insight:statistics_export") + "?format=xlsx",
    ]
    for indicator in (
        "contacts_by_source",
        "victims_by_gender",
        "police_incidents_by_outcome",
        "cases_opened",
        "assessments_on_time",
        "handover_acceptance",
        "restraining_orders",
        "shelter_occupancy",
        "shelter_waiting_time",
    ):
        for query in (
            f"?area={municipality.code}&by=neighbourhood",
            "?area=region&by=municipality&granularity=year",
        ):
            urls += [
                reverse("insight:indicator_detail", args=[indicator]) + query,
                reverse("insight:indicator_export", args=[indicator]) + query + "&format=csv",
                f"/api/v1/insight/indicators/{indicator}{query}",
            ]
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        if "get" in methods:
            urls += [re.sub(r"\{\w+\}", str(pk), path) for pk in ids] if "{" in path else [path]
    secrets, births = _secrets()
    assert len(secrets) > 100 and births
    reached = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        reached.append(url)
        text = _text(response)
        # Insight's figures and every API operation show no day-level date of anything but
        # the period; other apps' pages show dates of their own records (activity dates, say),
        # which a date of birth could equal by chance.
        leaked = [secret for secret in secrets if secret and secret in text]
        if url.startswith(("/insight/", "/api/v1/insight/")):
            # The chosen period's own dates (a form's value, a link's query) are not a person's.
            periodless = re.sub(r'(value="|since=|until=|"since": "|"until": ")\d{4}-\d{2}-\d{2}', "", text)
            leaked += [birth for birth in births if birth in periodless]
        assert not leaked, f"{url} shows {leaked[:3]}"
    # The walk did reach the figures, their downloads and the API.
    assert any("/insight/area-scan/report/" in url for url in reached)
    assert any("/api/v1/insight/indicators/" in url for url in reached)
    assert any("format=xlsx" in url for url in reached)
