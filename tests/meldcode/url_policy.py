"""Access policy rows of the meldcode pages and API operations for the URL walk."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from haard.intake.models import Report
from tests.meldcode.factories import make_professional, record_at, reported
from tests.security.policy import Spec

# The partner network and the figures show organisations and counts, never a client.
NO_PERSONAL_DATA = {
    "meldcode:record_new",  # the empty form
    "meldcode:network",
    "meldcode:coverage",
    "meldcode:organisation_detail",
    "meldcode:profile_edit",
    "meldcode:activity_new",
    "meldcode:figures",
}


def build(world: Any) -> None:
    professional = make_professional()
    world.extra["meldcode_professional"] = professional
    world.extra["meldcode_open"] = record_at(professional, 2)
    world.extra["meldcode_deciding"] = record_at(professional, 5)
    record = reported(professional)
    world.extra["meldcode_reported"] = record
    world.extra["meldcode_person"] = record.report.people.first()  # type: ignore[union-attr]


def _professional(w: Any) -> Any:
    return w.extra["meldcode_professional"]


def _reported_person(w: Any) -> Any:
    return w.extra["meldcode_person"]


def _no_registered_person(w: Any) -> None:
    # An unreported record's people are not in the register: the entry names the record.
    return None


def _new_record(world: Any) -> str:
    return json.dumps(
        {
            "municipality": world.extra["meldcode_reported"].municipality.code,
            "concern": "Kind vertelt over ruzies",
            "address": {
                "postcode": "7901 AB",
                "house_number": "5",
                "street": "Hoofdstraat",
                "town": "Hoogeveen",
            },
            "people": [{"first_names": "Noor", "surname": "Bakker", "role": "child_in_household"}],
            "signs": "Kind vertelt over harde ruzies.",
            "consulted_colleague": True,
            "consultation_notes": "Collega deelt de zorg.",
            "conversation_held": False,
            "no_conversation_reason": "Zou het kind in gevaar brengen.",
            "risk": 4,
            "weighing_notes": "Acuut.",
            "answers": [{"question": 1, "answer": True}, {"question": 2, "answer": True}],
        }
    )


def _latest_reported_person(w: Any) -> Any:
    return Report.objects.latest("id").people.first()


PAGES = {
    "meldcode:record_list": Spec(
        lambda w: reverse("meldcode:record_list"), _professional, kind="list", shows=_reported_person
    ),
    "meldcode:record_detail": Spec(
        lambda w: reverse("meldcode:record_detail", args=[w.extra["meldcode_reported"].pk]),
        _professional,
        shows=_reported_person,
    ),
    "meldcode:record_edit": Spec(
        lambda w: reverse("meldcode:record_edit", args=[w.extra["meldcode_open"].pk]),
        _professional,
        shows=_no_registered_person,
    ),
    "meldcode:record_step": Spec(
        lambda w: reverse("meldcode:record_step", args=[w.extra["meldcode_open"].pk, 2]),
        _professional,
        shows=_no_registered_person,
    ),
    "meldcode:record_decide": Spec(
        lambda w: reverse("meldcode:record_decide", args=[w.extra["meldcode_deciding"].pk]),
        _professional,
        shows=_no_registered_person,
    ),
    "meldcode:feedback_list": Spec(
        lambda w: reverse("meldcode:feedback_list"), lambda w: w.intake, kind="list", shows=_reported_person
    ),
    "meldcode:feedback_give": Spec(
        lambda w: reverse("meldcode:feedback_give", args=[w.extra["meldcode_reported"].pk]),
        lambda w: w.intake,
        shows=_reported_person,
    ),
}

API = {
    ("GET", "/api/v1/meldcode/records"): Spec(
        lambda w: "/api/v1/meldcode/records", _professional, kind="list", shows=_reported_person
    ),
    ("GET", "/api/v1/meldcode/records/{record_id}"): Spec(
        lambda w: f"/api/v1/meldcode/records/{w.extra['meldcode_reported'].pk}",
        _professional,
        shows=_reported_person,
    ),
    # Any professional files their own records ("list": the outsider's client lacks the scope,
    # 403, and no one is shown anything of others); this one is reported at once (201).
    ("POST", "/api/v1/meldcode/records"): Spec(
        lambda w: "/api/v1/meldcode/records",
        _professional,
        kind="list",
        body=_new_record,
        shows=_latest_reported_person,
    ),
}
