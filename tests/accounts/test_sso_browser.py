"""Single sign-on in headless Chromium: from haard's sign-in page to the provider's and back,
with axe and the Content Security Policy checked on haard's pages on the way."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from haard.accounts.models import Membership, User
from haard.accounts.sso_config import GroupRole
from tests.accounts.sso_provider import CALLBACK, CLIENT_ID, CLIENT_SECRET, PASSWORD, Provider
from tests.browser import PageLog, assert_accessible, assert_no_csp_violations, visit
from tests.factories import OrganisationFactory, TeamFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sign_on_through_the_provider_in_a_browser(
    page: Page, page_log: PageLog, live_server: Any, settings: Any, oidc_provider: Provider
) -> None:
    team = TeamFactory(organisation=OrganisationFactory(name="Gemeente Test"), name="Beleid")
    oidc_provider.seed(
        {
            "client": {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uri": f"{CALLBACK} {live_server.url}/accounts/sso/callback/",
            }
        }
    )
    oidc_provider.seed_users({"username": "eva", "groups": ["policy"]})
    settings.HAARD_SSO = oidc_provider.config(
        {"policy": (GroupRole("policy_officer", "Gemeente Test", "Beleid"),)}
    )

    visit(page, "/accounts/login/")
    page.get_by_role("link", name="Test-IdP").click()
    page.wait_for_url(f"{oidc_provider.base}/login/**")
    page.fill("#id_username", "eva")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation(url=f"{live_server.url}/"):
        page.get_by_role("button", name="Sign in").click()
    assert_accessible(page)
    eva = User.objects.get(username="eva")
    assert Membership.objects.filter(user=eva, team=team, role__key="policy_officer", active=True).exists()

    page.context.clear_cookies()
    visit(page, "/accounts/sso/callback/?code=forged&state=forged", status=400)
    assert "Test-IdP" in page.content()
    assert_no_csp_violations(page_log)
