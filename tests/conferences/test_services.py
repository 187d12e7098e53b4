"""The conference services: planning, participants, the agenda against the chair's access,
actions with owners and deadlines, marking done; and bad input refused with nothing saved."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haard.accounts.access import has_capability
from haard.conferences import services
from haard.conferences.models import (
    ActionItem,
    ActionStatus,
    AgendaCriterion,
    AgendaItem,
    Conference,
    ConferenceKind,
    ConferenceParticipant,
    Decision,
    SharingBasis,
)
from haard.conferences.selectors import may_see_minutes
from tests.conferences.factories import add_action, add_case, at, make_conference, organisation_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, Any]:
    return exc.value.message_dict


def test_the_capability_to_chair_is_granted_to_case_managers_and_safety_assessors(db: None) -> None:
    for role in ("case_manager", "safety_assessor"):
        assert has_capability(make_user(role), "chair_conferences")
    for role in ("intake_worker", "professional", "police_officer", "policy_officer", "privacy_officer"):
        assert not has_capability(make_user(role), "chair_conferences")


def test_the_documented_criteria_ship_as_data(db: None) -> None:
    codes = set(AgendaCriterion.objects.values_list("code", flat=True))
    assert {"severe_long_lasting", "children_unsafe", "care_and_justice", "stagnating_help"} <= codes
    assert all(c.label_nl and c.label_en for c in AgendaCriterion.objects.all())


def test_a_chair_plans_a_conference_and_takes_part_on_a_stated_basis(chair: Any) -> None:
    conference = make_conference(chair)
    assert conference.chair == chair
    participant = ConferenceParticipant.objects.get(conference=conference)
    assert participant.user == chair
    assert participant.organisation == organisation_of(chair)
    assert participant.basis == SharingBasis.COVENANT


def test_a_role_without_the_capability_may_not_chair(police: Any) -> None:
    with pytest.raises(PermissionDenied):
        make_conference(police)
    assert not Conference.objects.exists()


def test_planning_refuses_missing_facts_and_a_basis_without_explanation(chair: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_conference(
            actor=chair,
            kind="party",
            title=" ",
            starts_at=None,
            organisation=None,
            basis=SharingBasis.CONSENT,
        )
    assert set(_errors(exc)) == {"kind", "title", "starts_at", "organisation", "basis_explanation"}
    assert not Conference.objects.exists() and not ConferenceParticipant.objects.exists()


def test_participants_come_with_their_organisation_and_a_basis(chair: Any, police: Any) -> None:
    conference = make_conference(chair)
    services.add_participant(
        actor=chair, conference=conference, user=police, basis=SharingBasis.WJSG, basis_explanation="art. 8a"
    )
    row = ConferenceParticipant.objects.get(conference=conference, user=police)
    assert row.organisation == organisation_of(police)
    assert row.basis == SharingBasis.WJSG


@pytest.mark.parametrize(
    ("basis", "explanation", "field"),
    [
        ("", "", "basis"),
        ("rumour", "", "basis"),
        (SharingBasis.CONSENT, "", "basis_explanation"),
        (SharingBasis.OTHER, "  ", "basis_explanation"),
    ],
)
def test_a_participant_without_a_basis_is_refused(
    chair: Any, police: Any, basis: str, explanation: str, field: str
) -> None:
    conference = make_conference(chair)
    with pytest.raises(ValidationError) as exc:
        services.add_participant(
            actor=chair, conference=conference, user=police, basis=basis, basis_explanation=explanation
        )
    assert field in _errors(exc)
    assert not ConferenceParticipant.objects.filter(user=police).exists()


def test_a_participant_must_be_chosen_work_for_the_organisation_and_see_personal_data(
    chair: Any, police: Any, colleague: Any
) -> None:
    conference = make_conference(chair, participants=[police])
    with pytest.raises(ValidationError) as exc:
        services.add_participant(actor=chair, conference=conference, user=None, basis=SharingBasis.WPG)
    assert "user" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.add_participant(
            actor=chair,
            conference=conference,
            user=colleague,
            organisation=organisation_of(police),
            basis=SharingBasis.MELDCODE,
        )
    assert "organisation" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.add_participant(actor=chair, conference=conference, user=police, basis=SharingBasis.WPG)
    assert "user" in _errors(exc)  # takes part already
    policy = make_user("policy_officer")
    with pytest.raises(ValidationError) as exc:
        services.add_participant(
            actor=chair, conference=conference, user=policy, basis=SharingBasis.PUBLIC_TASK
        )
    assert "user" in _errors(exc)
    assert ConferenceParticipant.objects.filter(conference=conference).count() == 2


def test_only_the_chair_changes_a_conference(chair: Any, colleague: Any, own_case: Any) -> None:
    conference = make_conference(chair, participants=[colleague])
    with pytest.raises(PermissionDenied):
        services.add_participant(
            actor=colleague, conference=conference, user=make_user("case_manager"), basis=SharingBasis.WPG
        )
    with pytest.raises(PermissionDenied):
        add_case(colleague, conference, own_case)
    with pytest.raises(PermissionDenied):
        services.update_conference(
            actor=colleague, conference=conference, kind=ConferenceKind.MDA, title="x", starts_at=at(1)
        )
    assert not AgendaItem.objects.exists()


def test_a_case_goes_on_the_agenda_with_criteria_and_a_reason(chair: Any, own_case: Any) -> None:
    conference = make_conference(chair)
    item = add_case(chair, conference, own_case)
    assert item.case == own_case and item.position == 1
    assert item.criteria.count() == 2
    assert item.reason


def test_a_case_the_chair_may_not_see_is_refused_without_revealing_it(chair: Any, other_case: Any) -> None:
    conference = make_conference(chair)
    messages = []
    for reference in (other_case.reference, "NO-SUCH-CASE"):
        with pytest.raises(ValidationError) as exc:
            services.add_agenda_item(
                actor=chair,
                conference=conference,
                case_reference=reference,
                criteria=list(AgendaCriterion.objects.all()[:1]),
                reason="Because.",
            )
        messages.append(_errors(exc)["case_reference"])
        assert "may not see" in messages[-1][0]
    assert messages[0] == messages[1]
    assert not AgendaItem.objects.exists()


def test_an_agenda_item_needs_criteria_a_reason_and_a_case_only_once(chair: Any, own_case: Any) -> None:
    conference = make_conference(chair, cases=[own_case])
    retired = AgendaCriterion.objects.create(code="retired", label_nl="Oud", label_en="Old", active=False)
    with pytest.raises(ValidationError) as exc:
        services.add_agenda_item(
            actor=chair, conference=conference, case_reference=own_case.reference, criteria=[], reason=""
        )
    assert set(_errors(exc)) == {"case_reference", "criteria", "reason"}
    with pytest.raises(ValidationError) as exc:
        services.add_agenda_item(
            actor=chair, conference=conference, case_reference=" ", criteria=[retired], reason="x"
        )
    assert set(_errors(exc)) == {"case_reference", "criteria"}
    assert AgendaItem.objects.count() == 1


def test_actions_have_an_owner_at_the_table_and_a_deadline_not_before_the_conference(
    chair: Any, colleague: Any, police: Any, own_case: Any
) -> None:
    conference = make_conference(chair, participants=[colleague], cases=[own_case], days=3)
    item = conference.agenda_items.get()
    action = add_action(chair, item, colleague, days=0)
    assert action.owner == colleague and action.status == ActionStatus.OPEN
    for owner, deadline, field in [
        (None, at(10).date(), "owner"),
        (police, at(10).date(), "owner"),  # not at the table
        (colleague, at(2).date(), "deadline"),  # the day before the conference
        (colleague, None, "deadline"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.add_action(actor=chair, item=item, description="Do it", owner=owner, deadline=deadline)
        assert field in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.add_action(actor=chair, item=item, description=" ", owner=colleague, deadline=at(5).date())
    assert "description" in _errors(exc)
    assert ActionItem.objects.count() == 1


def test_the_conference_cannot_move_past_an_action_deadline(chair: Any, own_case: Any) -> None:
    conference = make_conference(chair, cases=[own_case])
    add_action(chair, conference.agenda_items.get(), chair, days=7)
    with pytest.raises(ValidationError) as exc:
        services.update_conference(
            actor=chair, conference=conference, kind=conference.kind, title="Moved", starts_at=at(8)
        )
    assert "starts_at" in _errors(exc)
    conference.refresh_from_db()
    assert conference.title == "Casusoverleg"
    services.update_conference(
        actor=chair, conference=conference, kind=ConferenceKind.MDA, title="MDA++", starts_at=at(7)
    )
    conference.refresh_from_db()
    assert conference.kind == ConferenceKind.MDA and conference.history.count() == 2


def test_minutes_and_decisions_are_kept_with_history(chair: Any, own_case: Any) -> None:
    conference = make_conference(chair, cases=[own_case])
    item = conference.agenda_items.get()
    services.record_minutes(actor=chair, item=item, minutes="First version")
    services.record_minutes(actor=chair, item=item, minutes="Second version")
    services.record_decision(actor=chair, item=item, text="Start perpetrator help")
    item.refresh_from_db()
    assert item.minutes == "Second version"
    assert [h.minutes for h in item.history.order_by("history_date")] == [
        "",
        "First version",
        "Second version",
    ]
    assert Decision.objects.get().text == "Start perpetrator help"
    with pytest.raises(ValidationError):
        services.record_decision(actor=chair, item=item, text="")


def test_the_owner_marks_an_action_done_and_it_records_when_and_by_whom(
    chair: Any, colleague: Any, own_case: Any
) -> None:
    conference = make_conference(chair, participants=[colleague], cases=[own_case])
    action = add_action(chair, conference.agenda_items.get(), colleague)
    services.mark_action_done(actor=colleague, action=action, note="Plan updated")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.done_on == timezone.localdate() and action.done_by == colleague
    with pytest.raises(ValidationError) as exc:
        services.mark_action_done(actor=colleague, action=action)
    assert "status" in _errors(exc)


def test_the_chair_may_mark_anothers_action_done_but_nobody_else(
    chair: Any, colleague: Any, police: Any, own_case: Any
) -> None:
    conference = make_conference(chair, participants=[colleague, police], cases=[own_case])
    item = conference.agenda_items.get()
    first = add_action(chair, item, colleague)
    second = add_action(chair, item, police)
    with pytest.raises(PermissionDenied):
        services.mark_action_done(actor=police, action=first)
    with pytest.raises(PermissionDenied):
        services.mark_action_done(actor=colleague, action=second)
    assert ActionItem.objects.filter(status=ActionStatus.DONE).count() == 0
    services.mark_action_done(actor=chair, action=second)
    second.refresh_from_db()
    assert second.done_by == chair


def test_a_done_day_in_the_future_is_refused(chair: Any, own_case: Any) -> None:
    conference = make_conference(chair, cases=[own_case])
    action = add_action(chair, conference.agenda_items.get(), chair)
    with pytest.raises(ValidationError) as exc:
        services.mark_action_done(
            actor=chair, action=action, done_on=timezone.localdate() + timedelta(days=1)
        )
    assert "done_on" in _errors(exc)
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_removing_a_participant(chair: Any, colleague: Any, police: Any, own_case: Any) -> None:
    conference = make_conference(chair, participants=[colleague, police], cases=[own_case])
    add_action(chair, conference.agenda_items.get(), colleague)
    rows = {p.user_id: p for p in conference.participants.all()}
    with pytest.raises(ValidationError):
        services.remove_participant(actor=chair, participant=rows[chair.pk])
    with pytest.raises(ValidationError):
        services.remove_participant(actor=chair, participant=rows[colleague.pk])
    services.remove_participant(actor=chair, participant=rows[police.pk])
    assert set(conference.participants.values_list("user_id", flat=True)) == {chair.pk, colleague.pk}


def test_the_minutes_rule(chair: Any, colleague: Any, police: Any, outsider: Any, own_case: Any) -> None:
    """Minutes: a participant of the conference who also works on the case (participant of the
    case or member of its owning team). Not a participant who does not work on the case, not
    someone who works on the case but was not at the table, not an emergency grant."""
    conference = make_conference(chair, participants=[police], cases=[own_case])
    item = conference.agenda_items.get()
    assert may_see_minutes(actor=chair, item=item)
    assert not may_see_minutes(actor=police, item=item)
    assert not may_see_minutes(actor=colleague, item=item)  # works on the case, not at the table
    services.add_participant(actor=chair, conference=conference, user=colleague, basis=SharingBasis.MELDCODE)
    assert may_see_minutes(actor=colleague, item=item)
    teammate = make_user("case_manager", team=own_case.owning_team)
    services.add_participant(
        actor=chair, conference=conference, user=teammate, basis=SharingBasis.PUBLIC_TASK
    )
    assert may_see_minutes(actor=teammate, item=item)  # owning team
    assert not may_see_minutes(actor=outsider, item=item)
