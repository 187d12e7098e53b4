"""Sign-in with password and second factor, enrolment, backup codes, sign-out."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from haard.accounts import services
from haard.accounts.api_support import actor_of
from haard.accounts.forms import LoginForm, SwitchMembershipForm, TokenForm
from haard.accounts.selectors import SESSION_MEMBERSHIP_KEY, memberships_of

MAX_CODE_FAILURES = 5
_FAILURES_KEY = "haard_code_failures"
NEXT_SESSION_KEY = "haard_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = auth.authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            # One message for unknown user and wrong password: nothing to learn from it.
            form.add_error(None, _("The username or password is not correct."))
        else:
            next_url = _safe_next(request, request.GET.get("next"))
            auth.login(request, user)
            if next_url:
                request.session[NEXT_SESSION_KEY] = next_url
            if services.requires_two_factor(user):
                return redirect("accounts:verify")
            return redirect(next_url or "web:home")
    sso = settings.HAARD_SSO
    context = {
        "form": form,
        "sso_provider_name": sso.provider_name if sso else None,
        "next": _safe_next(request, request.GET.get("next")),
    }
    return render(request, "accounts/login.html", context)


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """Shown by django-axes after too many failed attempts for a username."""
    return render(request, "accounts/locked_out.html", status=429)


@login_required
@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    if services.is_verified(user):
        return redirect("web:home")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            request.session.pop(_FAILURES_KEY, None)
            return redirect(request.session.pop(NEXT_SESSION_KEY, None) or "web:home")
        failures = request.session.get(_FAILURES_KEY, 0) + 1
        if failures >= MAX_CODE_FAILURES:
            auth.logout(request)
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("accounts:login")
        request.session[_FAILURES_KEY] = failures
        form.add_error("token", _("This code is not correct, or it has been used already."))
    return render(request, "accounts/verify.html", {"form": form})


@login_required
@never_cache
def enrol_view(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    try:
        device = services.start_totp_enrolment(user=user)
    except services.AccessRefusedError:
        return redirect("accounts:verify")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = services.confirm_totp_enrolment(user=user, token=form.cleaned_data["token"])
        if confirmed is not None:
            otp_login(request, confirmed)
            codes = services.regenerate_backup_codes(user=user)
            return render(request, "accounts/backup_codes.html", {"codes": codes, "first_time": True})
        form.add_error("token", _("This code is not correct. Check the time on your phone and try again."))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5, dark="#000", light="#fff", omitsize=True),
            "secret": _base32(device.bin_key),
        },
    )


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")


@login_required
@require_POST
def backup_codes_view(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    if not services.is_verified(user):
        return redirect("accounts:verify")
    codes = services.regenerate_backup_codes(user=user)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "first_time": False})


@login_required
def security_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/security.html", {"memberships": memberships_of(user=actor_of(request))})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


@login_required
@require_POST
def logout_everywhere_view(request: HttpRequest) -> HttpResponse:
    services.logout_everywhere(user=actor_of(request))
    auth.logout(request)
    messages.info(request, _("You have been signed out on every device."))
    return redirect("accounts:login")


@login_required
@require_POST
def switch_membership_view(request: HttpRequest) -> HttpResponse:
    form = SwitchMembershipForm(request.POST)
    if form.is_valid():
        wanted = form.cleaned_data["membership"]
        if any(m.pk == wanted for m in memberships_of(user=actor_of(request))):
            request.session[SESSION_MEMBERSHIP_KEY] = wanted
    return redirect("web:home")
