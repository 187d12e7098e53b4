"""The case pages and API operations in the URL walk (tests/security/test_url_walk.py)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from haard.cases import services
from haard.cases.models import Case, FollowUpCheck
from tests.cases.helpers import closed_case, measure
from tests.factories import make_case, make_user
from tests.security.policy import Spec

# Writes without a page of their own (POST only) are walked in tests/cases/test_pages.py.
NO_PERSONAL_DATA: set[str] = set()


def build(world: Any) -> None:
    """A safety plan and a goal on world.case owned by the case manager; a partner in the case
    who can leave and one who can be added; a closed case of the same team in follow-up."""
    cm = world.case_manager
    services.save_safety_plan(actor=cm, case=world.case, base_version=0, measures=[measure(cm, days=2)])
    world.extra["cases_goal"] = services.add_goal(
        actor=cm,
        case=world.case,
        domain="housing",
        description="Urgentieverklaring aanvragen",
        owner=cm,
        due_on=timezone.localdate() + timedelta(days=20),
    )
    partner = make_user("case_manager")
    world.extra["cases_participant"] = services.add_participant(actor=cm, case=world.case, user=partner)
    world.extra["cases_newcomer"] = make_user("case_manager")
    closed = make_case(team=world.case.owning_team, people=2, participants=[cm], reference="T-CLOSED")
    closed = closed_case(closed, cm, on=timezone.localdate() - timedelta(days=95))
    world.extra["cases_closed"] = closed
    world.extra["cases_check"] = FollowUpCheck.objects.filter(case=closed).order_by("due_on").first()


def _case(w: Any) -> int:
    return int(w.case.pk)


def _closed_person(w: Any) -> Any:
    return w.extra["cases_closed"].members.first().person


def _closed(w: Any) -> Case:
    return w.extra["cases_closed"]


PAGES = {
    "cases:case_status": Spec(
        lambda w: reverse("cases:case_status", args=[_case(w)]), lambda w: w.case_manager
    ),
    "cases:case_lead": Spec(lambda w: reverse("cases:case_lead", args=[_case(w)]), lambda w: w.case_manager),
    "cases:participant_add": Spec(
        lambda w: reverse("cases:participant_add", args=[_case(w)]), lambda w: w.case_manager
    ),
    "cases:participant_leave": Spec(
        lambda w: reverse("cases:participant_leave", args=[_case(w), w.extra["cases_participant"].pk]),
        lambda w: w.case_manager,
    ),
    "cases:goal_add": Spec(lambda w: reverse("cases:goal_add", args=[_case(w)]), lambda w: w.case_manager),
    "cases:goal_update": Spec(
        lambda w: reverse("cases:goal_update", args=[_case(w), w.extra["cases_goal"].pk]),
        lambda w: w.case_manager,
    ),
    "cases:note_add": Spec(lambda w: reverse("cases:note_add", args=[_case(w)]), lambda w: w.case_manager),
    "cases:plan_edit": Spec(lambda w: reverse("cases:plan_edit", args=[_case(w)]), lambda w: w.case_manager),
    "cases:plan_versions": Spec(
        lambda w: reverse("cases:plan_versions", args=[_case(w)]), lambda w: w.case_manager
    ),
    "cases:plan_version": Spec(
        lambda w: reverse("cases:plan_version", args=[_case(w), 1]), lambda w: w.case_manager
    ),
    "cases:plan_pdf": Spec(lambda w: reverse("cases:plan_pdf", args=[_case(w)]), lambda w: w.case_manager),
    "cases:agreement_add": Spec(
        lambda w: reverse("cases:agreement_add", args=[_case(w)]), lambda w: w.case_manager
    ),
    "cases:follow_up_record": Spec(
        lambda w: reverse("cases:follow_up_record", args=[_closed(w).pk, w.extra["cases_check"].pk]),
        lambda w: w.case_manager,
        shows=_closed_person,
    ),
}


def _plan_body(w: Any) -> str:
    return json.dumps(
        {
            "base_version": services.current_version_number(w.case),
            "measures": [
                {
                    "term": "this_week",
                    "description": "Vader verblijft bij zijn broer",
                    "owner_id": w.case_manager.pk,
                    "deadline": (timezone.localdate() + timedelta(days=5)).isoformat(),
                }
            ],
        }
    )


def _goal_body(w: Any) -> str:
    return json.dumps(
        {
            "domain": "finances",
            "description": "Schuldhulp aanvragen",
            "owner_id": w.case_manager.pk,
            "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        }
    )


API = {
    ("POST", "/api/v1/cases/{case_id}/status"): Spec(
        lambda w: f"/api/v1/cases/{_case(w)}/status",
        lambda w: w.case_manager,
        body=lambda w: json.dumps({"status": "monitoring", "reason": "Voorwaarden afgesproken"}),
    ),
    ("POST", "/api/v1/cases/{case_id}/participants"): Spec(
        lambda w: f"/api/v1/cases/{_case(w)}/participants",
        lambda w: w.case_manager,
        body=lambda w: json.dumps({"user_id": w.extra["cases_newcomer"].pk}),
    ),
    ("POST", "/api/v1/cases/{case_id}/participants/{participant_id}/leave"): Spec(
        lambda w: f"/api/v1/cases/{_case(w)}/participants/{w.extra['cases_participant'].pk}/leave",
        lambda w: w.case_manager,
        body=lambda w: "{}",
    ),
    ("GET", "/api/v1/cases/{case_id}/plan"): Spec(
        lambda w: f"/api/v1/cases/{_case(w)}/plan", lambda w: w.case_manager
    ),
    ("GET", "/api/v1/cases/{case_id}/plan/versions/{number}"): Spec(
        lambda w: f"/api/v1/cases/{_case(w)}/plan/versions/1", lambda w: w.case_manager
    ),
    ("PUT", "/api/v1/cases/{case_id}/plan"): Spec(
        lambda w: f"/api/v1/cases/{_case(w)}/plan", lambda w: w.case_manager, body=_plan_body
    ),
    ("GET", "/api/v1/cases/{case_id}/goals"): Spec(
        lambda w: f"/api/v1/cases/{_case(w)}/goals", lambda w: w.case_manager
    ),
    ("POST", "/api/v1/cases/{case_id}/goals"): Spec(
        lambda w: f"/api/v1/cases/{_case(w)}/goals", lambda w: w.case_manager, body=_goal_body
    ),
    ("PATCH", "/api/v1/cases/{case_id}/goals/{goal_id}"): Spec(
        lambda w: f"/api/v1/cases/{_case(w)}/goals/{w.extra['cases_goal'].pk}",
        lambda w: w.case_manager,
        body=lambda w: json.dumps({"status": "done"}),
    ),
    ("GET", "/api/v1/cases/{case_id}/follow-ups"): Spec(
        lambda w: f"/api/v1/cases/{_closed(w).pk}/follow-ups", lambda w: w.case_manager, shows=_closed_person
    ),
    ("POST", "/api/v1/cases/{case_id}/follow-ups/{check_id}"): Spec(
        lambda w: f"/api/v1/cases/{_closed(w).pk}/follow-ups/{w.extra['cases_check'].pk}",
        lambda w: w.case_manager,
        body=lambda w: json.dumps({"family_safe": True, "notes": "Rustig thuis"}),
        shows=_closed_person,
    ),
}
