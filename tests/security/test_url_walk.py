"""Walk every URL pattern and API operation: each is declared either free of personal data,
or proven here to refuse the anonymous user and the outsider and to log the allowed user."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from haard.accounts.models import ApiClient
from haard.accounts.services import issue_api_token
from haard.api.urls import api
from haard.audit.models import AccessLogEntry
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, TeamFactory, make_case, make_user
from tests.security.policy import Spec, World

pytestmark = pytest.mark.django_db

# Pages that show no personal data of clients (people in cases and reports). The sign-in
# pages show the user's own account; the home page shows counts only.
NO_PERSONAL_DATA = {
    "web:home",
    "accounts:login",
    "accounts:verify",
    "accounts:enrol",
    "accounts:backup_codes",
    "accounts:security",
    "accounts:logout",
    "accounts:logout_everywhere",
    "accounts:switch_membership",
    "cases:emergency_access",
    "audit:emergency_review_decide",
    "set_language",
    "api-docs",
}
API_NO_PERSONAL_DATA = {("GET", "/api/v1/me")}
SKIPPED_NAMESPACES = ("admin",)  # the Django admin is closed to all but verified staff (tested apart)


@pytest.fixture
def world(team: Any, case_manager: Any, outsider: Any) -> World:
    case = make_case(team=team, people=2, participants=[case_manager], reference="T-WALK")
    person = case.members.first().person
    world = World(
        case_manager=case_manager,
        intake=make_user(
            "intake_worker", team=TeamFactory(organisation=OrganisationFactory(type="veilig_thuis"))
        ),
        privacy=make_user("privacy_officer"),
        outsider=outsider,
        case=case,
        person=person,
    )
    for module in POLICY_MODULES:
        build = getattr(module, "build", None)
        if build is not None:
            build(world)
    return world


PAGES: dict[str, Spec] = {
    "registry:person_search": Spec(
        lambda w: reverse("registry:person_search") + f"?q={w.person.surname}", lambda w: w.intake
    ),
    "registry:person_detail": Spec(
        lambda w: reverse("registry:person_detail", args=[w.person.pk]), lambda w: w.case_manager
    ),
    "registry:person_access_report": Spec(
        lambda w: reverse("registry:person_access_report", args=[w.person.pk]), lambda w: w.privacy
    ),
    "cases:case_list": Spec(lambda w: reverse("cases:case_list"), lambda w: w.case_manager, kind="list"),
    "cases:case_detail": Spec(
        lambda w: reverse("cases:case_detail", args=[w.case.pk]), lambda w: w.case_manager
    ),
    "audit:log_search": Spec(
        lambda w: reverse("audit:log_search") + f"?go=1&person_id={w.person.pk}", lambda w: w.privacy
    ),
    "audit:emergency_review": Spec(lambda w: reverse("audit:emergency_review"), lambda w: w.privacy),
}

API: dict[tuple[str, str], Spec] = {
    ("GET", "/api/v1/people/"): Spec(lambda w: f"/api/v1/people/?q={w.person.surname}", lambda w: w.intake),
    ("POST", "/api/v1/people/search"): Spec(
        lambda w: "/api/v1/people/search", lambda w: w.intake, kind="list"
    ),
    ("GET", "/api/v1/people/{person_id}"): Spec(
        lambda w: f"/api/v1/people/{w.person.pk}", lambda w: w.case_manager
    ),
    ("GET", "/api/v1/cases/"): Spec(lambda w: "/api/v1/cases/", lambda w: w.case_manager, kind="list"),
    ("GET", "/api/v1/cases/{case_id}"): Spec(
        lambda w: f"/api/v1/cases/{w.case.pk}", lambda w: w.case_manager
    ),
}


# Each app may declare its own rows in tests/<app>/url_policy.py: PAGES, API,
# NO_PERSONAL_DATA, API_NO_PERSONAL_DATA, and build(world) to add the objects its specs use.
POLICY_MODULES = [
    importlib.import_module(f"tests.{path.parent.name}.url_policy")
    for path in sorted(Path(__file__).resolve().parent.parent.glob("*/url_policy.py"))
]
for _module in POLICY_MODULES:
    PAGES.update(getattr(_module, "PAGES", {}))
    API.update(getattr(_module, "API", {}))
    NO_PERSONAL_DATA |= set(getattr(_module, "NO_PERSONAL_DATA", set()))
    API_NO_PERSONAL_DATA |= set(getattr(_module, "API_NO_PERSONAL_DATA", set()))


def _named_patterns(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    names = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "api":
                continue  # walked per operation below
            names.extend(_named_patterns(entry, inner))
        elif isinstance(entry, URLPattern):
            names.append(
                f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>"
            )
    return names


def test_every_page_is_declared() -> None:
    names = [n for n in _named_patterns() if not n.startswith(SKIPPED_NAMESPACES)]
    undeclared = sorted(set(names) - NO_PERSONAL_DATA - set(PAGES))
    assert not undeclared, f"Declare these URLs in the policy table: {undeclared}"
    assert not (NO_PERSONAL_DATA & set(PAGES))


def _api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, methods in schema["paths"].items() for method in methods}


def test_every_api_operation_is_declared() -> None:
    undeclared = sorted(_api_operations() - API_NO_PERSONAL_DATA - set(API))
    assert not undeclared, f"Declare these API operations in the policy table: {undeclared}"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_refuses_anonymous_and_outsider_and_logs_the_allowed(name: str, world: World) -> None:
    spec = PAGES[name]
    url = spec.url(world)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))

    before = AccessLogEntry.objects.count()
    outsider = sign_in(Client(), world.outsider).get(url)
    if spec.kind == "detail":
        assert outsider.status_code in (403, 404)
        assert AccessLogEntry.objects.count() == before
    else:
        assert outsider.status_code in (200, 403, 404)
        assert world.case.reference not in outsider.content.decode()
        assert not AccessLogEntry.objects.filter(user=world.outsider, subjects__isnull=False).exists()

    allowed = sign_in(Client(), spec.allowed(world)).get(url)
    assert allowed.status_code == 200
    entry = AccessLogEntry.objects.filter(user=spec.allowed(world)).latest("id")
    assert entry.path == url.split("?")[0]
    assert entry.role_name and entry.organisation_name
    if name != "audit:emergency_review":
        shown = spec.shows(world) if spec.shows else world.person
        if shown is not None:  # None: the page shows records of no person (e.g. addresses)
            assert shown.pk in set(entry.subjects.values_list("person_id", flat=True))


@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_api_operation_refuses_anonymous_and_outsider_and_logs_the_allowed(
    method: str, path: str, world: World
) -> None:
    spec = API[(method, path)]
    url = spec.url(world)
    body = (
        spec.body(world)
        if spec.body
        else (json.dumps({"name": world.person.surname}) if method == "POST" else "")
    )
    anonymous = Client().generic(method, url, body, content_type="application/json")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"

    outsider_client = ApiClient.objects.create(
        name="Buitenstaander-systeem",
        organisation=OrganisationFactory(),
        user=world.outsider,
        scopes=["people:read", "cases:read"],
    )
    token = issue_api_token(client=outsider_client)
    outsider = Client().generic(
        method, url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    if spec.kind == "detail":
        assert outsider.status_code in (403, 404)
    else:
        assert outsider.status_code in (200, 403)
        assert world.case.reference not in outsider.content.decode()
        assert world.person.surname not in outsider.content.decode()
    assert not AccessLogEntry.objects.filter(user=world.outsider, subjects__isnull=False).exists()

    allowed = sign_in(Client(), spec.allowed(world)).generic(
        method, url, body, content_type="application/json"
    )
    assert allowed.status_code in (200, 201), allowed.content
    entry = AccessLogEntry.objects.filter(user=spec.allowed(world)).latest("id")
    shown = spec.shows(world) if spec.shows else world.person
    assert shown.pk in set(entry.subjects.values_list("person_id", flat=True))
