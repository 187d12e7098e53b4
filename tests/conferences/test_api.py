"""The conference API: the conferences you take part in, the agenda with minutes only for the
cases you work on, your actions, and marking done; refused for outsiders and non-owners."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from haard.accounts.models import ApiClient
from haard.accounts.services import issue_api_token
from haard.audit.models import AccessLogEntry
from haard.conferences.models import ActionItem, ActionStatus
from tests.conferences.factories import add_action, add_case, make_conference
from tests.factories import OrganisationFactory, TeamFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(chair: Any, colleague: Any, police: Any, own_case: Any) -> Any:
    conference = make_conference(chair, participants=[colleague, police], cases=[own_case])
    item = conference.agenda_items.get()
    item.minutes = "Minutes for the table"
    item.save()
    add_action(chair, item, colleague, text="Risk assessment")
    add_action(chair, item, police, text="Contact ban")
    return conference


def test_conferences_you_take_part_in(signed_in: Any, police: Any, outsider: Any, conference: Any) -> None:
    listed = signed_in(police).get("/api/v1/conferences/").json()
    assert [c["id"] for c in listed] == [conference.pk]
    assert signed_in(outsider).get("/api/v1/conferences/").json() == []
    detail = signed_in(police).get(f"/api/v1/conferences/{conference.pk}").json()
    assert {p["user"] for p in detail["participants"]} == {
        u.display_name for u in (conference.chair, police, *[p.user for p in conference.participants.all()])
    }
    assert signed_in(outsider).get(f"/api/v1/conferences/{conference.pk}").status_code == 404


def test_the_agenda_shows_minutes_only_to_those_who_work_on_the_case(
    signed_in: Any, colleague: Any, police: Any, outsider: Any, conference: Any, own_case: Any
) -> None:
    url = f"/api/v1/conferences/{conference.pk}/agenda"
    seen = signed_in(colleague).get(url).json()
    assert seen[0]["minutes"] == "Minutes for the table" and seen[0]["minutes_shown"]
    assert {a["description"] for a in seen[0]["actions"]} == {"Risk assessment", "Contact ban"}
    assert set(seen[0]["person_ids"]) == set(own_case.members.values_list("person_id", flat=True))
    hidden = signed_in(police).get(url).json()
    assert hidden[0]["case_reference"] == own_case.reference
    assert hidden[0]["minutes"] is None and hidden[0]["actions"] is None and not hidden[0]["minutes_shown"]
    assert "Minutes for the table" not in json.dumps(hidden)
    assert signed_in(outsider).get(url).status_code == 404


def test_actions_and_marking_done(signed_in: Any, colleague: Any, police: Any, conference: Any) -> None:
    mine = signed_in(police).get("/api/v1/conferences/actions").json()
    assert [a["description"] for a in mine] == ["Contact ban"]
    action = ActionItem.objects.get(owner=police)
    assert signed_in(police).get(f"/api/v1/conferences/actions/{action.pk}").status_code == 200
    other = ActionItem.objects.get(owner=colleague)
    assert signed_in(police).get(f"/api/v1/conferences/actions/{other.pk}").status_code == 404
    done = signed_in(police).post(
        f"/api/v1/conferences/actions/{action.pk}/done",
        json.dumps({"note": "checked"}),
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == ActionStatus.DONE
    assert done.json()["done_by"] == police.display_name
    again = signed_in(police).post(
        f"/api/v1/conferences/actions/{action.pk}/done", "{}", content_type="application/json"
    )
    assert again.status_code == 422 and again["Content-Type"] == "application/problem+json"
    assert signed_in(police).get("/api/v1/conferences/actions?show=done").json()[0]["id"] == action.pk
    assert signed_in(police).get("/api/v1/conferences/actions?show=never").status_code == 422


def test_marking_anothers_action_done_is_refused(
    signed_in: Any, colleague: Any, police: Any, conference: Any
) -> None:
    action = ActionItem.objects.get(owner=police)
    refused = signed_in(colleague).post(
        f"/api/v1/conferences/actions/{action.pk}/done", "{}", content_type="application/json"
    )
    assert refused.status_code == 403
    assert "Only the owner" in refused.json()["detail"]
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_the_outsider_and_api_clients_without_scope(outsider: Any, police: Any, conference: Any) -> None:
    action = ActionItem.objects.get(owner=police)
    client = ApiClient.objects.create(
        name="Politiesysteem", organisation=OrganisationFactory(), user=police, scopes=["people:read"]
    )
    token = issue_api_token(client=client)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/conferences/actions").status_code == 403
    assert (
        api.post(
            f"/api/v1/conferences/actions/{action.pk}/done", "{}", content_type="application/json"
        ).status_code
        == 403
    )
    client.scopes = ["cases:read"]
    client.save()
    assert api.get("/api/v1/conferences/actions").status_code == 200
    assert (
        api.post(
            f"/api/v1/conferences/actions/{action.pk}/done", "{}", content_type="application/json"
        ).status_code
        == 403
    )
    assert Client().get("/api/v1/conferences/").status_code == 401
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert not AccessLogEntry.objects.filter(user=outsider).exists()


def test_api_reads_use_a_fixed_number_of_queries(
    signed_in: Any, chair: Any, colleague: Any, conference: Any
) -> None:
    client = signed_in(chair)
    urls = [
        "/api/v1/conferences/",
        f"/api/v1/conferences/{conference.pk}",
        f"/api/v1/conferences/{conference.pk}/agenda",
        "/api/v1/conferences/actions?show=all",
    ]

    def counts() -> list[int]:
        result = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for index in range(3):
        case = make_case(team=TeamFactory(), people=3, participants=[chair], reference=f"T-A{index}")
        add_action(chair, add_case(chair, conference, case), colleague)
        make_conference(chair, title=f"Other {index}")
    assert counts() == before
