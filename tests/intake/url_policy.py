"""Access policy rows of the intake pages and API operations for the URL walk."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from tests.intake.factories import make_report
from tests.security.policy import Spec

NO_PERSONAL_DATA = {
    "intake:report_new",  # the empty form; what it shows of people goes through the history/suggest
    "intake:saved_view_save",
    "intake:saved_view_delete",
    "intake:attachment_add",  # a write that redirects; refuses (404) a report the user may not see
}


def build(world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from haard.intake.services import add_attachment

    report = make_report(actor=world.intake, people=[world.person])
    world.extra["report"] = report
    png = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    world.extra["attachment"] = add_attachment(actor=world.intake, report=report, upload=png)


def _new_report(world: Any) -> str:
    return json.dumps(
        {
            "kind": "report",
            "source": "phone_line",
            "municipality": world.case.municipality.code,
            "people": [{"person_id": world.person.pk, "role": "victim"}],
            "violence_types": ["physical"],
        }
    )


API = {
    ("GET", "/api/v1/reports/"): Spec(lambda w: "/api/v1/reports/", lambda w: w.intake, kind="list"),
    ("GET", "/api/v1/reports/{report_id}"): Spec(
        lambda w: f"/api/v1/reports/{w.extra['report'].pk}", lambda w: w.intake
    ),
    # The outsider's client lacks the scope (403); the allowed user gets the new report (201).
    ("POST", "/api/v1/reports/"): Spec(lambda w: "/api/v1/reports/", lambda w: w.intake, body=_new_report),
}

PAGES = {
    "intake:report_list": Spec(lambda w: reverse("intake:report_list"), lambda w: w.intake, kind="list"),
    "intake:report_detail": Spec(
        lambda w: reverse("intake:report_detail", args=[w.extra["report"].pk]), lambda w: w.intake
    ),
    "intake:attachment_download": Spec(
        lambda w: reverse(
            "intake:attachment_download", args=[w.extra["report"].pk, w.extra["attachment"].pk]
        ),
        lambda w: w.intake,
    ),
    "intake:history": Spec(
        lambda w: reverse("intake:history") + f"?person={w.person.pk}", lambda w: w.intake, kind="list"
    ),
}
