"""The access model: capability and relation, participants who leave, emergency access."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haard.accounts import access
from haard.accounts.models import EmergencyAccess, Membership, Role
from haard.accounts.services import AccessRefusedError, grant_emergency_access, review_emergency_access
from haard.audit.models import AccessLogEntry
from haard.cases.models import Case, CaseParticipant
from haard.registry.models import Person
from tests.conftest import sign_in
from tests.factories import TeamFactory, UserFactory, make_case, make_user

pytestmark = pytest.mark.django_db


def test_participant_and_owning_team_see_the_case_outsider_does_not(
    own_case: Case, case_manager: Any, outsider: Any, team: Any
) -> None:
    colleague = make_user("case_manager", team=team)
    assert list(Case.objects.visible_to(case_manager)) == [own_case]
    assert list(Case.objects.visible_to(colleague)) == [own_case]
    assert not Case.objects.visible_to(outsider).exists()
    assert not Person.objects.visible_to(outsider).exists()
    assert Person.objects.visible_to(case_manager).count() == 3


def test_access_ends_when_a_participant_leaves(own_case: Case) -> None:
    partner = make_user("case_manager")
    participation = CaseParticipant.objects.create(
        case=own_case, user=partner, organisation=partner.memberships.get().team.organisation
    )
    assert Case.objects.visible_to(partner).exists()
    participation.left_on = timezone.localdate()
    participation.save()
    assert not Case.objects.visible_to(partner).exists()
    assert not Person.objects.visible_to(partner).exists()


def test_role_without_the_capability_sees_nothing_even_in_the_team(own_case: Case, team: Any) -> None:
    policy = make_user("policy_officer", team=team)
    assert not Case.objects.visible_to(policy).exists()
    assert not Person.objects.visible_to(policy).exists()


def test_inactive_membership_or_organisation_closes_access(
    own_case: Case, case_manager: Any, team: Any
) -> None:
    Membership.objects.filter(user=case_manager).update(active=False)
    assert not Case.objects.visible_to(case_manager).exists()
    Membership.objects.filter(user=case_manager).update(active=True)
    team.organisation.active = False
    team.organisation.save()
    fresh = type(case_manager).objects.get(pk=case_manager.pk)
    assert not Case.objects.visible_to(fresh).exists()


def test_superuser_flag_alone_opens_no_personal_data(own_case: Case) -> None:
    root = UserFactory(is_superuser=True, is_staff=True)
    assert not Case.objects.visible_to(root).exists()
    assert not Person.objects.visible_to(root).exists()


def test_intake_worker_searches_the_region(own_case: Case) -> None:
    intake = make_user("intake_worker")
    assert Person.objects.visible_to(intake).count() == 3
    assert not Case.objects.visible_to(intake).exists()  # reports, not cases


def test_a_relation_that_grants_every_row_ends_the_search_for_others(
    own_case: Case, other_case: Case, case_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Region-wide search grants every person: the other relations (sub-selects over cases,
    reports and orders) are not built then; for anyone else they still are."""
    asked: list[str] = []

    def counted(actor: Any) -> Any:
        asked.append(actor.username)
        return access.NONE

    monkeypatch.setitem(
        access._relations, "registry.Person", [*access._relations["registry.Person"], counted]
    )
    intake = make_user("intake_worker")
    assert access.relation_q("registry.Person", intake) is access.ALL
    assert Person.objects.visible_to(intake).count() == Person.objects.count() == 5
    assert asked == []
    assert Person.objects.visible_to(case_manager).count() == 3  # own case only
    assert asked == [case_manager.username]


def test_emergency_access_needs_a_reason_is_logged_and_reviewed(other_case: Case, case_manager: Any) -> None:
    client = sign_in(Client(), case_manager)
    url = reverse("cases:case_detail", args=[other_case.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("cases:emergency_access"), {"reference": other_case.reference, "reason": "kort"}
    )
    assert response.status_code == 200
    assert not EmergencyAccess.objects.exists()
    response = client.post(
        reverse("cases:emergency_access"),
        {
            "reference": other_case.reference,
            "reason": "Acute melding buiten kantoortijd, politie ter plaatse",
        },
    )
    assert response["Location"] == url
    assert client.get(url).status_code == 200
    entry = AccessLogEntry.objects.latest("id")
    assert entry.emergency
    assert "politie ter plaatse" in entry.reason

    privacy = make_user("privacy_officer")
    review_page = sign_in(Client(), privacy).get(reverse("audit:emergency_review"))
    assert other_case.reference not in review_page.content.decode()  # id only, no case content
    assert len(review_page.context["grants"]) == 1
    grant = EmergencyAccess.objects.get()
    review_emergency_access(actor=privacy, grant=grant, justified=True, note="Terecht")
    grant.refresh_from_db()
    assert grant.outcome == EmergencyAccess.Outcome.JUSTIFIED
    with pytest.raises(AccessRefusedError):
        review_emergency_access(actor=privacy, grant=grant, justified=False, note="")


def _break_glass(actor: Any, case: Case, reason: str) -> EmergencyAccess:
    return grant_emergency_access(
        actor=actor, membership=None, model_label="cases.Case", object_id=case.pk, reason=reason
    )


def test_emergency_access_expires(other_case: Case, case_manager: Any) -> None:
    _break_glass(case_manager, other_case, "Acute dreiging")
    assert Case.objects.visible_to(case_manager).filter(pk=other_case.pk).exists()
    EmergencyAccess.objects.update(expires_at=timezone.now())
    assert not Case.objects.visible_to(case_manager).filter(pk=other_case.pk).exists()


def test_roles_without_break_glass_cannot_request_it(other_case: Case) -> None:
    professional = make_user("professional")
    with pytest.raises(AccessRefusedError):
        _break_glass(professional, other_case, "x" * 20)
    assert sign_in(Client(), professional).get(reverse("cases:emergency_access")).status_code == 403


def test_nobody_reviews_their_own_emergency_access(other_case: Case) -> None:
    officer = make_user("privacy_officer")
    Membership.objects.create(
        user=officer, team=TeamFactory(), role=make_user("case_manager").memberships.get().role
    )
    grant = _break_glass(officer, other_case, "Acute dreiging")
    with pytest.raises(AccessRefusedError):
        review_emergency_access(actor=officer, grant=grant, justified=True, note="")


def test_unknown_reference_is_a_field_error(case_manager: Any) -> None:
    response = sign_in(Client(), case_manager).post(
        reverse("cases:emergency_access"), {"reference": "NOPE", "reason": "Acute dreiging voor het kind"}
    )
    assert response.status_code == 200
    assert "reference" in response.context["form"].errors
    assert not EmergencyAccess.objects.exists()


def test_list_and_detail_queries_do_not_grow_with_the_data(
    team: Any, case_manager: Any, django_assert_max_num_queries: Any
) -> None:
    client = sign_in(Client(), case_manager)
    make_case(team=team, people=2)
    client.get(reverse("cases:case_list"))
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("cases:case_list"))
    for _ in range(10):
        make_case(team=team, people=4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("cases:case_list"))
    small_case = make_case(team=team, people=2)
    with django_assert_max_num_queries(30) as detail:
        client.get(reverse("cases:case_detail", args=[small_case.pk]))
    case = make_case(team=team, people=8)
    with django_assert_max_num_queries(len(detail.captured_queries)):
        client.get(reverse("cases:case_detail", args=[case.pk]))


def test_grants_are_read_once_per_actor_and_match_what_the_memberships_give(
    team: Any, django_assert_num_queries: Any
) -> None:
    police = TeamFactory(organisation__type="police")
    closed = TeamFactory(organisation__active=False)
    user = make_user("case_manager", team=team)
    Membership.objects.create(user=user, team=police, role=Role.objects.get(key="police_officer"))
    Membership.objects.create(user=user, team=closed, role=Role.objects.get(key="intake_worker"))
    Membership.objects.create(
        user=user, team=TeamFactory(), role=Role.objects.get(key="safety_assessor"), active=False
    )
    actor = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        access.grants(actor)
        caps = access.capabilities(actor)
        assert access.has_capability(actor, "view_cases") and access.grants(actor)
    # An inactive organisation's roles grant no capability; an inactive membership nothing.
    assert "register_reports" not in caps and "assess_safety" not in caps
    assert "send_police_reports" in caps
    assert access.team_ids(actor, capability="view_cases") == [team.pk]
    assert access.organisation_ids(actor, organisation_type="police") == [police.organisation_id]
    assert set(access.organisation_ids(actor)) == {
        team.organisation_id,
        police.organisation_id,
        closed.organisation_id,
    }
    assert closed.organisation_id not in access.organisation_ids(actor, active_organisation=True)
    assert access.granting(actor, role_key="safety_assessor") == []


def test_the_access_rule_asks_no_membership_tables_in_its_query(own_case: Case, case_manager: Any) -> None:
    """The teams and organisations of the actor go into the query as ids (read once per
    request), not as sub-selects joining memberships, roles and permissions."""
    sql = str(Case.objects.visible_to(case_manager).query)
    assert "accounts_membership" not in sql and "auth_permission" not in sql
    assert list(Case.objects.visible_to(case_manager)) == [own_case]


def test_an_outsider_has_no_grants_and_no_case_page(own_case: Case, outsider: Any) -> None:
    assert access.team_ids(outsider, capability="view_cases") != [own_case.owning_team_id]
    assert access.grants(AnonymousUser()) == () and access.capabilities(AnonymousUser()) == frozenset()
    page = sign_in(Client(), outsider).get(reverse("cases:case_detail", args=[own_case.pk]))
    assert page.status_code in (403, 404)


def test_a_case_seen_through_a_relation_is_logged_without_emergency(
    own_case: Case, other_case: Case, case_manager: Any
) -> None:
    _break_glass(case_manager, other_case, "Acute melding buiten kantoortijd, politie ter plaatse")
    client = sign_in(Client(), case_manager)
    assert client.get(reverse("cases:case_detail", args=[own_case.pk])).status_code == 200
    own = AccessLogEntry.objects.latest("id")
    assert own.record_id == str(own_case.pk) and not own.emergency and own.reason == ""
    assert client.get(reverse("cases:case_detail", args=[other_case.pk])).status_code == 200
    other = AccessLogEntry.objects.latest("id")
    assert other.record_id == str(other_case.pk) and other.emergency
    assert "politie ter plaatse" in other.reason
