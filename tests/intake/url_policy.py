"""Access policy rows of the intake pages and API operations for the URL walk."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.intake.factories import make_report
from tests.security.policy import Spec

NO_PERSONAL_DATA = {
    "intake:report_new",  # the empty form; what it shows of people goes through the history/suggest
    "intake:saved_view_save",
    "intake:saved_view_delete",
}


def build(world: Any) -> None:
    world.extra["report"] = make_report(actor=world.intake, people=[world.person])


PAGES = {
    "intake:report_list": Spec(lambda w: reverse("intake:report_list"), lambda w: w.intake, kind="list"),
    "intake:report_detail": Spec(
        lambda w: reverse("intake:report_detail", args=[w.extra["report"].pk]), lambda w: w.intake
    ),
    "intake:history": Spec(
        lambda w: reverse("intake:history") + f"?person={w.person.pk}", lambda w: w.intake, kind="list"
    ),
}
