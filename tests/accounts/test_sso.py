"""Single sign-on with OpenID Connect, end to end against a real provider (django-oauth-toolkit
in its own process, tests/accounts/sso_provider.py): authorization code flow with PKCE, RS256
ID tokens checked with the provider's keys, groups mapped to roles at every sign-on, the
second-factor rule, refusals, the audit trail, and single sign-on off by default."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from axes.models import AccessFailureLog, AccessLog
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client, override_settings
from django.urls import reverse

from haard.accounts.access import capabilities
from haard.accounts.models import ExternalIdentity, IdentityProviderDevice, Membership, User
from haard.accounts.sso_config import GroupRole, read_sso_config
from haard.core.config import ConfigError
from tests.accounts.sso_provider import CALLBACK, Provider
from tests.factories import OrganisationFactory, TeamFactory, give_totp, make_case, make_user

pytestmark = pytest.mark.django_db

VT = "Veilig Thuis Testregio"


@pytest.fixture
def teams(db: None) -> dict[str, Any]:
    vt = OrganisationFactory(name=VT, type="veilig_thuis")
    return {
        "intake": TeamFactory(organisation=vt, name="Intake"),
        "assessment": TeamFactory(organisation=vt, name="Beoordeling"),
        "policy": TeamFactory(organisation=OrganisationFactory(name="Gemeente Test"), name="Beleid"),
    }


MAPPING = {
    "vt-intake": (GroupRole("intake_worker", VT, "Intake"),),
    "vt-assessment": (
        GroupRole("safety_assessor", VT, "Beoordeling"),
        GroupRole("intake_worker", VT, "Beoordeling"),
    ),
    "policy": (GroupRole("policy_officer", "Gemeente Test", "Beleid"),),
    # Names a team haard does not have: it must give nothing.
    "ghost": (GroupRole("case_manager", VT, "Bestaat niet"),),
}


@pytest.fixture
def sso(settings: Any, oidc_provider: Provider, teams: dict[str, Any]) -> Provider:
    settings.HAARD_SSO = oidc_provider.config(MAPPING)
    return oidc_provider


def _start(client: Client, query: str = "") -> dict[str, list[str]]:
    response = client.get(reverse("accounts:sso_login") + query)
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query) | {"_url": [response["Location"]]}


def _sign_on(client: Client, provider: Provider, username: str, query: str = "") -> Any:
    """Sign on at haard through the provider, as a browser does; return haard's answer."""
    params = _start(client, query)
    back = provider.authorize(provider.browser(username), params["_url"][0])
    assert back.startswith(CALLBACK)
    return client.get(back.removeprefix("http://testserver"))


def _roles(user: User) -> set[tuple[str, str]]:
    return {
        (m.role.key, m.team.name)
        for m in Membership.objects.filter(user=user, active=True).select_related("role", "team")
    }


# Off by default -------------------------------------------------------------------------------


def test_single_sign_on_is_off_by_default(client: Client, settings: Any) -> None:
    assert settings.HAARD_SSO is None
    assert read_sso_config(production=False, env={}) is None
    assert client.get(reverse("accounts:sso_login")).status_code == 404
    assert client.get(reverse("accounts:sso_callback") + "?code=x&state=y").status_code == 404
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:sso_login") not in page


def test_outsider_reaches_nothing_through_single_sign_on(
    signed_in: Any, settings: Any, sso: Provider
) -> None:
    """A signed-in outsider meets the same 404 when it is off; a user signed on with a group
    the mapping does not know holds no role and opens no case."""
    case = make_case(team=TeamFactory(), people=1, reference="T-SSO")
    client = signed_in(make_user("case_manager", username="buitenstaander"))
    settings.HAARD_SSO = None
    assert client.get(reverse("accounts:sso_login")).status_code == 404
    assert client.get(reverse("accounts:sso_callback")).status_code == 404
    settings.HAARD_SSO = sso.config(MAPPING)

    sso.seed_users({"username": "olga", "groups": ["not-mapped"]})
    fresh = Client()
    response = _sign_on(fresh, sso, "olga")
    assert response["Location"] == reverse("web:home")
    olga = User.objects.get(username="olga")
    assert capabilities(olga) == frozenset()
    assert fresh.get(reverse("cases:case_detail", args=[case.pk])).status_code in (403, 404)
    assert fresh.get(reverse("registry:person_search") + "?q=a").status_code in (403, 404)


# The flow ---------------------------------------------------------------------------------------


def test_login_page_offers_the_provider_and_keeps_local_accounts(client: Client, sso: Provider) -> None:
    page = client.get(reverse("accounts:login") + "?next=/cases/").content.decode()
    assert "Test-IdP" in page
    assert f'href="{reverse("accounts:sso_login")}?next=/cases/"' in page
    assert 'name="password"' in page  # the demo's local accounts still sign in


def test_authorization_code_flow_with_pkce_creates_the_user_and_maps_groups(
    client: Client, sso: Provider
) -> None:
    sso.seed_users(
        {
            "username": "anna",
            "groups": ["vt-intake", "unknown-group"],
            "given_name": "Anna",
            "family_name": "de Vries",
            "email": "anna@example.org",
        }
    )
    params = _start(client)
    assert params["_url"][0].startswith(sso.discovery["authorization_endpoint"])
    assert params["response_type"] == ["code"]
    assert params["code_challenge_method"] == ["S256"]
    assert len(params["code_challenge"][0]) == 43
    assert params["nonce"] and params["state"]
    assert set(params["scope"][0].split()) == {"openid", "profile", "email"}

    back = sso.authorize(sso.browser("anna"), params["_url"][0])
    response = client.get(back.removeprefix("http://testserver"))

    # Intake sees personal data: without a trusted second factor from the provider, haard's own.
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    user = User.objects.get(username="anna")
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.issuer == sso.issuer and identity.subject
    assert (user.first_name, user.last_name, user.email) == ("Anna", "de Vries", "anna@example.org")
    assert not user.has_usable_password()
    assert _roles(user) == {("intake_worker", "Intake")}
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:verify")
    assert client.get(reverse("accounts:verify"))["Location"] == reverse("accounts:enrol")
    # Audited as a local sign-in is: the sign-in log names the user and the callback.
    entry = AccessLog.objects.get(username="anna")
    assert entry.path_info == reverse("accounts:sso_callback") and entry.logout_time is None


def test_the_provider_signs_with_rs256_and_its_published_key(sso: Provider) -> None:
    import requests

    keys = requests.get(sso.discovery["jwks_uri"], timeout=5).json()["keys"]
    assert [key["kty"] for key in keys] == ["RSA"]
    assert "RS256" in sso.discovery["id_token_signing_alg_values_supported"]


def test_next_page_survives_the_round_trip(client: Client, sso: Provider) -> None:
    sso.seed_users({"username": "pieter", "groups": ["policy"]})
    response = _sign_on(client, sso, "pieter", "?next=/insight/")
    assert response["Location"] == "/insight/"
    response = _sign_on(Client(), sso, "pieter", "?next=https://evil.example/")
    assert response["Location"] == reverse("web:home")


def test_memberships_follow_the_groups_at_every_sign_on(sso: Provider) -> None:
    sso.seed_users({"username": "bea", "groups": ["vt-intake", "vt-assessment", "ghost"]})
    _sign_on(Client(), sso, "bea")
    bea = User.objects.get(username="bea")
    assert _roles(bea) == {
        ("intake_worker", "Intake"),
        ("safety_assessor", "Beoordeling"),
        ("intake_worker", "Beoordeling"),
    }  # "ghost" names a team haard does not have: nothing

    sso.seed_users({"username": "bea", "groups": ["vt-intake"]})
    _sign_on(Client(), sso, "bea")
    assert _roles(bea) == {("intake_worker", "Intake")}
    ended = Membership.objects.filter(user=bea, active=False)
    assert {(m.role.key, m.team.name) for m in ended} == {
        ("safety_assessor", "Beoordeling"),
        ("intake_worker", "Beoordeling"),
    }

    sso.seed_users({"username": "bea", "groups": ["vt-intake", "vt-assessment"]})
    _sign_on(Client(), sso, "bea")
    assert len(_roles(bea)) == 3
    assert Membership.objects.filter(user=bea).count() == 3  # ended ones come back, no duplicates

    sso.seed_users({"username": "bea", "groups": []})
    _sign_on(Client(), sso, "bea")
    assert _roles(bea) == set()
    assert capabilities(User.objects.get(pk=bea.pk)) == frozenset()


def test_an_unknown_group_gives_no_role(client: Client, sso: Provider) -> None:
    sso.seed_users({"username": "ugo", "groups": ["Domain Admins", "vt-intake-but-not-quite"]})
    response = _sign_on(client, sso, "ugo")
    ugo = User.objects.get(username="ugo")
    assert Membership.objects.filter(user=ugo).count() == 0
    assert not ugo.is_staff and not ugo.is_superuser
    assert response["Location"] == reverse("web:home")  # no role, so no second factor either


def test_users_are_found_by_subject_never_by_name(sso: Provider) -> None:
    local = make_user("case_manager", username="bram")
    local_membership = Membership.objects.get(user=local)
    sso.seed_users({"username": "bram", "groups": ["policy"]})

    _sign_on(Client(), sso, "bram")
    created = ExternalIdentity.objects.get(issuer=sso.issuer).user
    assert created.username == "bram-2" and created.pk != local.pk
    local_membership.refresh_from_db()
    assert local_membership.active  # the local account is untouched

    # An administrator links the local account to the provider account instead.
    ExternalIdentity.objects.filter(user=created).update(user=local)
    created.delete()
    User.objects.filter(pk=local.pk).update(username="bram-renamed")
    client = Client()
    response = _sign_on(client, sso, "bram")
    assert response["Location"] == reverse("web:home")
    assert int(client.session["_auth_user_id"]) == local.pk
    # The provider decides the roles: the local case-manager role ended, the mapped one holds.
    assert _roles(local) == {("policy_officer", "Beleid")}
    local_membership.refresh_from_db()
    assert not local_membership.active


def test_a_disabled_user_is_refused(client: Client, sso: Provider) -> None:
    sso.seed_users({"username": "dirk", "groups": ["policy"]})
    _sign_on(Client(), sso, "dirk")
    User.objects.filter(username="dirk").update(is_active=False)
    response = _sign_on(client, sso, "dirk")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert AccessFailureLog.objects.filter(username="dirk").exists()


# The second factor --------------------------------------------------------------------------------


def test_the_providers_second_factor_counts_only_when_configured(settings: Any, sso: Provider) -> None:
    sso.seed_users({"username": "mia", "groups": ["vt-intake", "provider-mfa"]})
    sso.seed_users({"username": "noor", "groups": ["vt-intake"]})

    # Default: the provider's amr says otp, but haard still asks for its own code.
    client = Client()
    assert _sign_on(client, sso, "mia")["Location"] == reverse("accounts:verify")
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:verify")
    assert not IdentityProviderDevice.objects.exists()

    settings.HAARD_SSO = sso.config(MAPPING, mfa_amr_values=frozenset({"otp", "mfa"}))
    client = Client()
    assert _sign_on(client, sso, "mia")["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200
    assert IdentityProviderDevice.objects.filter(user__username="mia").count() == 1
    # A user the provider let in with a password alone still needs haard's code.
    client = Client()
    assert _sign_on(client, sso, "noor")["Location"] == reverse("accounts:verify")

    settings.HAARD_SSO = sso.config(MAPPING, mfa_acr_values=frozenset({"urn:test:loa:2"}))
    assert _sign_on(Client(), sso, "mia")["Location"] == reverse("web:home")
    assert _sign_on(Client(), sso, "noor")["Location"] == reverse("accounts:verify")


def test_the_provider_device_verifies_no_code(sso: Provider, settings: Any) -> None:
    settings.HAARD_SSO = sso.config(MAPPING, mfa_amr_values=frozenset({"otp"}))
    sso.seed_users({"username": "mia", "groups": ["vt-intake", "provider-mfa"]})
    _sign_on(Client(), sso, "mia")
    device = IdentityProviderDevice.objects.get(user__username="mia")
    assert not device.verify_token("123456") and not device.verify_token("")
    # A password sign-in of the same user is not verified by it: haard's code is asked.
    user = device.user
    user.set_password("a long local password 1")
    user.save()
    give_totp(user)
    client = Client()
    client.post(reverse("accounts:login"), {"username": "mia", "password": "a long local password 1"})
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:verify")


# Refusals -----------------------------------------------------------------------------------------


def _refused(response: Any) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert "Test-IdP" in page and reverse("accounts:login") in page


def test_a_wrong_state_is_refused_with_a_clear_page(client: Client, sso: Provider) -> None:
    sso.seed_users({"username": "stef", "groups": ["policy"]})
    params = _start(client)
    back = sso.authorize(sso.browser("stef"), params["_url"][0])
    query = parse_qs(urlsplit(back).query)
    forged = urlencode({"code": query["code"][0], "state": "not-the-state"})
    response = client.get(f"{reverse('accounts:sso_callback')}?{forged}")
    _refused(response)
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="stef").exists()
    assert AccessFailureLog.objects.filter(path_info=reverse("accounts:sso_callback")).exists()
    # The answer arrives in another browser (login CSRF): refused too.
    _refused(Client().get(back.removeprefix("http://testserver")))


def test_a_state_is_used_once(client: Client, sso: Provider) -> None:
    sso.seed_users({"username": "stef", "groups": ["policy"]})
    params = _start(client)
    back = sso.authorize(sso.browser("stef"), params["_url"][0]).removeprefix("http://testserver")
    assert client.get(back)["Location"] == reverse("web:home")
    client.post(reverse("accounts:logout"))
    _refused(client.get(back))


def test_a_wrong_nonce_is_refused(client: Client, sso: Provider) -> None:
    sso.seed_users({"username": "nina", "groups": ["policy"]})
    params = _start(client)
    session = client.session
    states = session["oidc_states"]
    states[params["state"][0]]["nonce"] = "a-nonce-the-provider-never-saw"
    session["oidc_states"] = states
    session.save()
    back = sso.authorize(sso.browser("nina"), params["_url"][0])
    response = client.get(back.removeprefix("http://testserver"))
    _refused(response)
    assert not User.objects.filter(username="nina").exists()


def test_an_error_from_the_provider_is_refused(client: Client, sso: Provider) -> None:
    params = _start(client)
    query = urlencode({"error": "access_denied", "state": params["state"][0]})
    _refused(client.get(f"{reverse('accounts:sso_callback')}?{query}"))
    assert params["state"][0] not in client.session.get("oidc_states", {})


@pytest.mark.parametrize(
    "change",
    [
        {"issuer": "https://another-issuer.example/o"},
        {"client_id": "another-client"},
        {"sign_algorithm": "ES256"},
    ],
    ids=["issuer", "client", "algorithm"],
)
def test_a_token_not_meant_for_haard_is_refused(
    client: Client, settings: Any, sso: Provider, change: dict[str, str]
) -> None:
    sso.seed_users({"username": "tom", "groups": ["policy"]})
    params = _start(client)  # the provider knows haard's real client id
    back = sso.authorize(sso.browser("tom"), params["_url"][0])
    settings.HAARD_SSO = sso.config(MAPPING, **change)
    response = client.get(back.removeprefix("http://testserver"))
    _refused(response)
    assert not User.objects.filter(username="tom").exists()


def test_an_unreachable_provider_is_reported(client: Client, settings: Any, sso: Provider) -> None:
    sso.seed_users({"username": "tom", "groups": ["policy"]})
    params = _start(client)
    back = sso.authorize(sso.browser("tom"), params["_url"][0])
    with socket.socket() as closed:  # a port on which nothing listens
        closed.bind(("127.0.0.1", 0))
        settings.HAARD_SSO = sso.config(
            MAPPING, token_endpoint=f"http://127.0.0.1:{closed.getsockname()[1]}/"
        )
        response = client.get(back.removeprefix("http://testserver"))
    assert response.status_code == 502
    assert "Test-IdP" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_answer_without_the_subject_claim_is_refused(client: Client, settings: Any, sso: Provider) -> None:
    sso.seed_users({"username": "tom", "groups": ["policy"]})
    settings.HAARD_SSO = sso.config(MAPPING, subject_claim="employee_number")
    _refused(_sign_on(client, sso, "tom"))
    assert not User.objects.filter(username="tom").exists()


@pytest.fixture
def serve_jwks() -> Iterator[Callable[[dict[str, Any]], str]]:
    """Publish a JWKS on a loopback port; returns its URL."""
    servers: list[HTTPServer] = []

    def serve(jwks: dict[str, Any]) -> str:
        body = json.dumps(jwks).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/jwks.json"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def _jwk(public: Any, kid: str) -> dict[str, Any]:
    return {
        **jwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True),
        "kid": kid,
        "alg": "RS256",
        "use": "sig",
    }


def test_a_signature_by_another_key_is_refused(
    client: Client, settings: Any, sso: Provider, serve_jwks: Callable[[dict[str, Any]], str]
) -> None:
    import requests

    kid = requests.get(sso.discovery["jwks_uri"], timeout=5).json()["keys"][0]["kid"]
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    sso.seed_users({"username": "kees", "groups": ["policy"]})
    settings.HAARD_SSO = sso.config(MAPPING, jwks_endpoint=serve_jwks({"keys": [_jwk(impostor, kid)]}))
    _refused(_sign_on(client, sso, "kees"))
    assert not User.objects.filter(username="kees").exists()


def test_id_token_checks_beyond_the_signature(serve_jwks: Callable[[dict[str, Any]], str]) -> None:
    """Issuer, audience (with azp for several), expiry and algorithm, which mozilla-django-oidc
    leaves to the application, on tokens signed with a published key."""
    from django.core.exceptions import SuspiciousOperation

    from haard.accounts.oidc import HaardOIDCBackend
    from haard.accounts.sso_config import SsoConfig

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    config = SsoConfig(
        provider_name="Test-IdP",
        issuer="https://idp.test/o",
        client_id="haard",
        client_secret="secret",
        authorization_endpoint="https://idp.test/o/authorize/",
        token_endpoint="https://idp.test/o/token/",
        userinfo_endpoint="https://idp.test/o/userinfo/",
        jwks_endpoint=serve_jwks({"keys": [_jwk(key.public_key(), "k1")]}),
    )
    now = int(time.time())
    good = {"iss": config.issuer, "aud": "haard", "sub": "42", "iat": now, "exp": now + 300, "nonce": "n"}

    def token(claims: dict[str, Any], **header: Any) -> str:
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1", **header})

    with override_settings(HAARD_SSO=config):
        backend = HaardOIDCBackend(config)
        assert backend.verify_token(token(good), nonce="n")["sub"] == "42"
        assert backend.verify_token(token(good | {"aud": ["haard", "other"], "azp": "haard"}), nonce="n")
        refused: list[dict[str, Any]] = [
            good | {"iss": "https://evil.test/o"},
            good | {"aud": "other"},
            good | {"aud": ["haard", "other"]},
            {k: v for k, v in good.items() if k != "exp"},
        ]
        for claims in refused:
            with pytest.raises(SuspiciousOperation):
                backend.verify_token(token(claims), nonce="n")
        with pytest.raises(jwt.ExpiredSignatureError):
            backend.verify_token(token(good | {"exp": now - 60}), nonce="n")
        with pytest.raises(SuspiciousOperation):
            backend.verify_token(token(good), nonce="another")
        with pytest.raises(SuspiciousOperation):  # signed with the client secret: not accepted
            backend.verify_token(
                jwt.encode(good, "secret" * 8, algorithm="HS256", headers={"kid": "k1"}), nonce="n"
            )
        unsigned = jwt.encode(good, None, algorithm="none", headers={"kid": "k1"})
        with pytest.raises(SuspiciousOperation):
            backend.verify_token(unsigned, nonce="n")


# Audit ---------------------------------------------------------------------------------------------


def test_sign_on_and_sign_out_are_in_the_sign_in_log(client: Client, sso: Provider) -> None:
    sso.seed_users({"username": "lotte", "groups": ["policy"]})
    _sign_on(client, sso, "lotte")
    assert AccessLog.objects.get(username="lotte").logout_time is None
    client.post(reverse("accounts:logout"))
    assert AccessLog.objects.get(username="lotte").logout_time is not None
    assert client.get(reverse("web:home")).status_code == 302


# Configuration -------------------------------------------------------------------------------------

_ENV = {
    "HAARD_OIDC_ENABLED": "true",
    "HAARD_OIDC_PROVIDER_NAME": "Regio-account",
    "HAARD_OIDC_ISSUER": "https://idp.example/realms/regio",
    "HAARD_OIDC_CLIENT_ID": "haard",
    "HAARD_OIDC_CLIENT_SECRET": "s3cret",
    "HAARD_OIDC_AUTHORIZATION_ENDPOINT": "https://idp.example/auth",
    "HAARD_OIDC_TOKEN_ENDPOINT": "https://idp.example/token",
    "HAARD_OIDC_USERINFO_ENDPOINT": "https://idp.example/userinfo",
    "HAARD_OIDC_JWKS_ENDPOINT": "https://idp.example/certs",
}


def test_configuration_from_the_environment() -> None:
    mapping = {"vt": [{"role": "intake_worker", "organisation": VT, "team": "Intake"}]}
    config = read_sso_config(
        production=True,
        env=_ENV | {"HAARD_OIDC_GROUP_ROLES": json.dumps(mapping), "HAARD_OIDC_MFA_AMR": "otp, hwk"},
    )
    assert config is not None
    assert config.provider_name == "Regio-account"
    assert config.group_roles == {"vt": (GroupRole("intake_worker", VT, "Intake"),)}
    assert config.mfa_amr_values == {"otp", "hwk"} and not config.mfa_acr_values
    assert config.client_settings()["OIDC_USE_PKCE"] is True
    assert config.client_settings()["OIDC_RP_SIGN_ALGO"] == "RS256"
    # Nothing trusted by default.
    assert not read_sso_config(production=True, env=_ENV).trusts_provider_mfa  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HAARD_OIDC_CLIENT_SECRET": ""}, "HAARD_OIDC_CLIENT_SECRET"),
        (
            {"HAARD_OIDC_TOKEN_ENDPOINT": "http://idp.example/token"},
            "HAARD_OIDC_TOKEN_ENDPOINT must start with https://",
        ),
        ({"HAARD_OIDC_SIGN_ALGORITHM": "HS256"}, "HAARD_OIDC_SIGN_ALGORITHM"),
        ({"HAARD_OIDC_SCOPES": "profile,email"}, "HAARD_OIDC_SCOPES must include openid"),
        ({"HAARD_OIDC_GROUP_ROLES": "{not json"}, "HAARD_OIDC_GROUP_ROLES is not valid JSON"),
        ({"HAARD_OIDC_GROUP_ROLES": '["vt"]'}, "must be a JSON object"),
        ({"HAARD_OIDC_GROUP_ROLES": '{"vt": {"role": "x"}}'}, "group 'vt' must map to a list"),
        (
            {"HAARD_OIDC_GROUP_ROLES": '{"vt": [{"role": "intake_worker", "team": "Intake"}]}'},
            "group 'vt', entry 1: missing organisation",
        ),
        (
            {"HAARD_OIDC_GROUP_ROLES": '{"vt": [{"role": "", "organisation": "A", "team": "B"}]}'},
            "group 'vt', entry 1: role must be a non-empty text",
        ),
    ],
)
def test_a_bad_configuration_is_refused_naming_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        read_sso_config(production=True, env=_ENV | env)
