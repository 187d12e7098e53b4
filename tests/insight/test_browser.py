"""The insight pages in headless Chromium: axe finds no serious or critical violation, the
Content Security Policy holds (no inline styles or scripts), in Dutch, the default language.
(The browser fixtures come from tests/e2e/conftest.py, through tests/insight/conftest.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page

from haard.intake.models import Severity
from tests.browser import PageLog, assert_accessible, assert_no_csp_violations, submit_form_with
from tests.factories import TEST_PASSWORD, AddressFactory, PersonFactory, give_totp
from tests.insight.factories import days_ago, make_incident, make_report, policy_user, vt_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page: Page, user: Any, device: Any = None) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    submit_form_with(page, "#id_password")
    if device is not None:
        page.fill(
            "#id_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        )
        submit_form_with(page, "#id_token")


def _visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert_accessible(page)


def test_insight_pages_are_accessible(page: Page, page_log: PageLog) -> None:
    user = vt_user()
    device = give_totp(user)
    address = AddressFactory()
    code = address.municipality.code
    person = PersonFactory(secret_address=False)
    incident = make_incident(address=address, at=days_ago(20), severity=Severity.RED, people=[person])
    make_report(
        address=address, at=days_ago(18), severity=Severity.ORANGE, people=[person], police_incident=incident
    )
    make_report(
        address=AddressFactory(municipality=address.municipality), at=days_ago(3), severity=Severity.YELLOW
    )
    make_incident(
        address=AddressFactory(municipality=address.municipality), at=days_ago(40), reason="geweigerd"
    )

    _sign_in(page, user, device)
    _visit(page, f"/insight/addresses/?municipality={code}")
    assert page.locator(".colour--red").count() >= 1
    _visit(page, f"/insight/addresses/{address.pk}/")
    _visit(page, f"/insight/reconciliation/?municipality={code}")
    _visit(page, f"/insight/reconciliation/?municipality={code}&show=police_only")
    _visit(page, f"/insight/addresses/figures/?municipality={code}")
    _visit(page, f"/insight/reconciliation/figures/?municipality={code}")
    assert_no_csp_violations(page_log)


def test_figures_pages_for_a_policy_officer(page: Page, page_log: PageLog) -> None:
    address = AddressFactory()
    make_incident(address=address, at=days_ago(20), severity=Severity.RED)
    _sign_in(page, policy_user())
    response = page.goto(f"/insight/addresses/?municipality={address.municipality.code}")
    assert response is not None and response.status == 200
    assert page.url.split("?")[0].endswith("/insight/addresses/figures/")
    assert_accessible(page)
    _visit(page, f"/insight/reconciliation/figures/?municipality={address.municipality.code}")
    assert_no_csp_violations(page_log)
