"""The triage pages and API operations in the URL walk (tests/security/test_url_walk.py)."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from haard.accounts.models import OrganisationType
from tests.factories import OrganisationFactory, PersonFactory
from tests.security.policy import Spec
from tests.triage.factories import acute, assessed_report, assessor, hand_over, none_found, social_team_worker

# A write that redirects; it refuses (403/404) a report the user may not assess.
NO_PERSONAL_DATA = {"triage:assessment_start"}


def build(world: Any) -> None:
    """About world.person: two hand-overs waiting for a social team and an acute assessment
    waiting for a second expert; about two other people: a finished assessment waiting for its
    route and an open one."""
    first, second = assessor(), assessor()
    social = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM)
    receiver = social_team_worker(social)
    household = world.case.household
    handovers = []
    for _ in range(2):
        report, assessment = assessed_report(people=[world.person], household=household)
        none_found(assessment, first)
        handovers.append(hand_over(assessment, first, to=social))
    report, waiting = assessed_report(people=[world.person], household=household)
    acute(waiting, first)
    routing_person, open_person = PersonFactory(), PersonFactory()
    _r, routing = assessed_report(people=[routing_person])
    none_found(routing, first)
    _r, still_open = assessed_report(people=[open_person])
    world.extra.update(
        triage_assessor=first,
        triage_second=second,
        triage_receiver=receiver,
        triage_report=report,
        triage_waiting=waiting,
        triage_routing=routing,
        triage_routing_person=routing_person,
        triage_open=still_open,
        triage_open_person=open_person,
        triage_handovers=handovers,
    )


def _x(world: Any, key: str) -> Any:
    return world.extra[f"triage_{key}"]


PAGES = {
    "triage:assessment_list": Spec(
        lambda w: reverse("triage:assessment_list") + "?show=all", lambda w: _x(w, "assessor"), kind="list"
    ),
    "triage:report_clock": Spec(
        lambda w: reverse("triage:report_clock", args=[_x(w, "report").pk]), lambda w: _x(w, "assessor")
    ),
    "triage:assessment_detail": Spec(
        lambda w: reverse("triage:assessment_detail", args=[_x(w, "waiting").pk]), lambda w: _x(w, "assessor")
    ),
    "triage:assessment_confirm": Spec(
        lambda w: reverse("triage:assessment_confirm", args=[_x(w, "waiting").pk]), lambda w: _x(w, "second")
    ),
    "triage:assessment_route": Spec(
        lambda w: reverse("triage:assessment_route", args=[_x(w, "routing").pk]),
        lambda w: _x(w, "assessor"),
        shows=lambda w: _x(w, "routing_person"),
    ),
    "triage:handover_inbox": Spec(
        lambda w: reverse("triage:handover_inbox"), lambda w: _x(w, "receiver"), kind="list"
    ),
    "triage:handover_detail": Spec(
        lambda w: reverse("triage:handover_detail", args=[_x(w, "handovers")[0].pk]),
        lambda w: _x(w, "receiver"),
    ),
}

API = {
    ("GET", "/api/v1/assessments/"): Spec(
        lambda w: "/api/v1/assessments/?show=all", lambda w: _x(w, "assessor"), kind="list"
    ),
    ("GET", "/api/v1/assessments/{assessment_id}"): Spec(
        lambda w: f"/api/v1/assessments/{_x(w, 'waiting').pk}", lambda w: _x(w, "assessor")
    ),
    ("POST", "/api/v1/assessments/{assessment_id}/answers"): Spec(
        lambda w: f"/api/v1/assessments/{_x(w, 'open').pk}/answers",
        lambda w: _x(w, "assessor"),
        body=lambda w: json.dumps({"answers": {"acute-danger": "no"}}),
        shows=lambda w: _x(w, "open_person"),
    ),
    ("POST", "/api/v1/assessments/{assessment_id}/confirm"): Spec(
        lambda w: f"/api/v1/assessments/{_x(w, 'waiting').pk}/confirm",
        lambda w: _x(w, "second"),
        body=lambda w: json.dumps({"agree": True}),
    ),
    ("POST", "/api/v1/assessments/{assessment_id}/route"): Spec(
        lambda w: f"/api/v1/assessments/{_x(w, 'routing').pk}/route",
        lambda w: _x(w, "assessor"),
        body=lambda w: json.dumps(
            {"route": "investigation", "reason": "Twijfel", "investigation_reason": "doubt"}
        ),
        shows=lambda w: _x(w, "routing_person"),
    ),
    ("GET", "/api/v1/assessments/handovers/"): Spec(
        lambda w: "/api/v1/assessments/handovers/", lambda w: _x(w, "receiver"), kind="list"
    ),
    ("GET", "/api/v1/assessments/handovers/{handover_id}"): Spec(
        lambda w: f"/api/v1/assessments/handovers/{_x(w, 'handovers')[0].pk}", lambda w: _x(w, "receiver")
    ),
    ("POST", "/api/v1/assessments/handovers/{handover_id}/accept"): Spec(
        lambda w: f"/api/v1/assessments/handovers/{_x(w, 'handovers')[0].pk}/accept",
        lambda w: _x(w, "receiver"),
        body=lambda w: json.dumps({}),
    ),
    ("POST", "/api/v1/assessments/handovers/{handover_id}/refuse"): Spec(
        lambda w: f"/api/v1/assessments/handovers/{_x(w, 'handovers')[1].pk}/refuse",
        lambda w: _x(w, "receiver"),
        body=lambda w: json.dumps({"reason": "Geen plek"}),
    ),
}
