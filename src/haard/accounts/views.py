"""Sign-in with password and second factor, enrolment, backup codes, sign-out."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import segno
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from haard.accounts import services, sso
from haard.accounts.api_support import actor_of
from haard.accounts.forms import LoginForm, SwitchMembershipForm, TokenForm
from haard.accounts.selectors import SESSION_MEMBERSHIP_KEY, memberships_of

logger = logging.getLogger(__name__)

MAX_CODE_FAILURES = 5
_FAILURES_KEY = "haard_code_failures"
NEXT_SESSION_KEY = "haard_next"
# The `state` of a sign-out at the identity provider, kept in the signed-out session until the
# provider sends the browser back to the sign-in page.
SIGN_OUT_STATE_KEY = "haard_sso_sign_out_state"


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
    if request.method == "GET" and "state" in request.GET:
        return _back_from_provider_sign_out(request)
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


def _sign_out(request: HttpRequest, message: str) -> HttpResponse:
    """End haard's session. A session that started through single sign-on then goes on to the
    provider's end-session endpoint (OpenID Connect RP-Initiated Logout), or, when there is
    none, the sign-in page says that the session at the provider is still open."""
    user_id = request.user.pk
    state = secrets.token_urlsafe(32)
    at_provider = sso.provider_sign_out(
        config=settings.HAARD_SSO,
        record=request.session.get(sso.SESSION_KEY),
        post_logout_redirect_uri=request.build_absolute_uri(reverse("accounts:login")),
        state=state,
    )
    auth.logout(request)
    messages.info(request, message)
    if at_provider is None:
        return redirect("accounts:login")
    logger.info("sso sign-out user_id=%s at_provider=%s", user_id, bool(at_provider.url))
    if not at_provider.url:
        messages.warning(
            request,
            _(
                "You have signed out of haard, but not of %(provider)s. "
                "On a shared computer, sign out at %(provider)s as well."
            )
            % {"provider": at_provider.provider_name},
        )
        return redirect("accounts:login")
    request.session[SIGN_OUT_STATE_KEY] = state
    # A page rather than a redirect: the Content Security Policy (form-action 'self') stops a
    # form's redirect to another site, and the page also works where automatic forwarding is off.
    return render(
        request,
        "accounts/sso_sign_out.html",
        {"provider_name": at_provider.provider_name, "end_session_url": at_provider.url},
    )


def _back_from_provider_sign_out(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here after its sign-out, with the `state` it was
    given; only that state confirms that the provider signed the user out."""
    expected = request.session.pop(SIGN_OUT_STATE_KEY, None)
    config = settings.HAARD_SSO
    if (
        config is not None
        and isinstance(expected, str)
        and constant_time_compare(request.GET["state"], expected)
    ):
        messages.info(
            request, _("%(provider)s has signed you out as well.") % {"provider": config.provider_name}
        )
    return redirect("accounts:login")


@require_POST
@never_cache
def logout_view(request: HttpRequest) -> HttpResponse:
    return _sign_out(request, _("You have signed out."))


@login_required
@require_POST
@never_cache
def logout_everywhere_view(request: HttpRequest) -> HttpResponse:
    services.logout_everywhere(user=actor_of(request))
    return _sign_out(request, _("You have been signed out on every device."))


@login_required
@require_POST
def switch_membership_view(request: HttpRequest) -> HttpResponse:
    form = SwitchMembershipForm(request.POST)
    if form.is_valid():
        wanted = form.cleaned_data["membership"]
        if any(m.pk == wanted for m in memberships_of(user=actor_of(request))):
            request.session[SESSION_MEMBERSHIP_KEY] = wanted
    return redirect("web:home")
