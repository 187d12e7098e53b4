"""Navigation for the base layout: what the acting role may reach."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from haard.accounts.access import capabilities
from haard.accounts.selectors import acting_membership, request_memberships
from haard.accounts.services import is_verified

# (capabilities, url name, label): a menu item is shown when the role grants any of them.
# Apps add their own items with a `menu` attribute on their AppConfig, in the same shape; they
# follow these in the order of INSTALLED_APPS.
MENU: list[tuple[tuple[str, ...], str, Any]] = [
    (("register_reports", "send_police_reports", "file_meldcode"), "intake:report_list", _("Reports")),
    (("search_people",), "registry:person_search", _("People")),
    (("search_people",), "registry:match_queue", _("Possible matches")),
    (("view_cases",), "cases:case_list", _("Cases")),
    (("view_access_log",), "audit:log_search", _("Access log")),
    (("review_emergency_access",), "audit:emergency_review", _("Emergency access review")),
]


def menu() -> list[tuple[tuple[str, ...], str, Any]]:
    return MENU + [item for config in apps.get_app_configs() for item in getattr(config, "menu", ())]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = request_memberships(request)
    needs_second_factor = user.is_staff or any(m.role.sees_personal_data for m in memberships)
    if needs_second_factor and not is_verified(user):
        return {}
    caps = capabilities(user)
    urls = [(reverse(name), label) for needed, name, label in menu() if caps.intersection(needed)]
    items = [{"url": url, "label": label, "current": request.path.startswith(url)} for url, label in urls]
    return {
        "nav_items": items,
        "acting_membership": acting_membership(request),
        "all_memberships": memberships,
    }
