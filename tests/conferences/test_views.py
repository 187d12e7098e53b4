"""The conference pages: what the chair, a participant, a participant who does not work on the
case, and an outsider see; forms that name the field in error; the access log; query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haard.audit.models import AccessLogEntry
from haard.conferences import services
from haard.conferences.models import (
    ActionItem,
    ActionStatus,
    AgendaCriterion,
    AgendaItem,
    Conference,
    ConferenceParticipant,
    Decision,
    SharingBasis,
)
from tests.conferences.factories import add_action, add_case, make_conference, organisation_of
from tests.factories import TeamFactory, make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(chair: Any, colleague: Any, police: Any, own_case: Any) -> Conference:
    conference = make_conference(chair, participants=[colleague, police], cases=[own_case])
    item = conference.agenda_items.get()
    item.minutes = "Secret minutes about the family"
    item.save()
    add_action(chair, item, colleague, text="Repeat the risk assessment")
    add_action(chair, item, police, text="Check the contact ban")
    return conference


def _logged(user: Any, person_ids: set[int]) -> bool:
    entry = AccessLogEntry.objects.filter(user=user).latest("id")
    return person_ids <= set(entry.subjects.values_list("person_id", flat=True))


def test_the_chair_plans_a_conference_through_the_form(signed_in: Any, chair: Any) -> None:
    client = signed_in(chair)
    page = client.get(reverse("conferences:conference_create"))
    assert page.status_code == 200
    response = client.post(
        reverse("conferences:conference_create"),
        {
            "kind": "mda",
            "title": "MDA++ maart",
            "starts_at": "2026-12-01T10:00",
            "location": "Zaal 2",
            "organisation": organisation_of(chair).pk,
            "basis": SharingBasis.COVENANT,
        },
    )
    conference = Conference.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/conferences/{conference.pk}/")
    assert conference.participants.get().user == chair


def test_a_role_without_the_capability_cannot_plan(signed_in: Any, police: Any) -> None:
    assert signed_in(police).get(reverse("conferences:conference_create")).status_code == 403


def test_the_plan_form_names_the_missing_basis_and_saves_nothing(signed_in: Any, chair: Any) -> None:
    response = signed_in(chair).post(
        reverse("conferences:conference_create"),
        {
            "kind": "mda",
            "title": "MDA++",
            "starts_at": "2026-12-01T10:00",
            "organisation": organisation_of(chair).pk,
        },
    )
    assert response.status_code == 200
    assert "basis" in response.context["form"].errors
    assert not Conference.objects.exists()


def test_participants_page_adds_with_basis_and_refuses_without(
    signed_in: Any, chair: Any, own_case: Any
) -> None:
    conference = make_conference(chair)
    newcomer = make_user("case_manager")
    client = signed_in(chair)
    url = reverse("conferences:participants", args=[conference.pk])
    refused = client.post(url, {"user": newcomer.pk, "basis": ""})
    assert refused.status_code == 200 and "basis" in refused.context["form"].errors
    assert not ConferenceParticipant.objects.filter(user=newcomer).exists()
    added = client.post(url, {"user": newcomer.pk, "basis": SharingBasis.PUBLIC_TASK})
    assert added.status_code == 302
    assert ConferenceParticipant.objects.get(user=newcomer).organisation == organisation_of(newcomer)
    participant = ConferenceParticipant.objects.get(user=newcomer)
    removed = client.post(reverse("conferences:participant_remove", args=[conference.pk, participant.pk]))
    assert removed.status_code == 302
    assert not ConferenceParticipant.objects.filter(user=newcomer).exists()


def test_the_agenda_refuses_a_case_the_chair_may_not_see(signed_in: Any, chair: Any, other_case: Any) -> None:
    conference = make_conference(chair)
    criterion = AgendaCriterion.objects.first()
    response = signed_in(chair).post(
        reverse("conferences:agenda", args=[conference.pk]),
        {"case_reference": other_case.reference, "criteria": [criterion.pk], "reason": "Because."},
    )
    assert response.status_code == 200
    assert "may not see" in str(response.context["form"].errors["case_reference"])
    assert not AgendaItem.objects.exists()


def test_the_agenda_adds_a_case_with_criteria(signed_in: Any, chair: Any, own_case: Any) -> None:
    conference = make_conference(chair)
    criteria = list(AgendaCriterion.objects.all()[:2])
    response = signed_in(chair).post(
        reverse("conferences:agenda", args=[conference.pk]),
        {"case_reference": own_case.reference, "criteria": [c.pk for c in criteria], "reason": "Stalled."},
    )
    assert response.status_code == 302
    assert set(AgendaItem.objects.get().criteria.all()) == set(criteria)


def test_the_chair_records_minutes_decisions_and_actions(
    signed_in: Any, chair: Any, colleague: Any, conference: Conference
) -> None:
    item = conference.agenda_items.get()
    client = signed_in(chair)
    url = reverse("conferences:agenda_item", args=[item.pk])
    assert client.post(url, {"form": "minutes", "minutes": "New minutes"}).status_code == 302
    assert client.post(url, {"form": "decision", "text": "Start help"}).status_code == 302
    deadline = timezone.localdate() + timedelta(days=10)
    assert (
        client.post(
            url,
            {"form": "action", "description": "Call the school", "owner": colleague.pk, "deadline": deadline},
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.minutes == "New minutes"
    assert Decision.objects.get(agenda_item=item).text == "Start help"
    assert ActionItem.objects.filter(owner=colleague, description="Call the school").exists()


@pytest.mark.parametrize(
    ("post", "field"),
    [
        ({"description": "Do it", "owner": "", "deadline": "2099-01-01"}, "owner"),
        ({"description": "Do it", "owner": "OWNER", "deadline": "2000-01-01"}, "deadline"),
    ],
)
def test_an_action_without_owner_or_with_an_early_deadline_is_refused(
    signed_in: Any, chair: Any, colleague: Any, conference: Conference, post: dict[str, str], field: str
) -> None:
    item = conference.agenda_items.get()
    before = ActionItem.objects.count()
    data = {"form": "action", **{k: (colleague.pk if v == "OWNER" else v) for k, v in post.items()}}
    response = signed_in(chair).post(reverse("conferences:agenda_item", args=[item.pk]), data)
    assert response.status_code == 200
    assert field in response.context["action_form"].errors
    assert ActionItem.objects.count() == before


def test_a_participant_may_not_change_the_conference(
    signed_in: Any, colleague: Any, conference: Conference
) -> None:
    client = signed_in(colleague)
    item = conference.agenda_items.get()
    assert client.get(reverse("conferences:conference_edit", args=[conference.pk])).status_code == 403
    assert client.get(reverse("conferences:participants", args=[conference.pk])).status_code == 403
    assert (
        client.post(
            reverse("conferences:agenda_item", args=[item.pk]), {"form": "minutes", "minutes": "x"}
        ).status_code
        == 403
    )
    item.refresh_from_db()
    assert item.minutes == "Secret minutes about the family"


def test_a_participant_who_works_on_the_case_sees_its_minutes_logged(
    signed_in: Any, colleague: Any, conference: Conference, own_case: Any
) -> None:
    response = signed_in(colleague).get(reverse("conferences:conference_detail", args=[conference.pk]))
    assert response.status_code == 200
    assert "Secret minutes about the family" in response.content.decode()
    assert _logged(colleague, set(own_case.members.values_list("person_id", flat=True)))


def test_a_participant_who_does_not_work_on_the_case_does_not_see_its_minutes(
    signed_in: Any, police: Any, conference: Conference, own_case: Any
) -> None:
    client = signed_in(police)
    item = conference.agenda_items.get()
    detail = client.get(reverse("conferences:conference_detail", args=[conference.pk]))
    text = detail.content.decode()
    assert detail.status_code == 200
    assert "Secret minutes" not in text and own_case.household.name not in text
    assert "Repeat the risk assessment" not in text
    assert own_case.reference in text  # only the reference is on the agenda
    entry = AccessLogEntry.objects.filter(user=police).latest("id")
    assert not entry.subjects.exists()
    agenda = client.get(reverse("conferences:agenda", args=[conference.pk])).content.decode()
    assert "Repeated reports" not in agenda and own_case.household.name not in agenda
    assert client.get(reverse("conferences:agenda_item", args=[item.pk])).status_code == 404
    # Their own action they do see (without the minutes), and may mark done.
    own = ActionItem.objects.get(owner=police)
    assert client.get(reverse("conferences:action_detail", args=[own.pk])).status_code == 200
    other = ActionItem.objects.exclude(owner=police).get()
    assert client.get(reverse("conferences:action_detail", args=[other.pk])).status_code == 404


def test_the_outsider_gets_nothing(signed_in: Any, outsider: Any, conference: Conference) -> None:
    client = signed_in(outsider)
    item = conference.agenda_items.get()
    action = item.actions.first()
    for url in [
        reverse("conferences:conference_detail", args=[conference.pk]),
        reverse("conferences:conference_edit", args=[conference.pk]),
        reverse("conferences:participants", args=[conference.pk]),
        reverse("conferences:agenda", args=[conference.pk]),
        reverse("conferences:agenda_item", args=[item.pk]),
        reverse("conferences:action_detail", args=[action.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("conferences:action_detail", args=[action.pk]), {}).status_code == 404
    listing = client.get(reverse("conferences:conference_list")).content.decode()
    assert conference.title not in listing
    actions = client.get(reverse("conferences:action_list") + "?show=all").content.decode()
    assert "Repeat the risk assessment" not in actions
    assert not AccessLogEntry.objects.filter(user=outsider, subjects__isnull=False).exists()
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_a_policy_officer_is_refused(signed_in: Any, db: None) -> None:
    client = signed_in(make_user("policy_officer"))
    assert client.get(reverse("conferences:conference_list")).status_code == 403
    assert client.get(reverse("conferences:action_list")).status_code == 403


def test_marking_anothers_action_done_is_refused_with_a_clear_error(
    signed_in: Any, colleague: Any, police: Any, conference: Conference
) -> None:
    # The colleague works on the case and sees the police officer's action with the minutes.
    action = ActionItem.objects.get(owner=police)
    response = signed_in(colleague).post(reverse("conferences:action_detail", args=[action.pk]), {})
    assert response.status_code == 403
    assert "Only the owner" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_the_owner_and_the_chair_mark_done(
    signed_in: Any, chair: Any, colleague: Any, police: Any, conference: Conference
) -> None:
    own = ActionItem.objects.get(owner=colleague)
    response = signed_in(colleague).post(
        reverse("conferences:action_detail", args=[own.pk]), {"done_on": timezone.localdate(), "note": "Done"}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == ActionStatus.DONE and own.done_by == colleague
    theirs = ActionItem.objects.get(owner=police)
    assert (
        signed_in(chair).post(reverse("conferences:action_detail", args=[theirs.pk]), {}).status_code == 302
    )
    theirs.refresh_from_db()
    assert theirs.done_by == chair
    again = signed_in(chair).post(reverse("conferences:action_detail", args=[theirs.pk]), {})
    assert again.status_code == 200 and "done already" in again.content.decode()


def test_action_list_filters_open_overdue_and_done(
    signed_in: Any, chair: Any, colleague: Any, conference: Conference
) -> None:
    ActionItem.objects.filter(owner=colleague).update(deadline=timezone.localdate() - timedelta(days=1))
    client = signed_in(colleague)
    url = reverse("conferences:action_list")
    assert "Repeat the risk assessment" in client.get(url + "?show=overdue").content.decode()
    assert "Repeat the risk assessment" in client.get(url).content.decode()
    assert "Repeat the risk assessment" not in client.get(url + "?show=done").content.decode()
    # The colleague sees their own, not the police officer's (which the chair follows).
    assert "Check the contact ban" not in client.get(url + "?show=all").content.decode()
    chair_view = signed_in(chair).get(url + "?show=all").content.decode()
    assert "Check the contact ban" in chair_view and "Repeat the risk assessment" in chair_view
    assert "Check the contact ban" not in signed_in(chair).get(url + "?show=all&mine=on").content.decode()
    assert client.get(url + "?show=all&q=x").status_code == 302  # unknown parameters are dropped


def _counts(client: Any, urls: list[str]) -> list[int]:
    counts = []
    for url in urls:
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts.append(len(queries))
    return counts


def test_pages_use_a_fixed_number_of_queries(
    signed_in: Any,
    chair: Any,
    colleague: Any,
    police: Any,
    conference: Conference,
    django_assert_max_num_queries: Any,
) -> None:
    client = signed_in(chair)
    first = conference.agenda_items.first()
    urls = [
        reverse("conferences:conference_list"),
        reverse("conferences:conference_detail", args=[conference.pk]),
        reverse("conferences:agenda", args=[conference.pk]),
        reverse("conferences:agenda_item", args=[first.pk]),
        reverse("conferences:action_list") + "?show=all",
        reverse("conferences:action_detail", args=[first.actions.first().pk]),
    ]
    before = _counts(client, urls)
    for index in range(4):
        case = make_case(team=TeamFactory(), people=3, participants=[chair], reference=f"T-Q{index}")
        item = add_case(chair, conference, case)
        add_action(chair, item, colleague)
        add_action(chair, item, police)
        services.record_decision(actor=chair, item=first, text=f"Decision {index}")
        make_conference(chair, cases=[case], title=f"Other {index}")
    assert _counts(client, urls) == before
    assert max(before) <= 30
