"""End to end in headless Chromium: sign-in with a second factor, first-time enrolment,
lockout, Content Security Policy, language switch, and axe on every page visited.

Selectors use ids, names and attributes, never visible text: the interface is Dutch by
default and can be switched to English."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, Response

from tests.browser import (
    PageLog,
    assert_accessible,
    assert_no_csp_violations,
    form_with,
    sign_in,
    submit_form_with,
    totp_code,
)
from tests.factories import TEST_PASSWORD, TeamFactory, give_totp, make_case, make_user

# Roles, groups and permissions come from a data migration; a transactional test empties the
# database afterwards, so each test gets the migrated data back (serialized rollback).
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOGIN = "/accounts/login/"
VERIFY = "/accounts/verify/"
ENROL = "/accounts/enrol/"


def _path(page: Page) -> str:
    return urlparse(page.url).path


def _password_login(page: Page, username: str, password: str = TEST_PASSWORD) -> Response | None:
    page.goto(LOGIN)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    return submit_form_with(page, "#id_password")


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0]] = tokens[1:]
    return directives


def test_case_manager_signs_in_with_code_works_and_signs_out(page: Page, page_log: PageLog) -> None:
    team = TeamFactory()
    user = make_user("case_manager", team=team)
    device = give_totp(user)
    case = make_case(team=team, participants=[user])

    page.goto(LOGIN)
    assert page.locator("#id_username").is_visible()
    assert_accessible(page)

    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    submit_form_with(page, "#id_password")
    assert _path(page) == VERIFY
    assert page.locator("#id_token").is_visible()
    assert_accessible(page)

    page.fill("#id_token", totp_code(device))
    response = submit_form_with(page, "#id_token")
    assert response is not None and response.status == 200
    assert _path(page) == "/"
    # The case manager's home: the case card links to the case list.
    assert page.locator('main a[href="/cases/"]').count() >= 1
    assert page.locator('nav form[action="/accounts/logout/"]').count() == 1
    assert_accessible(page)

    response = page.goto("/cases/")
    assert response is not None and response.status == 200
    detail = f"/cases/{case.pk}/"
    assert page.locator(f'main a[href="{detail}"]').count() == 1
    assert_accessible(page)

    response = page.goto(detail)
    assert response is not None and response.status == 200
    assert _path(page) == detail
    assert_accessible(page)

    with page.expect_navigation():
        page.locator('nav form[action="/accounts/logout/"] button[type=submit]').click()
    assert _path(page) == LOGIN
    assert page.locator("#id_username").is_visible()
    assert_accessible(page)  # now with the "signed out" message

    page.goto("/")
    assert _path(page) == LOGIN
    assert page.locator("#id_password").is_visible()
    assert_no_csp_violations(page_log)


def test_first_sign_in_enrols_an_authenticator_and_shows_backup_codes(page: Page, page_log: PageLog) -> None:
    user = make_user("safety_assessor")

    _password_login(page, user.username)
    assert _path(page) == ENROL
    qr = page.locator("main [role=img] svg")
    assert qr.count() == 1
    assert page.locator("#id_token").is_visible()
    assert_accessible(page)

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.fill("#id_token", totp_code(device))
    response = submit_form_with(page, "#id_token")
    assert response is not None and response.status == 200
    codes = [text.strip() for text in page.locator("main .codes li").all_inner_texts()]
    assert len(codes) == settings.HAARD_BACKUP_CODE_COUNT == 10
    assert all(codes) and len(set(codes)) == len(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert_accessible(page)

    with page.expect_navigation():
        page.locator('main a[href="/"]').click()
    assert _path(page) == "/"
    assert page.locator('main a[href="/cases/"]').count() >= 1
    assert_no_csp_violations(page_log)


def test_lockout_after_repeated_wrong_passwords(page: Page, page_log: PageLog) -> None:
    user = make_user("intake_worker")
    give_totp(user)
    login_heading = None

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = _password_login(page, user.username, "not the password")
        assert response is not None
        if attempt == 0:
            # A wrong password: the form again, with an error announced to screen readers.
            assert response.status == 200
            assert _path(page) == LOGIN
            assert page.locator("main [role=alert]").count() == 1
            login_heading = page.locator("main h1").inner_text()
            assert_accessible(page)

    response = _password_login(page, user.username)  # even the right password
    assert response is not None
    assert response.status == 429
    assert page.locator("#id_password").count() == 0
    assert page.locator("main h1").inner_text() != login_heading
    assert page.locator(f'main a[href="{LOGIN}"]').count() == 1
    assert_accessible(page)

    # Not signed in.
    page.goto("/")
    assert _path(page) == LOGIN
    assert_no_csp_violations(page_log)


def test_content_security_policy_is_sent_and_nothing_violates_it(
    page: Page, page_log: PageLog, live_server: Any
) -> None:
    team = TeamFactory()
    user = make_user("case_manager", team=team)
    device = give_totp(user)
    case = make_case(team=team, participants=[user])

    sign_in(page, user, device)
    assert _path(page) == "/"
    page.goto("/cases/")
    page.goto(f"/cases/{case.pk}/")
    # Let deferred scripts (htmx, haard.js) run and report.
    page.wait_for_load_state("load")

    visited = {urlparse(url).path for url, _status, _headers in page_log.documents}
    assert {LOGIN, VERIFY, "/", "/cases/", f"/cases/{case.pk}/"} <= visited
    for url, _status, headers in page_log.documents:
        header = headers.get("content-security-policy")
        assert header, f"no Content-Security-Policy header on {url}"
        script_src = _csp_directives(header).get("script-src")
        assert script_src is not None and "'self'" in script_src, f"{url}: {header}"
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, header
    assert_no_csp_violations(page_log)
    assert_accessible(page)

    # The policy is enforced, and the check above would have seen a violation.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.body.append(s); }"
    )
    page.wait_for_timeout(100)
    assert page.evaluate("() => window.x") is None
    assert page_log.csp_violations(), page_log.console


def test_language_switch_to_english(page: Page, page_log: PageLog) -> None:
    page.goto(LOGIN)
    assert page.locator("html").get_attribute("lang") == "nl"

    page.select_option("#language-select", "en")
    submit_form_with(page, "#language-select")
    assert page.locator("html").get_attribute("lang") == "en"
    assert _path(page) == LOGIN
    assert page.locator("#id_username").is_visible()
    assert form_with(page, "#language-select").locator("#language-select").input_value() == "en"
    assert_accessible(page)
    assert_no_csp_violations(page_log)


def test_policy_officer_signs_in_with_password_only(page: Page, page_log: PageLog) -> None:
    user = make_user("policy_officer")

    response = _password_login(page, user.username)
    assert response is not None and response.status == 200
    assert _path(page) == "/"
    assert page.locator("#id_token").count() == 0
    # Figures only: no way to the case list.
    assert page.locator('a[href="/cases/"]').count() == 0
    assert_accessible(page)
    assert_no_csp_violations(page_log)
    # Signed in without a second factor is still signed in: the menu with the sign-out
    # button must be there.
    assert page.locator('nav form[action="/accounts/logout/"] button[type=submit]').count() == 1
