"""The insight pages in headless Chromium: axe finds no serious or critical violation, the
Content Security Policy holds (no inline styles or scripts), in Dutch, the default language.
(The browser fixtures come from tests/e2e/conftest.py, through tests/insight/conftest.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from haard.insight.figures import current_month
from haard.insight.models import FigureCount
from haard.insight.periods import add_months
from haard.intake.models import Severity
from tests.browser import PageLog, assert_accessible, assert_no_csp_violations, sign_in, visit
from tests.factories import AddressFactory, PersonFactory, give_totp
from tests.insight.factories import days_ago, make_incident, make_report, policy_user, vt_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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

    sign_in(page, user, device)
    visit(page, f"/insight/addresses/?municipality={code}")
    assert page.locator(".colour--red").count() >= 1
    visit(page, f"/insight/addresses/{address.pk}/")
    visit(page, f"/insight/reconciliation/?municipality={code}")
    visit(page, f"/insight/reconciliation/?municipality={code}&show=police_only")
    visit(page, f"/insight/addresses/figures/?municipality={code}")
    visit(page, f"/insight/reconciliation/figures/?municipality={code}")
    assert_no_csp_violations(page_log)


def test_figures_pages_for_a_policy_officer(page: Page, page_log: PageLog) -> None:
    address = AddressFactory()
    make_incident(address=address, at=days_ago(20), severity=Severity.RED)
    sign_in(page, policy_user())
    response = page.goto(f"/insight/addresses/?municipality={address.municipality.code}")
    assert response is not None and response.status == 200
    assert page.url.split("?")[0].endswith("/insight/addresses/figures/")
    assert_accessible(page)
    visit(page, f"/insight/reconciliation/figures/?municipality={address.municipality.code}")
    assert_no_csp_violations(page_log)


def test_a_share_indicator_page_is_accessible(page: Page, page_log: PageLog) -> None:
    """The share column beside the counts, with a hidden count and so a hidden share."""
    address = AddressFactory()
    municipality = address.municipality
    month = add_months(current_month(), -1)
    FigureCount.objects.bulk_create(
        FigureCount(
            indicator="assessments_on_time",
            month=month,
            municipality=municipality,
            neighbourhood=None,
            category=category,
            count=count,
        )
        for category, count in (("within", 12), ("late", 3), ("overdue", 6))
    )
    sign_in(page, policy_user())
    visit(page, f"/insight/indicators/assessments_on_time/?area={municipality.code}&granularity=year")
    assert page.locator("td.figure-hidden").count() >= 1
    visit(page, "/insight/indicators/")
    assert_no_csp_violations(page_log)
