"""The conference pages and API operations in the URL walk (tests/security/test_url_walk.py)."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from tests.conferences.factories import add_action, make_conference
from tests.security.test_url_walk import Spec

# Titles, dates, chairs and the professionals at the table: no data of clients.
NO_PERSONAL_DATA = {
    "conferences:conference_list",
    "conferences:conference_create",
    "conferences:conference_edit",
    "conferences:participants",
    "conferences:participant_remove",
}
API_NO_PERSONAL_DATA = {
    ("GET", "/api/v1/conferences/"),
    ("GET", "/api/v1/conferences/{conference_id}"),
}


def build(world: Any) -> None:
    """A conference chaired by the case manager with world.case on the agenda and an action
    the case manager owns."""
    conference = make_conference(world.case_manager, cases=[world.case], title="Walk")
    item = conference.agenda_items.get()
    world.extra["conference"] = conference
    world.extra["agenda_item"] = item
    world.extra["action"] = add_action(world.case_manager, item, world.case_manager)


def _pk(world: Any, key: str) -> int:
    return world.extra[key].pk


PAGES = {
    "conferences:conference_detail": Spec(
        lambda w: reverse("conferences:conference_detail", args=[_pk(w, "conference")]),
        lambda w: w.case_manager,
    ),
    "conferences:agenda": Spec(
        lambda w: reverse("conferences:agenda", args=[_pk(w, "conference")]), lambda w: w.case_manager
    ),
    "conferences:agenda_item": Spec(
        lambda w: reverse("conferences:agenda_item", args=[_pk(w, "agenda_item")]), lambda w: w.case_manager
    ),
    "conferences:action_list": Spec(
        lambda w: reverse("conferences:action_list"), lambda w: w.case_manager, kind="list"
    ),
    "conferences:action_detail": Spec(
        lambda w: reverse("conferences:action_detail", args=[_pk(w, "action")]), lambda w: w.case_manager
    ),
}

API = {
    ("GET", "/api/v1/conferences/{conference_id}/agenda"): Spec(
        lambda w: f"/api/v1/conferences/{_pk(w, 'conference')}/agenda", lambda w: w.case_manager
    ),
    ("GET", "/api/v1/conferences/actions"): Spec(
        lambda w: "/api/v1/conferences/actions", lambda w: w.case_manager, kind="list"
    ),
    ("GET", "/api/v1/conferences/actions/{action_id}"): Spec(
        lambda w: f"/api/v1/conferences/actions/{_pk(w, 'action')}", lambda w: w.case_manager
    ),
    ("POST", "/api/v1/conferences/actions/{action_id}/done"): Spec(
        lambda w: f"/api/v1/conferences/actions/{_pk(w, 'action')}/done",
        lambda w: w.case_manager,
        body=lambda w: json.dumps({"note": "Done at the walk"}),
    ),
}
