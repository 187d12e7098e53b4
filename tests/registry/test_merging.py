"""Merge and unmerge: every link moves, is recorded, and moves back exactly; nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from haard.accounts.models import OrganisationType, User
from haard.cases.models import CaseMember
from haard.intake.models import PoliceIncident, PoliceIncidentPerson, ReportPerson
from haard.registry.merging import (
    confirm_possible_match,
    merge_people,
    person_links,
    reject_possible_match,
    unmerge_people,
)
from haard.registry.models import HouseholdMember, MatchStatus, Person, PersonMerge, PossibleMatch
from haard.registry.selectors import search_people
from haard.registry.services import register_person
from tests.factories import OrganisationFactory, PersonFactory, TeamFactory, make_case, make_user
from tests.intake.factories import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # The assertions below read the services' messages in English.
    with translation.override("en"):
        yield


@pytest.fixture
def reviewer() -> User:
    return make_user(
        "intake_worker",
        team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.VEILIG_THUIS)),
    )


def _police_incident(person: Person) -> PoliceIncidentPerson:
    incident = PoliceIncident.objects.create(
        police_organisation=OrganisationFactory(type=OrganisationType.POLICE),
        registration_number=f"PL-{person.pk}",
        occurred_at=timezone.now(),
        municipality=make_case(team=TeamFactory()).municipality,
        incident_code="HG01",
    )
    return PoliceIncidentPerson.objects.create(incident=incident, person=person, role="victim")


def _links_of(person: Person) -> dict[str, set[int]]:
    return {
        "household": set(HouseholdMember.objects.filter(person=person).values_list("pk", flat=True)),
        "case": set(CaseMember.objects.filter(person=person).values_list("pk", flat=True)),
        "report": set(ReportPerson.objects.filter(person=person).values_list("pk", flat=True)),
        "police": set(PoliceIncidentPerson.objects.filter(person=person).values_list("pk", flat=True)),
    }


def test_every_model_that_points_at_a_person_is_found() -> None:
    labels = {model._meta.label for model, _ in person_links()}
    assert {
        "registry.HouseholdMember",
        "cases.CaseMember",
        "intake.ReportPerson",
        "intake.PoliceIncidentPerson",
        # Declared with related_name="+": hidden from Person, moved all the same.
        "cases.PlanAgreement",
        "huisverbod.ContactBanPerson",
        "huisverbod.HelpTask",
    } <= labels
    assert not labels & {"registry.PossibleMatch", "registry.PersonMerge", "registry.Person"}
    assert not any(label.split(".")[1].startswith("Historical") for label in labels)


def test_merge_and_unmerge_round_trip_restores_every_link(reviewer: User) -> None:
    keep = make_case(team=TeamFactory(), people=1).members.get().person
    merge = make_case(team=TeamFactory(), people=1).members.get().person
    extra = make_case(team=TeamFactory(), people=1).members.get()
    extra.person = merge
    extra.save()
    make_report(actor=reviewer, people=[merge])
    shared = make_report(actor=reviewer, people=[keep, merge])  # both victims in one report
    _police_incident(merge)
    before_keep, before_merge = _links_of(keep), _links_of(merge)
    doubled = ReportPerson.objects.get(report=shared, person=merge)

    person_merge = merge_people(actor=reviewer, keep=keep, merge=merge, reason="Same person, checked BRP")

    merge.refresh_from_db()
    assert merge.merged_into == keep
    # The one link the kept person already had (victim in the shared report) stays, recorded.
    assert person_merge.kept_links == [{"model": "intake.ReportPerson", "pk": doubled.pk, "field": "person"}]
    assert _links_of(merge) == {"household": set(), "case": set(), "report": {doubled.pk}, "police": set()}
    after = _links_of(keep)
    for kind in after:
        stayed = {doubled.pk} if kind == "report" else set()
        assert after[kind] == before_keep[kind] | (before_merge[kind] - stayed)
    assert len(person_merge.moved_links) == sum(len(pks) for pks in before_merge.values()) - 1
    assert {link["model"] for link in person_merge.moved_links} == {
        "registry.HouseholdMember",
        "cases.CaseMember",
        "intake.ReportPerson",
        "intake.PoliceIncidentPerson",
    }
    moved_row = CaseMember.objects.get(pk=extra.pk)
    assert moved_row.history.first().history_change_reason.startswith("Merged")

    unmerge_people(actor=reviewer, person_merge=person_merge, reason="Twins after all")

    merge.refresh_from_db()
    assert merge.merged_into is None
    assert _links_of(keep) == before_keep
    assert _links_of(merge) == before_merge
    person_merge.refresh_from_db()
    assert not person_merge.active
    assert person_merge.not_restored_links == []
    assert person_merge.history.count() == 2  # created, then undone: kept as history


def test_a_row_deleted_after_the_merge_is_reported_not_restored(reviewer: User) -> None:
    keep, merge = PersonFactory(), PersonFactory()
    report = make_report(actor=reviewer, people=[merge])
    person_merge = merge_people(actor=reviewer, keep=keep, merge=merge, reason="Same")
    row_pk = person_merge.moved_links[0]["pk"]
    ReportPerson.objects.filter(pk=row_pk).delete()
    unmerge_people(actor=reviewer, person_merge=person_merge, reason="Not the same")
    person_merge.refresh_from_db()
    assert person_merge.not_restored_links == [
        {"model": "intake.ReportPerson", "pk": row_pk, "field": "person"}
    ]
    assert report.pk


def test_a_link_the_kept_person_already_has_stays_and_is_recorded(reviewer: User) -> None:
    case = make_case(team=TeamFactory(), people=2)
    keep, merge = (member.person for member in case.members.order_by("pk"))
    # Both in the same household (make_case puts them there): the membership cannot double.
    household_row = HouseholdMember.objects.get(person=merge)
    person_merge = merge_people(actor=reviewer, keep=keep, merge=merge, reason="Same person")
    assert {
        "model": "registry.HouseholdMember",
        "pk": household_row.pk,
        "field": "person",
    } in person_merge.kept_links
    household_row.refresh_from_db()
    assert household_row.person == merge  # not lost, not doubled
    unmerge_people(actor=reviewer, person_merge=person_merge, reason="Not the same")
    household_row.refresh_from_db()
    assert household_row.person == merge


def test_a_merged_person_is_hidden_from_search(reviewer: User) -> None:
    keep = register_person(first_names="Anna", surname="Berg")
    merge = register_person(first_names="Ana", surname="Berg")
    merge_people(actor=reviewer, keep=keep, merge=merge, reason="Same person")
    assert list(search_people(actor=reviewer, query="Berg")) == [keep]


def test_the_bsn_moves_to_the_kept_person_and_back(reviewer: User) -> None:
    keep = register_person(first_names="Anna", surname="Berg")
    merge = register_person(first_names="Anna", surname="Berg", bsn="999990019")
    person_merge = merge_people(actor=reviewer, keep=keep, merge=merge, reason="Same person")
    keep.refresh_from_db()
    merge.refresh_from_db()
    assert (keep.bsn, merge.bsn, person_merge.bsn_moved) == ("999990019", "", True)
    unmerge_people(actor=reviewer, person_merge=person_merge, reason="Not the same")
    keep.refresh_from_db()
    merge.refresh_from_db()
    assert (keep.bsn, merge.bsn) == ("", "999990019")


def test_merges_are_refused_when_they_cannot_be_right(reviewer: User) -> None:
    first = register_person(first_names="Anna", surname="Berg", bsn="999990019")
    second = register_person(first_names="Anna", surname="Berg", bsn="999990020")
    third = PersonFactory()
    with pytest.raises(ValidationError, match="different BSNs"):
        merge_people(actor=reviewer, keep=first, merge=second, reason="x")
    with pytest.raises(ValidationError):
        merge_people(actor=reviewer, keep=first, merge=first, reason="x")
    with pytest.raises(ValidationError):
        merge_people(actor=reviewer, keep=first, merge=third, reason="  ")
    done = merge_people(actor=reviewer, keep=first, merge=third, reason="Same")
    with pytest.raises(ValidationError):
        merge_people(actor=reviewer, keep=second, merge=third, reason="Again")
    unmerge_people(actor=reviewer, person_merge=done, reason="Oops")
    with pytest.raises(ValidationError, match="undone already"):
        unmerge_people(actor=reviewer, person_merge=done, reason="Twice")


def test_unmerge_waits_for_a_later_merge_of_the_kept_person(reviewer: User) -> None:
    a, b, c = PersonFactory(), PersonFactory(), PersonFactory()
    first = merge_people(actor=reviewer, keep=b, merge=a, reason="a is b")
    second = merge_people(actor=reviewer, keep=c, merge=b, reason="b is c")
    with pytest.raises(ValidationError, match="undo that first"):
        unmerge_people(actor=reviewer, person_merge=first, reason="x")
    unmerge_people(actor=reviewer, person_merge=second, reason="b is not c")
    unmerge_people(actor=reviewer, person_merge=first, reason="a is not b")
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_only_reviewers_merge(outsider: User) -> None:
    a, b = PersonFactory(), PersonFactory()
    with pytest.raises(PermissionDenied):
        merge_people(actor=outsider, keep=a, merge=b, reason="x")
    assert not PersonMerge.objects.exists()


def test_confirm_and_reject_decide_a_possible_match(reviewer: User) -> None:
    a, b, c = PersonFactory(), PersonFactory(), PersonFactory()
    confirmed = PossibleMatch.objects.create(person_a=a, person_b=b, score=0.9)
    person_merge = confirm_possible_match(actor=reviewer, possible_match=confirmed, keep=a, reason="Same")
    confirmed.refresh_from_db()
    assert confirmed.status == MatchStatus.CONFIRMED
    assert (person_merge.into, person_merge.merged, person_merge.possible_match) == (a, b, confirmed)
    with pytest.raises(ValidationError, match="decided already"):
        reject_possible_match(actor=reviewer, possible_match=confirmed, reason="x")

    rejected = PossibleMatch.objects.create(person_a=a, person_b=c, score=0.7)
    with pytest.raises(ValidationError):
        confirm_possible_match(actor=reviewer, possible_match=rejected, keep=PersonFactory(), reason="x")
    reject_possible_match(actor=reviewer, possible_match=rejected, reason="Different mothers")
    rejected.refresh_from_db()
    assert (rejected.status, rejected.decided_by, rejected.decision_reason) == (
        MatchStatus.REJECTED,
        reviewer,
        "Different mothers",
    )

    unmerge_people(actor=reviewer, person_merge=person_merge, reason="Wrong after all")
    confirmed.refresh_from_db()
    assert confirmed.status == MatchStatus.REJECTED
    assert confirmed.history.count() >= 3


def test_history_of_the_merged_person_keeps_the_merge(reviewer: User) -> None:
    a, b = PersonFactory(), PersonFactory()
    merge_people(actor=reviewer, keep=a, merge=b, reason="Same")
    latest: Any = b.history.first()
    assert latest.merged_into_id == a.pk
    assert latest.history_change_reason == f"Merged person {b.pk} into {a.pk}"
