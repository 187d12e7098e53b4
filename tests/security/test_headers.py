"""Security headers and cookies, as production serves them: every page and API operation of the
URL walk is fetched over HTTPS by its allowed user, with the settings production sets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import TEST_PASSWORD, give_totp, make_user
from tests.security.policy import World
from tests.security.test_url_walk import API, PAGES

pytestmark = pytest.mark.django_db

NO_STORE = "haard.core.middleware.NoStoreMiddleware"


@pytest.fixture
def production(settings: Any) -> None:
    """What settings.py sets when HAARD_ENV=production."""
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.DEBUG = False
    if NO_STORE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index("django.contrib.sessions.middleware.SessionMiddleware"), NO_STORE)
        settings.MIDDLEWARE = middleware


def test_settings_install_the_no_store_middleware() -> None:
    if NO_STORE not in django_settings.MIDDLEWARE:
        pytest.skip(f"settings.MIDDLEWARE does not list {NO_STORE} yet (the header tests add it)")


def _csp(response: Any) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _header_problems(where: str, response: Any, *, html: bool) -> list[str]:
    problems = []
    cache = response.get("Cache-Control", "")
    if "no-store" not in cache:
        problems.append(f"{where}: Cache-Control {cache!r} lacks no-store")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{where}: no X-Content-Type-Options: nosniff")
    if response.get("Referrer-Policy") not in ("same-origin", "no-referrer", "strict-origin"):
        problems.append(f"{where}: Referrer-Policy {response.get('Referrer-Policy')!r}")
    if "max-age=31536000" not in response.get("Strict-Transport-Security", ""):
        problems.append(f"{where}: no Strict-Transport-Security of a year")
    if html:
        if response.get("X-Frame-Options") != "DENY":
            problems.append(f"{where}: X-Frame-Options {response.get('X-Frame-Options')!r}")
        csp = _csp(response)
        if csp.get("frame-ancestors") != ["'none'"]:
            problems.append(f"{where}: CSP frame-ancestors {csp.get('frame-ancestors')}")
        if csp.get("default-src") != ["'self'"] or csp.get("object-src") != ["'none'"]:
            problems.append(f"{where}: CSP default-src/object-src {csp}")
        for directive in ("script-src", "style-src"):
            sources = csp.get(directive, [])
            if not sources or "'unsafe-inline'" in sources or "'unsafe-eval'" in sources or "*" in sources:
                problems.append(f"{where}: CSP {directive} {sources}")
    session = response.cookies.get(django_settings.SESSION_COOKIE_NAME)
    if (
        session is not None
        and session.value
        and not (session["secure"] and session["httponly"] and session["samesite"] in ("Lax", "Strict"))
    ):
        problems.append(f"{where}: session cookie {session.OutputString()}")
    csrf = response.cookies.get(django_settings.CSRF_COOKIE_NAME)
    if csrf is not None and not (csrf["secure"] and csrf["samesite"] in ("Lax", "Strict")):
        problems.append(f"{where}: CSRF cookie {csrf.OutputString()}")
    return problems


def test_every_page_and_operation_sends_the_security_headers(production: None, world: World) -> None:
    problems = []
    clients: dict[int, Client] = {}

    def client_for(user: Any) -> Client:
        if user.pk not in clients:
            clients[user.pk] = sign_in(Client(), user)
        return clients[user.pk]

    for name, spec in sorted(PAGES.items()):
        response = client_for(spec.allowed(world)).get(spec.url(world), secure=True)
        if response.status_code != 200:
            problems.append(f"{name}: {response.status_code}")
            continue
        is_html = response.get("Content-Type", "").startswith("text/html")
        problems += _header_problems(name, response, html=is_html)
        if not is_html:  # a download: it must not be shown inline by a browser sniffing it
            disposition = response.get("Content-Disposition", "")
            if not disposition.startswith("attachment") and not response.get("Content-Type", "").startswith(
                ("image/", "application/pdf")
            ):
                problems.append(f"{name}: a download without Content-Disposition: attachment")
    for (method, path), spec in sorted(API.items()):
        if method != "GET":
            continue
        response = client_for(spec.allowed(world)).get(spec.url(world), secure=True)
        problems += _header_problems(f"{method} {path}", response, html=False)
        if response.status_code == 200:
            json.loads(response.content)
    assert not problems, "\n".join(problems)


def test_http_is_redirected_to_https_and_sign_in_sets_secure_cookies(production: None) -> None:
    assert Client().get(reverse("accounts:login")).status_code == 301  # plain HTTP

    client = Client()
    login = client.get(reverse("accounts:login"), secure=True)
    assert login.status_code == 200
    assert not _header_problems("login", login, html=True)
    assert login.cookies[django_settings.CSRF_COOKIE_NAME]["secure"]

    user = make_user("case_manager", username="cookie-check")
    give_totp(user)
    response = client.post(
        reverse("accounts:login"), {"username": "cookie-check", "password": TEST_PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    # The session ends with the browser and after the idle period.
    assert not session["expires"] or session["max-age"] == django_settings.SESSION_COOKIE_AGE


def test_error_pages_show_no_stack_trace(production: None, case_manager: Any) -> None:
    response = sign_in(Client(), case_manager).get("/no-such-page/", secure=True)
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()
    assert not _header_problems("404", response, html=True)
