"""The interface shell: home per role, error pages that leak nothing, language, history."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from haard.registry.models import Person
from haard.web.views import error_500
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "link", "absent"),
    [
        ("case_manager", "/cases/", "/access-log/"),
        ("intake_worker", "/people/", "/cases/"),
        ("privacy_officer", "/access-log/", "/people/"),
        ("policy_officer", None, "/people/"),
    ],
)
def test_home_page_fits_the_role(role: str, link: str | None, absent: str) -> None:
    page = sign_in(Client(), make_user(role)).get(reverse("web:home")).content.decode()
    if link:
        assert f'href="{link}"' in page
    assert f'href="{absent}"' not in page


def test_user_with_several_roles_switches_the_acting_role() -> None:
    user = make_user("case_manager")
    other = make_user("intake_worker")
    membership = other.memberships.get()
    membership.user = user
    membership.save()
    client = sign_in(Client(), user)
    client.post(reverse("accounts:switch_membership"), {"membership": membership.pk})
    assert client.get(reverse("web:home")).context["membership"] == membership
    # A membership of someone else is ignored.
    foreign = make_user("privacy_officer").memberships.get()
    client.post(reverse("accounts:switch_membership"), {"membership": foreign.pk})
    assert client.get(reverse("web:home")).context["membership"] == membership


def test_not_found_page_is_plain(signed_in: Any) -> None:
    response = signed_in(make_user("case_manager")).get("/does-not-exist/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Pagina niet gevonden" in page
    assert "Traceback" not in page and "URLconf" not in page


def test_server_error_page_leaks_nothing() -> None:
    response = error_500(RequestFactory().get("/cases/1/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Er is iets misgegaan" in page
    assert "Traceback" not in page and "/cases/1/" not in page


def test_oversized_form_post_is_refused_and_nothing_changes(settings: Any, client: Client) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    user = make_user("case_manager")
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "x" * 5000})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_english_is_available(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page
    client.post(reverse("set_language"), {"language": "nl", "next": "/accounts/login/"})
    assert "Inloggen" in client.get(reverse("accounts:login")).content.decode()


def test_security_headers_and_no_inline_script(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    page = response.content.decode()
    assert "<script>" not in page and "onclick=" not in page


def test_changes_to_people_keep_history_with_the_old_value(signed_in: Any) -> None:
    person = Person.objects.create(first_names="Anna", surname="Jansen")
    person.surname = "de Vries"
    person.save()
    old, new = person.history.order_by("history_id")
    assert old.surname == "Jansen"
    assert new.surname == "de Vries"
    assert not hasattr(new, "bsn_encrypted")  # the BSN never enters the history table


def test_administrator_manages_organisations_in_the_admin() -> None:
    admin_user = make_user("administrator", is_staff=True)
    client = sign_in(Client(), admin_user)
    response = client.post(
        "/admin/accounts/organisation/add/",
        {
            "name": "Wijkteam Noord",
            "type": "social_team",
            "active": "on",
            "teams-TOTAL_FORMS": "1",
            "teams-INITIAL_FORMS": "0",
            "teams-0-name": "Team A",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get("/admin/accounts/organisation/").status_code == 200
    assert client.get("/admin/audit/accesslogentry/").status_code in (403, 404)
    OrganisationFactory()
