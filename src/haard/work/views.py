"""My work: everything due for the user, from every app, most urgent first; and the user's
notifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of
from haard.work import selectors, services
from haard.work.models import Notification


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    if not has_capability(actor_of(request), "view_personal_data"):
        raise PermissionDenied
    today = timezone.localdate()
    groups = selectors.show_work(request=request, today=today)
    unread = Notification.objects.filter(user=actor_of(request), read=False).count()
    return render(
        request,
        "work/my_work.html",
        {"groups": groups, "today": today, "total": sum(len(g.items) for g in groups), "unread": unread},
    )


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    if not has_capability(actor_of(request), "view_personal_data"):
        raise PermissionDenied
    shown = list(Notification.objects.filter(user=actor_of(request))[:100])
    return render(request, "work/notifications.html", {"notifications": shown})


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("notification", "")
    services.mark_read(user=actor_of(request), pk=int(raw) if raw.isdigit() else None)
    return redirect("work:notifications")
