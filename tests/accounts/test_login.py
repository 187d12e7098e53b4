"""Signing in: password, second factor (enrolment, backup codes, reuse), lockout, sessions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from haard.accounts.models import User
from tests.factories import TEST_PASSWORD, give_totp, make_user

pytestmark = pytest.mark.django_db


def _password_login(client: Client, username: str, password: str = TEST_PASSWORD) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def test_password_then_code_reaches_home(client: Client) -> None:
    user = make_user("intake_worker")
    device = give_totp(user)
    response = _password_login(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    # Without the second factor, nothing else opens.
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:verify")
    response = client.post(reverse("accounts:verify"), {"token": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_message(client: Client) -> None:
    user = make_user("intake_worker")
    wrong = _password_login(client, user.username, "not the password")
    unknown = _password_login(client, "nobody-here", "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "gebruikersnaam of het wachtwoord is niet juist" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_code_is_refused_and_a_used_code_cannot_be_reused(client: Client, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling is tested on its own below
    user = make_user("case_manager")
    device = give_totp(user)
    _password_login(client, user.username)
    response = client.post(
        reverse("accounts:verify"), {"token": "000000" if _code(device) != "000000" else "111111"}
    )
    assert response.status_code == 200
    assert "niet juist" in response.content.decode()
    code = _code(device)
    assert client.post(reverse("accounts:verify"), {"token": code}).status_code == 302
    # A second browser with the same password and the same code is refused.
    other = Client()
    _password_login(other, user.username)
    response = other.post(reverse("accounts:verify"), {"token": code})
    assert response.status_code == 200
    assert other.get(reverse("web:home")).status_code == 302


def test_wrong_codes_throttle_the_device(client: Client) -> None:
    user = make_user("case_manager")
    device = give_totp(user)
    _password_login(client, user.username)
    client.post(reverse("accounts:verify"), {"token": "000000" if _code(device) != "000000" else "111111"})
    # Straight after a wrong code even the right one is refused: guessing is slowed down.
    assert client.post(reverse("accounts:verify"), {"token": _code(device)}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_too_many_wrong_codes_sign_the_user_out(client: Client) -> None:
    user = make_user("case_manager")
    give_totp(user)
    _password_login(client, user.username)
    for _ in range(5):
        response = client.post(reverse("accounts:verify"), {"token": "12345"})
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_first_login_enrols_an_authenticator_and_gives_backup_codes(client: Client) -> None:
    user = make_user("safety_assessor")
    response = _password_login(client, user.username)
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:enrol")
    page = response.content.decode()
    assert "<svg" in page  # QR code, inline, no script
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:enrol"), {"token": _code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    # A backup code works once in a new session.
    other = Client()
    _password_login(other, user.username)
    assert other.post(reverse("accounts:verify"), {"token": codes[0]}).status_code == 302
    again = Client()
    _password_login(again, user.username)
    assert again.post(reverse("accounts:verify"), {"token": codes[0]}).status_code == 200
    assert StaticDevice.objects.get(user=user).token_set.count() == 9


def test_enrolment_is_closed_once_an_authenticator_exists(client: Client) -> None:
    user = make_user("case_manager")
    give_totp(user)
    _password_login(client, user.username)
    assert client.get(reverse("accounts:enrol"))["Location"] == reverse("accounts:verify")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_policy_officer_needs_no_second_factor(client: Client) -> None:
    user = make_user("policy_officer")
    response = _password_login(client, user.username)
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_lockout_after_repeated_failures(client: Client, settings: Any) -> None:
    user = make_user("intake_worker")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_login(client, user.username, "wrong")
    response = _password_login(client, user.username)  # even the right password
    assert response.status_code == 429
    assert "tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_everywhere_ends_other_sessions(signed_in: Any) -> None:
    user = make_user("case_manager")
    first, second = signed_in(user), signed_in(user)
    assert second.get(reverse("web:home")).status_code == 200
    first.post(reverse("accounts:logout_everywhere"))
    assert second.get(reverse("web:home")).status_code == 302
    assert first.get(reverse("web:home")).status_code == 302


def test_logout_needs_post(signed_in: Any) -> None:
    client = signed_in(make_user("case_manager"))
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


def test_tampered_session_cookie_is_treated_as_signed_out(signed_in: Any, settings: Any) -> None:
    client = signed_in(make_user("case_manager"))
    client.cookies[settings.SESSION_COOKIE_NAME] = (
        client.cookies[settings.SESSION_COOKIE_NAME].value[:-4] + "abcd"
    )
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_session_expires_after_inactivity(signed_in: Any, settings: Any) -> None:
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = signed_in(make_user("case_manager"))
    assert client.get(reverse("web:home")).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    session = Session.objects.get(session_key=key)
    idle = timezone.now() - session.expire_date + (session.expire_date - timezone.now())
    assert abs(idle.total_seconds()) < 5  # sanity: expiry moves with each request
    assert (session.expire_date - timezone.now()).total_seconds() <= settings.HAARD_SESSION_IDLE_MINUTES * 60
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get(reverse("web:home")).status_code == 302


def test_the_idle_expiry_moves_once_a_minute_not_on_every_request(
    signed_in: Any, settings: Any, frozen: Any
) -> None:
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    start = frozen(timezone.now())
    client = signed_in(make_user("case_manager"))
    assert client.get(reverse("web:home")).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    first = Session.objects.get(session_key=key).expire_date
    frozen(start + timedelta(seconds=30))
    assert client.get(reverse("web:home")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == first  # not written again
    frozen(start + timedelta(seconds=61))
    assert client.get(reverse("web:home")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == first + timedelta(seconds=61)


def test_a_visitor_who_is_not_signed_in_gets_no_session(client: Client) -> None:
    from django.contrib.sessions.models import Session

    assert client.get(reverse("accounts:login")).status_code == 200
    assert not Session.objects.exists()


def test_admin_is_invisible_to_regular_users(signed_in: Any, client: Client) -> None:
    assert client.get("/admin/").status_code == 404
    regular = signed_in(make_user("case_manager"))
    assert regular.get("/admin/").status_code == 404
    admin_user = make_user("administrator", is_staff=True)
    assert signed_in(admin_user).get("/admin/").status_code == 200


def test_staff_must_verify_before_admin(client: Client) -> None:
    admin_user: User = make_user("administrator", is_staff=True)
    give_totp(admin_user)
    _password_login(client, admin_user.username)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")


def test_open_redirect_after_login_is_refused(client: Client) -> None:
    user = make_user("policy_officer")
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": user.username, "password": TEST_PASSWORD},
    )
    assert response["Location"] == reverse("web:home")
