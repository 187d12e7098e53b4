"""Shared fixtures: the three people of every access test (owner, colleague, outsider), a
client signed in with a verified second factor, and PostgreSQL test-database housekeeping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db.backends.signals import connection_created
from django.test import Client
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY

from haard.accounts.models import Team, User
from tests.factories import TeamFactory, give_totp, make_case, make_user


def _allow_truncate_in_tests(sender: Any, connection: Any, **kwargs: Any) -> None:
    # The access-log trigger refuses TRUNCATE; the test runner empties its own test database
    # between transactional tests, and only it sets this.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET haard.allow_log_truncate = 'on'")


connection_created.connect(_allow_truncate_in_tests)


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english(settings: Any) -> Iterator[None]:
    """Pages and messages in English: a package whose tests read the source texts uses this
    from an autouse fixture of its conftest."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def frozen(monkeypatch: Any) -> Callable[[datetime], datetime]:
    """`frozen(moment)` fixes `timezone.now()` (and so `timezone.localdate()`, every default
    date and every clock) at `moment`; a naive moment is taken in the project's time zone.
    The frozen clock answers in UTC, as Django's does: code that takes the day or the year of
    a moment without converting it to the region's time zone first fails here as it would at
    night in production."""

    def freeze(moment: datetime) -> datetime:
        aware = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        in_utc = aware.astimezone(UTC)
        monkeypatch.setattr(timezone, "now", lambda: in_utc)
        return in_utc

    return freeze


def sign_in(client: Client, user: User) -> Client:
    """Sign the client in as `user` with a verified second factor."""
    device = user.totpdevice_set.filter(confirmed=True).first() or give_totp(user)
    client.force_login(user, backend="haard.accounts.backends.MembershipBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        return sign_in(Client(), user)

    return make


@pytest.fixture
def team(db: None) -> Team:
    return TeamFactory()


@pytest.fixture
def case_manager(team: Team) -> User:
    return make_user("case_manager", team=team, username="regisseur")


@pytest.fixture
def outsider(db: None) -> User:
    """Logged in, a role that sees personal data, and no relation to anything."""
    return make_user("case_manager", username="buitenstaander")


@pytest.fixture
def own_case(team: Team, case_manager: User) -> Any:
    return make_case(team=team, people=3, participants=[case_manager], reference="T-OWN")


@pytest.fixture
def other_case(db: None) -> Any:
    return make_case(team=TeamFactory(), people=2, reference="T-OTHER")


# The browser fixtures live in one place for every package's browser tests: one Chromium per
# test session (a second Playwright instance in the same process would fail).
from tests.browser import browser, page, page_log, playwright_instance  # noqa: E402, F401
