"""The insight pages and API operations in the URL walk (tests/security/test_url_walk.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.insight.factories import days_ago, make_incident, make_report
from tests.security.test_url_walk import Spec

# Figures only: counts (small ones suppressed), never a name or an address.
# The indicators, the area scan and the statistics export, with their downloads, show counts
# after disclosure control (tests/insight/test_policy_walk.py proves it with demo data).
NO_PERSONAL_DATA = {
    "insight:address_figures",
    "insight:reconciliation_figures",
    "insight:indicator_list",
    "insight:indicator_detail",
    "insight:indicator_export",
    "insight:area_scan",
    "insight:area_scan_export",
    "insight:area_scan_report",
    "insight:statistics",
    "insight:statistics_export",
}
API_NO_PERSONAL_DATA = {
    ("GET", "/api/v1/insight/addresses/figures"),
    ("GET", "/api/v1/insight/reconciliation/figures"),
    ("GET", "/api/v1/insight/indicators"),
    ("GET", "/api/v1/insight/indicators/{key}"),
}


def build(world: Any) -> None:
    """A police incident and the Veilig Thuis report it became, both about world.person at the
    household's address; the intake worker (Veilig Thuis) sees both."""
    address = world.case.household.address
    incident = make_incident(address=address, at=days_ago(12), severity=4, people=[world.person])
    make_report(address=address, at=days_ago(10), severity=3, people=[world.person], police_incident=incident)
    world.extra["insight_address"] = address
    world.extra["insight_query"] = f"?municipality={address.municipality.code}"


def _q(world: Any) -> str:
    return world.extra["insight_query"]


PAGES = {
    "insight:address_list": Spec(
        lambda w: reverse("insight:address_list") + _q(w), lambda w: w.intake, kind="list"
    ),
    "insight:address_timeline": Spec(
        lambda w: reverse("insight:address_timeline", args=[w.extra["insight_address"].pk]),
        lambda w: w.intake,
    ),
    "insight:reconciliation": Spec(
        lambda w: reverse("insight:reconciliation") + _q(w) + "&show=matched", lambda w: w.intake, kind="list"
    ),
    "insight:reconciliation_export": Spec(
        lambda w: reverse("insight:reconciliation_export") + _q(w) + "&format=csv",
        lambda w: w.intake,
        kind="list",
    ),
}

API = {
    ("GET", "/api/v1/insight/addresses"): Spec(
        lambda w: "/api/v1/insight/addresses" + _q(w), lambda w: w.intake, kind="list"
    ),
    ("GET", "/api/v1/insight/addresses/{address_id}"): Spec(
        lambda w: f"/api/v1/insight/addresses/{w.extra['insight_address'].pk}", lambda w: w.intake
    ),
    ("GET", "/api/v1/insight/reconciliation"): Spec(
        lambda w: "/api/v1/insight/reconciliation" + _q(w), lambda w: w.intake, kind="list"
    ),
}
