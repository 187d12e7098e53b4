"""The figures-only variants: counts per colour per district and neighbourhood and the
reconciliation counts, small counts suppressed, never a name, an address or a reference."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from haard.audit.models import AccessLogEntry
from haard.core.models import RegionSetting
from haard.insight.disclosure import suppress_small
from haard.intake.models import Severity
from tests.factories import PersonFactory
from tests.insight.factories import days_ago, make_incident, make_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("count", "shown"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, "5"), (120, "120")])
def test_small_counts_are_suppressed(count: int, shown: str) -> None:
    assert suppress_small(count) == shown


def test_the_threshold_is_a_region_setting() -> None:
    RegionSetting.objects.create(key="insight.suppress_below", value=10)
    assert suppress_small(9) == "<10"
    assert suppress_small(10) == "10"


@pytest.fixture
def region(area: Any, police_org: Any) -> dict[str, Any]:
    """Six red addresses in Noord-A, two orange ones in Zuid-A, with names, streets and
    references that must never reach a figures page."""
    secrets: list[str] = []
    for i in range(6):
        person = PersonFactory(first_names="Geheimvoornaam", surname=f"Geheimachternaam{i}")
        address = area.address(area.north_a, street="Verstopstraat", postcode=f"7{i:03d}XY")
        incident = make_incident(
            address=address,
            at=days_ago(5 + i),
            severity=Severity.RED,
            people=[person],
            organisation=police_org,
        )
        report = make_report(address=address, at=days_ago(4 + i), people=[person], police_incident=incident)
        secrets += [person.surname, address.postcode, incident.registration_number, report.reference]
    for i in range(2):
        address = area.address(area.south_a, street="Onzichtbaarlaan")
        make_incident(
            address=address,
            at=days_ago(3),
            severity=Severity.ORANGE,
            organisation=police_org,
            reason="Piet Pietersen wilde niet" if i == 0 else "",
        )
    secrets += ["Verstopstraat", "Onzichtbaarlaan", "Geheimvoornaam", "Piet Pietersen"]
    return {"secrets": secrets}


def _figures(client: Any, name: str, area: Any) -> str:
    response = client.get(reverse(name), {"municipality": area.municipality.code})
    assert response.status_code == 200
    return response.content.decode()


def test_address_figures_count_per_colour_per_neighbourhood(
    region: dict[str, Any], area: Any, policy: Any, client_for: Any
) -> None:
    text = _figures(client_for(policy), "insight:address_figures", area)
    for secret in region["secrets"]:
        assert secret not in text
    table = text[text.index("<tbody>") :]
    north_row = table[table.index("Noord – Noord-A") :].split("</tr>")[0]
    cells = [c.split("<")[0] for c in north_row.split('class="number">')[1:]]
    # Noord-A has 6 red addresses, Zuid-A 2 orange ones: the 2 are hidden, and with them the
    # cells and totals that would give them away (disclosure control, secondary suppression).
    assert cells[:5] == ["x", "x", "0", "0", "x"]
    assert cells[5:] == ["x", "x", "0", "0", "x"]  # each report is its incident
    south_row = table[table.index("Zuid – Zuid-A") :].split("</tr>")[0]
    south = [c.split("<")[0] for c in south_row.split('class="number">')[1:]]
    assert south == ["x", "x", "0", "0", "x"] * 2
    assert "&lt;5" not in table
    assert "no hidden count can be worked out from the totals" in text
    assert not AccessLogEntry.objects.filter(user=policy).exists()


def test_reconciliation_figures(region: dict[str, Any], area: Any, policy: Any, client_for: Any) -> None:
    text = _figures(client_for(policy), "insight:reconciliation_figures", area)
    for secret in region["secrets"]:
        assert secret not in text
    # 6 matched and 2 police-only out of 8: the 2 is hidden, and so is the 6 that would give it away.
    assert '<p class="figure">x</p>' in text
    assert '<p class="figure">6</p>' not in text
    assert "other reasons" in text  # a reason recorded once is folded away


def test_figures_api_has_no_personal_data(
    region: dict[str, Any], area: Any, policy: Any, client_for: Any
) -> None:
    client = client_for(policy)
    for path in ("/api/v1/insight/addresses/figures", "/api/v1/insight/reconciliation/figures"):
        response = client.get(path, {"municipality": area.municipality.code})
        assert response.status_code == 200, response.content
        for secret in region["secrets"]:
            assert secret not in response.content.decode()
    body = client.get("/api/v1/insight/addresses/figures", {"municipality": area.municipality.code}).json()
    north = next(r for r in body["rows"] if r["neighbourhood"] == "Noord-A")
    assert north["addresses_by_colour"] == {"red": "x", "orange": "x", "yellow": "0", "green": "0"}
    assert body["total"]["addresses"] == "8"
    counts = client.get(
        "/api/v1/insight/reconciliation/figures", {"municipality": area.municipality.code}
    ).json()
    assert counts["counts"]["police_matched"] == "x" and counts["counts"]["police_only"] == "x"
    assert counts["counts"]["police_total"] == "8"


def test_who_may_see_figures(
    area: Any, vt: Any, police: Any, outsider: Any, policy: Any, client_for: Any
) -> None:
    for name in ("insight:address_figures", "insight:reconciliation_figures"):
        url = reverse(name) + f"?municipality={area.municipality.code}"
        assert client_for(policy).get(url).status_code == 200
        assert client_for(vt).get(url).status_code == 200
        assert client_for(police).get(url).status_code == 403
        assert client_for(outsider).get(url).status_code == 403
    assert (
        client_for(outsider)
        .get("/api/v1/insight/addresses/figures", {"municipality": area.municipality.code})
        .status_code
        == 403
    )
