"""Browser fixtures: one headless Chromium for the whole run, a fresh context per test, and
helpers for signing in, visiting pages, accessibility (axe) and Content Security Policy checks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses database work in
# a thread with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from django_otp.oath import totp  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from playwright.sync_api import Browser, Locator, Page, Playwright, Response, sync_playwright  # noqa: E402

from haard.accounts.models import User  # noqa: E402
from haard.accounts.services import requires_two_factor  # noqa: E402
from tests.factories import TEST_PASSWORD, give_totp  # noqa: E402

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Impacts that fail a test; "minor" and "moderate" findings are left to manual review.
BLOCKING_IMPACTS = {"serious", "critical"}
CSP_MARKERS = ("Content Security Policy", "Refused to")

_axe = Axe()


@dataclass
class PageLog:
    """What the browser reported while a test ran."""

    console: list[str] = field(default_factory=list)
    documents: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [line for line in self.console if any(marker in line for marker in CSP_MARKERS)]


@pytest.fixture(scope="session")
def playwright_instance(django_db_setup: None) -> Iterator[Playwright]:
    """Playwright, started after the test database exists.

    While Playwright runs, an asyncio loop counts as running in this thread, and Django then
    keeps its connections per context instead of per thread: the tests get new connection
    objects. The copy of the migrated data made when the test database was created (for the
    serialized rollback that brings roles back after each flush) sits on the old ones, so it
    is handed over; the new connections are closed before Playwright stops."""
    from django.db import connections

    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        yield playwright
        connections.close_all()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: Browser, live_server: Any, page_log: PageLog) -> Iterator[Page]:
    """A page in a fresh browser context (own cookies), pointed at the live server.

    The browser asks for Dutch, the interface's default language, so a test starts from what
    a regional user sees."""
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()

    def on_console(message: Any) -> None:
        page_log.console.append(f"{message.type}: {message.text}")

    def on_response(response: Response) -> None:
        if response.request.resource_type == "document":
            page_log.documents.append((response.url, response.status, response.headers))

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_log.console.append(f"pageerror: {error}"))
    page.on("response", on_response)
    yield page
    context.close()


def assert_accessible(page: Page) -> None:
    """Run axe on the current page; fail on any serious or critical violation."""
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe: {len(blocking)} serious/critical violation(s) on {page.url}"]
        for violation in blocking:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.extend(
                f"    target {node['target']}: {node.get('failureSummary', '').strip()}"
                for node in violation["nodes"]
            )
        pytest.fail("\n".join(lines), pytrace=False)


def assert_no_csp_violations(page_log: PageLog) -> None:
    violations = page_log.csp_violations()
    assert not violations, "CSP violations reported by the browser:\n" + "\n".join(violations)


def form_with(page: Page, field_selector: str) -> Locator:
    """The form that holds `field_selector` (pages carry several forms: language, sign-out)."""
    return page.locator("form", has=page.locator(field_selector))


def submit_form_with(page: Page, field_selector: str) -> Response | None:
    """Submit the form holding `field_selector` with its submit button; return the document
    response the browser ended on (after redirects)."""
    with page.expect_navigation() as navigation:
        form_with(page, field_selector).locator("button[type=submit]").click()
    return navigation.value


def totp_code(device: TOTPDevice) -> str:
    """The authenticator's current six-digit code."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(
    page: Page, user: User, device: TOTPDevice | None = None, *, password: str = TEST_PASSWORD
) -> None:
    """Sign `user` in afresh (the browser's cookies cleared): the password, then, when the
    account needs a second factor, the current code of `device` (by default the user's
    confirmed authenticator, made when they have none)."""
    page.context.clear_cookies()
    authenticator = None
    if requires_two_factor(user):
        # Made before the password step: without a confirmed one, sign-in goes to enrolment.
        authenticator = device or user.totpdevice_set.filter(confirmed=True).first() or give_totp(user)
        # A code is accepted once: allow it again when the same user signs in twice within
        # one 30-second step.
        authenticator.last_t = -1
        authenticator.save(update_fields=["last_t"])
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    submit_form_with(page, "#id_password")
    if authenticator is not None:
        page.fill("#id_token", totp_code(authenticator))
        submit_form_with(page, "#id_token")


def visit(page: Page, url: str, *, status: int = 200) -> None:
    """Open `url`, expect `status` and check the page with axe."""
    response = page.goto(url)
    assert response is not None and response.status == status, (url, response and response.status)
    assert_accessible(page)
