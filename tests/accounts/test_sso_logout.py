"""Signing out of haard after single sign-on also ends the session at the identity provider
(OpenID Connect RP-Initiated Logout 1.0), end to end against a real provider: the test provider
of tests/accounts/sso_provider.py with django-oauth-toolkit's end-session endpoint switched on.
Local accounts, anonymous visitors and a provider without an end-session endpoint sign out of
haard only, as before."""

from __future__ import annotations

import html
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from axes.models import AccessLog
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from haard.accounts.models import ExternalIdentity, User
from haard.accounts.sso import SESSION_KEY
from haard.accounts.sso_config import GroupRole, read_sso_config
from haard.accounts.views import SIGN_OUT_STATE_KEY
from haard.core.config import ConfigError
from tests.accounts.sso_provider import (
    CALLBACK,
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    PROJECT_DIR,
    Provider,
    running_provider,
)
from tests.browser import PageLog, assert_accessible, assert_no_csp_violations, visit
from tests.factories import OrganisationFactory, TeamFactory, make_user

pytestmark = pytest.mark.django_db

LOGIN = "http://testserver/accounts/login/"
MAPPING = {
    "policy": (GroupRole("policy_officer", "Gemeente Test", "Beleid"),),
    "intake": (GroupRole("intake_worker", "Gemeente Test", "Beleid"),),
}
# The test provider's own settings, with RP-Initiated Logout on. It asks the user to confirm
# only when the id_token_hint does not name the user signed in there (as Keycloak does), so a
# sign-out without a question shows that the provider accepted haard's hint.
_PROVIDER_SETTINGS = """from tests.accounts.oidc_provider.settings import *  # noqa: F403

OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,  # noqa: F405
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
}
"""


class SignOutProvider(Provider):
    @property
    def end_session_endpoint(self) -> str:
        return str(self.discovery["end_session_endpoint"])

    def allow_post_logout(self, *uris: str) -> None:
        """Register where the provider may send the browser after its sign-out."""
        code = (
            "from oauth2_provider.models import Application; "
            f"Application.objects.filter(client_id={CLIENT_ID!r})"
            f".update(post_logout_redirect_uris={' '.join(uris)!r})"
        )
        done = subprocess.run(
            [sys.executable, "-m", "django", "shell", "-c", code],
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr.decode()[-2000:]


@pytest.fixture(scope="session")
def sign_out_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignOutProvider]:
    """The test identity provider (as `oidc_provider`) with an end-session endpoint."""
    directory = tmp_path_factory.mktemp("oidc-sign-out-provider")
    (directory / "sign_out_provider_settings.py").write_text(_PROVIDER_SETTINGS)
    with running_provider(
        directory,
        settings_module="sign_out_provider_settings",
        python_path=(directory,),
        kind=SignOutProvider,
    ) as provider:
        provider.allow_post_logout(LOGIN)
        yield provider


@pytest.fixture
def teams(db: None) -> None:
    TeamFactory(organisation=OrganisationFactory(name="Gemeente Test"), name="Beleid")


@pytest.fixture
def sso(settings: Any, sign_out_provider: SignOutProvider, teams: None) -> SignOutProvider:
    settings.HAARD_SSO = sign_out_provider.config(
        MAPPING, end_session_endpoint=sign_out_provider.end_session_endpoint
    )
    return sign_out_provider


def _sign_on(client: Client, provider: Provider, username: str) -> requests.Session:
    """Sign on at haard through the provider; return the browser, still signed in there."""
    start = client.get(reverse("accounts:sso_login"))
    assert start.status_code == 302
    browser = provider.browser(username)
    back = provider.authorize(browser, start["Location"])
    assert back.startswith(CALLBACK)
    assert client.get(back.removeprefix("http://testserver")).status_code == 302
    assert "_auth_user_id" in client.session
    return browser


def _end_session_url(response: Any) -> str:
    """The provider address on haard's sign-out page: the forwarding and the link agree."""
    assert response.status_code == 200
    page = response.content.decode()
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page)
    link = re.search(r'<a class="button" href="([^"]+)">', page)
    assert refresh and link, page
    assert refresh.group(1) == link.group(1)
    return html.unescape(link.group(1))


def _signed_in_at_provider(provider: Provider, browser: requests.Session) -> bool:
    """Whether the provider still knows the browser: it then answers an authorization request
    at once instead of asking for a password."""
    start = Client().get(reverse("accounts:sso_login"))
    return provider.authorize(browser, start["Location"]).startswith(CALLBACK)


def _messages(response: Any) -> list[str]:
    return [
        html.unescape(m)
        for m in re.findall(r'<p class="message[^"]*">([^<]*)</p>', response.content.decode())
    ]


# Sign-out through the provider -------------------------------------------------------------


def test_sign_out_ends_haard_and_the_provider_session_and_comes_back(
    client: Client, sso: SignOutProvider
) -> None:
    sso.seed_users({"username": "lotte", "groups": ["policy"]})
    browser = _sign_on(client, sso, "lotte")
    assert client.get(reverse("web:home")).status_code == 200

    response = client.post(reverse("accounts:logout"))
    url = _end_session_url(response)
    assert "U bent uitgelogd." in _messages(response)

    # haard's session has ended, as for any sign-out.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("accounts:login"))
    assert AccessLog.objects.get(username="lotte").logout_time is not None

    # The request to the provider: its end-session endpoint from discovery, the ID token of this
    # sign-on as the hint, haard's client id, the absolute sign-in page, and a state.
    assert url.startswith(sso.end_session_endpoint + "?")
    params = parse_qs(urlsplit(url).query)
    assert set(params) == {"id_token_hint", "client_id", "post_logout_redirect_uri", "state"}
    assert params["client_id"] == [CLIENT_ID]
    assert params["post_logout_redirect_uri"] == [LOGIN]
    state = params["state"][0]
    assert len(state) >= 40 and client.session[SIGN_OUT_STATE_KEY] == state
    jwks = requests.get(sso.discovery["jwks_uri"], timeout=10).json()
    hint = params["id_token_hint"][0]
    key = jwt.PyJWK(jwks["keys"][0])
    claims = jwt.decode(
        hint,
        key.key,
        algorithms=["RS256"],
        audience=CLIENT_ID,
        issuer=sso.issuer,
        options={"verify_exp": False},
    )
    assert claims["sub"] == ExternalIdentity.objects.get(user__username="lotte").subject

    # The provider checks the hint: one signed by another key is refused, and nobody is signed out.
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, impostor, algorithm="RS256", headers={"kid": key.key_id})
    refused = browser.get(
        url.replace(urlencode({"id_token_hint": hint}), urlencode({"id_token_hint": forged})),
        allow_redirects=False,
        timeout=10,
    )
    assert refused.status_code == 400
    assert _signed_in_at_provider(sso, browser)

    # Following haard's request: the provider signs out without asking, and sends the browser
    # back to haard's sign-in page with the state.
    answer = browser.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    assert answer.headers["Location"] == f"{LOGIN}?{urlencode({'state': state})}"
    assert not _signed_in_at_provider(sso, browser)

    back = client.get(answer.headers["Location"].removeprefix("http://testserver"))
    assert back["Location"] == reverse("accounts:login")
    page = client.get(back["Location"])
    assert "U bent ook uitgelogd bij Test-IdP." in _messages(page)
    assert SIGN_OUT_STATE_KEY not in client.session
    # The same return again (or with another state) confirms nothing.
    again = client.get(answer.headers["Location"].removeprefix("http://testserver"), follow=True)
    assert "U bent ook uitgelogd bij Test-IdP." not in _messages(again)


def test_a_return_with_another_state_confirms_nothing(client: Client, sso: SignOutProvider) -> None:
    sso.seed_users({"username": "lotte", "groups": ["policy"]})
    _sign_on(client, sso, "lotte")
    _end_session_url(client.post(reverse("accounts:logout")))
    page = client.get(reverse("accounts:login") + "?state=not-the-state", follow=True)
    assert page.redirect_chain == [(reverse("accounts:login"), 302)]
    assert not any("Test-IdP" in message for message in _messages(page))
    assert SIGN_OUT_STATE_KEY not in client.session  # used up by the wrong answer too


def test_sign_out_everywhere_also_signs_out_at_the_provider(sso: SignOutProvider) -> None:
    sso.seed_users({"username": "lotte", "groups": ["policy"]})
    first, second = Client(), Client()
    browser = _sign_on(first, sso, "lotte")
    _sign_on(second, sso, "lotte")
    assert second.get(reverse("web:home")).status_code == 200

    response = first.post(reverse("accounts:logout_everywhere"))
    url = _end_session_url(response)
    assert "U bent op alle apparaten uitgelogd." in _messages(response)
    assert second.get(reverse("web:home")).status_code == 302
    assert first.get(reverse("web:home")).status_code == 302
    answer = browser.get(url, allow_redirects=False, timeout=10)
    assert answer.headers["Location"].startswith(f"{LOGIN}?state=")
    assert not _signed_in_at_provider(sso, browser)


def test_sign_out_before_the_second_factor_also_signs_out_at_the_provider(
    client: Client, sso: SignOutProvider
) -> None:
    """Someone who stops at haard's code question ("Cancel and sign out") leaves no session at
    the provider either."""
    sso.seed_users({"username": "ilse", "groups": ["intake"]})
    browser = _sign_on(client, sso, "ilse")
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:verify")
    url = _end_session_url(client.post(reverse("accounts:logout")))
    assert browser.get(url, allow_redirects=False, timeout=10).status_code == 302
    assert not _signed_in_at_provider(sso, browser)


def test_the_id_token_is_kept_in_the_session_and_never_logged(
    client: Client, sso: SignOutProvider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sso.seed_users({"username": "lotte", "groups": ["policy"]})
    _sign_on(client, sso, "lotte")
    record = client.session[SESSION_KEY]
    assert record["issuer"] == sso.issuer and record["id_token"].count(".") == 2
    url = _end_session_url(client.post(reverse("accounts:logout")))
    user = User.objects.get(username="lotte")
    assert f"sso sign-out user_id={user.pk} at_provider=True" in caplog.messages
    token = record["id_token"]
    assert parse_qs(urlsplit(url).query)["id_token_hint"] == [token]
    logged = "\n".join(caplog.messages) + "\n".join(str(r.args) for r in caplog.records)
    # Neither the token nor its signature (the part that makes it usable) is in any log line.
    assert token not in logged and token.rsplit(".", 1)[1] not in logged


# Sign-out that stays in haard --------------------------------------------------------------


def test_a_local_user_signs_out_of_haard_only(signed_in: Any, sso: SignOutProvider) -> None:
    """Single sign-on with an end-session endpoint is on, but this account signed in with a
    password: nothing goes to the provider, exactly as before."""
    client = signed_in(make_user("case_manager"))
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert SIGN_OUT_STATE_KEY not in client.session
    page = client.get(response["Location"])
    assert _messages(page) == ["U bent uitgelogd."]
    assert client.get(reverse("web:home")).status_code == 302

    client = signed_in(make_user("case_manager"))
    response = client.post(reverse("accounts:logout_everywhere"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert _messages(client.get(response["Location"])) == ["U bent op alle apparaten uitgelogd."]


def test_without_an_end_session_endpoint_sign_out_is_local_and_says_so(
    client: Client, settings: Any, oidc_provider: Provider, teams: None
) -> None:
    # The ordinary test provider publishes no end-session endpoint.
    assert "end_session_endpoint" not in oidc_provider.discovery
    settings.HAARD_SSO = oidc_provider.config(
        MAPPING, end_session_endpoint=oidc_provider.discovery.get("end_session_endpoint", "")
    )
    oidc_provider.seed_users({"username": "lotte", "groups": ["policy"]})
    browser = _sign_on(client, oidc_provider, "lotte")
    # Nothing to give the token to, so it is not kept.
    assert client.session[SESSION_KEY] == {"issuer": oidc_provider.issuer, "id_token": ""}

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session and SIGN_OUT_STATE_KEY not in client.session
    assert _messages(client.get(response["Location"])) == [
        "U bent uitgelogd.",
        "U bent uitgelogd bij haard, maar niet bij Test-IdP. "
        "Log op een gedeelde computer ook uit bij Test-IdP.",
    ]
    assert _signed_in_at_provider(oidc_provider, browser)  # the provider's session stays

    # The English source text.
    _sign_on(client, oidc_provider, "lotte")
    response = client.post(reverse("accounts:logout"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "You have signed out of haard, but not of Test-IdP." in " ".join(_messages(response))


def test_sign_out_needs_post_and_the_csrf_token(sso: SignOutProvider) -> None:
    sso.seed_users({"username": "lotte", "groups": ["policy"]})
    client = Client(enforce_csrf_checks=True)
    _sign_on(client, sso, "lotte")
    for name in ("accounts:logout", "accounts:logout_everywhere"):
        assert client.get(reverse(name)).status_code == 405
        assert client.post(reverse(name)).status_code == 403  # no CSRF token
    assert client.get(reverse("web:home")).status_code == 200  # still signed in
    assert SIGN_OUT_STATE_KEY not in client.session

    page = client.get(reverse("accounts:security")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token.group(1)})
    assert _end_session_url(response).startswith(sso.end_session_endpoint)


def test_an_anonymous_visitor_or_a_foreign_session_gets_no_provider_redirect(
    settings: Any, sso: SignOutProvider
) -> None:
    anonymous = Client()
    response = anonymous.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert SIGN_OUT_STATE_KEY not in anonymous.session
    response = anonymous.post(reverse("accounts:logout_everywhere"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login") + "?next="
    )

    # A session begun at another issuer (the configuration changed since): the token never goes
    # to this provider's end-session endpoint.
    sso.seed_users({"username": "lotte", "groups": ["policy"]})
    client = Client()
    browser = _sign_on(client, sso, "lotte")
    settings.HAARD_SSO = sso.config(
        MAPPING, issuer="https://another-issuer.example/o", end_session_endpoint=sso.end_session_endpoint
    )
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session and SIGN_OUT_STATE_KEY not in client.session
    assert "niet bij Test-IdP" in _messages(client.get(response["Location"]))[1]
    assert _signed_in_at_provider(sso, browser)

    # Single sign-on switched off since the sign-on: an ordinary sign-out.
    settings.HAARD_SSO = sso.config(MAPPING, end_session_endpoint=sso.end_session_endpoint)
    client = Client()
    _sign_on(client, sso, "lotte")
    settings.HAARD_SSO = None
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert _messages(client.get(response["Location"])) == ["U bent uitgelogd."]
    # And a return from the provider then confirms nothing.
    page = Client().get(reverse("accounts:login") + "?state=x", follow=True)
    assert _messages(page) == []


# Configuration -----------------------------------------------------------------------------

_ENV = {
    "HAARD_OIDC_ENABLED": "true",
    "HAARD_OIDC_ISSUER": "https://idp.example/realms/regio",
    "HAARD_OIDC_CLIENT_ID": "haard",
    "HAARD_OIDC_CLIENT_SECRET": "s3cret",
    "HAARD_OIDC_AUTHORIZATION_ENDPOINT": "https://idp.example/auth",
    "HAARD_OIDC_TOKEN_ENDPOINT": "https://idp.example/token",
    "HAARD_OIDC_USERINFO_ENDPOINT": "https://idp.example/userinfo",
    "HAARD_OIDC_JWKS_ENDPOINT": "https://idp.example/certs",
}


def test_the_end_session_endpoint_is_optional() -> None:
    config = read_sso_config(production=True, env=_ENV)
    assert config is not None and config.end_session_endpoint == ""
    config = read_sso_config(
        production=True, env=_ENV | {"HAARD_OIDC_END_SESSION_ENDPOINT": "https://idp.example/logout"}
    )
    assert config is not None and config.end_session_endpoint == "https://idp.example/logout"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("http://idp.example/logout", "HAARD_OIDC_END_SESSION_ENDPOINT must start with https://"),
        ("idp.example/logout", "HAARD_OIDC_END_SESSION_ENDPOINT must start with https://"),
        ("https://idp.example/logout#x", "HAARD_OIDC_END_SESSION_ENDPOINT must not contain a fragment"),
    ],
)
def test_a_bad_end_session_endpoint_is_refused_naming_the_variable(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        read_sso_config(production=True, env=_ENV | {"HAARD_OIDC_END_SESSION_ENDPOINT": value})


def test_an_end_session_endpoint_with_a_query_keeps_it(settings: Any, sso: SignOutProvider) -> None:
    settings.HAARD_SSO = sso.config(MAPPING, end_session_endpoint=f"{sso.end_session_endpoint}?tenant=regio")
    sso.seed_users({"username": "lotte", "groups": ["policy"]})
    client = Client()
    _sign_on(client, sso, "lotte")
    url = _end_session_url(client.post(reverse("accounts:logout")))
    assert url.startswith(f"{sso.end_session_endpoint}?tenant=regio&id_token_hint=")


# In a browser ----------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sign_out_through_the_provider_in_a_browser(
    page: Page, page_log: PageLog, live_server: Any, settings: Any, sign_out_provider: SignOutProvider
) -> None:
    """haard's Content Security Policy (form-action 'self') lets no form redirect to another
    site; the sign-out page takes the browser to the provider and back."""
    provider = sign_out_provider
    TeamFactory(organisation=OrganisationFactory(name="Gemeente Test"), name="Beleid")
    provider.seed(
        {
            "client": {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uri": f"{CALLBACK} {live_server.url}/accounts/sso/callback/",
            }
        }
    )
    provider.allow_post_logout(LOGIN, f"{live_server.url}/accounts/login/")
    provider.seed_users({"username": "eva", "groups": ["policy"]})
    settings.HAARD_SSO = provider.config(MAPPING, end_session_endpoint=provider.end_session_endpoint)

    visit(page, "/accounts/login/")
    page.get_by_role("link", name="Test-IdP").click()
    page.wait_for_url(f"{provider.base}/login/**")
    page.fill("#id_username", "eva")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation(url=f"{live_server.url}/"):
        page.get_by_role("button", name="Sign in").click()

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "U bent ook uitgelogd bij Test-IdP." in page.content()
    assert_accessible(page)
    assert any(url.startswith(provider.end_session_endpoint) for url, _, _ in page_log.documents)
    page.goto("/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")  # signed out of haard

    # Signed out at the provider: signing on again asks for the password.
    page.get_by_role("link", name="Test-IdP").click()
    page.wait_for_url(f"{provider.base}/login/**")
    assert_no_csp_violations(page_log)
