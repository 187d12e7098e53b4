"""Two factors for every role that sees personal data; the Django admin only for
verified administrators; the idle timeout of a session."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from haard.accounts.services import is_verified, requires_two_factor

# Pages a signed-in user without a verified second factor may still reach.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/api/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not is_verified(user)
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.path.startswith(reverse("accounts:login"))
            and requires_two_factor(user)
        ):
            allowed = {
                reverse("accounts:verify"),
                reverse("accounts:enrol"),
                reverse("accounts:logout"),
            }
            if request.path not in allowed:
                if request.headers.get("HX-Request"):
                    return JsonResponse({"detail": "second factor required"}, status=401)
                return redirect("accounts:verify")
        return self.get_response(request)


class AdminGateMiddleware:
    """Regular users never see that there is an admin: they get a plain 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/"):
            user = request.user
            if not (user.is_authenticated and user.is_staff and is_verified(user)):
                raise Http404
        return self.get_response(request)


SESSION_TOUCHED_KEY = "haard_touched"
TOUCH_EVERY_SECONDS = 60


class SessionIdleMiddleware:
    """The idle timeout (HAARD_SESSION_IDLE_MINUTES) without a database write on every request.

    A session expires SESSION_COOKIE_AGE after it was last saved. Instead of saving on every
    request, a session in use is saved when it changed or when its last save is a minute old or
    more, so it ends between one minute less than the idle period and the idle period after the
    last request. A session that holds nothing (a visitor who never signed in) is not created.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = timezone.now().timestamp()
        touched = session.get(SESSION_TOUCHED_KEY, 0)
        if session.modified or not isinstance(touched, int | float) or now - touched >= TOUCH_EVERY_SECONDS:
            session[SESSION_TOUCHED_KEY] = int(now)
        return response
