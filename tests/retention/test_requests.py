"""Requests of data subjects: erasure (AVG art. 17) becomes a proposal of everything about the
person with the same trail, open files kept, refusals with their legal ground; access (art. 15)
gives an export of everything about the person and nothing about others, logged."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haard.audit.models import AccessLogEntry, Action
from haard.cases.models import Case, CaseMember, CaseStatus
from haard.cases.services import add_months
from haard.intake.models import Report
from haard.registry.models import Person
from haard.retention import export, services
from haard.retention.models import (
    DataSubjectRequest,
    ItemOutcome,
    KeepGround,
    ProposalKind,
    RequestKind,
    RequestOutcome,
    RequestStatus,
    Tombstone,
    TombstoneBasis,
    UnitType,
)
from tests.conftest import sign_in
from tests.factories import make_case, make_user
from tests.retention.factories import vt_file, years_ago

pytestmark = pytest.mark.django_db


def _request(actor: Any, person: Person, kind: str = RequestKind.ERASURE) -> DataSubjectRequest:
    return services.register_request(
        actor=actor,
        person=person,
        kind=kind,
        received_on=timezone.localdate(),
        channel="letter",
        identity_checked=True,
    )


def test_an_erasure_request_proposes_everything_about_the_person(proposer: Any, decider: Any) -> None:
    old = vt_file(closed_on=years_ago(3))  # closed, its retention far from over
    open_case = make_case(team=old.case.owning_team, people=1, reference="T-OPEN")
    CaseMember.objects.create(case=open_case, person=old.victim, role="victim")
    request = _request(proposer, old.victim)
    assert request.respond_by == add_months(timezone.localdate(), 1)
    assert request.reference.startswith("AVG-") and request.subject_id == old.victim.pk
    proposal = request.proposal
    assert proposal.kind == ProposalKind.REQUEST and proposal.proposed_by == proposer
    assert proposal.dry_run_at is not None
    items = {(i.unit_type, i.root_id): i for i in proposal.items.all()}
    assert set(items) == {
        (UnitType.VEILIG_THUIS_FILE, old.case.pk),
        (UnitType.VEILIG_THUIS_FILE, open_case.pk),
        (UnitType.PERSON, old.victim.pk),
    }
    still_open = items[UnitType.VEILIG_THUIS_FILE, open_case.pk]
    assert still_open.keep and still_open.keep_ground == KeepGround.STILL_IN_USE
    with pytest.raises(ValidationError):
        services.keep_item(actor=decider, item=still_open, keep=False)

    with pytest.raises(ValidationError):  # who registered the request does not decide
        services.decide(actor=proposer, proposal=proposal, destroy=True, reason="Verzoek")
    services.decide(actor=decider, proposal=proposal, destroy=True, reason="Verzoek ingewilligd")

    assert not Case.objects.filter(pk=old.case.pk).exists()
    assert Case.objects.filter(pk=open_case.pk).exists()
    # The person stays: the open case still holds them.
    assert Person.objects.filter(pk=old.victim.pk).exists()
    person_item = items[UnitType.PERSON, old.victim.pk]
    person_item.refresh_from_db()
    assert person_item.outcome == ItemOutcome.KEPT
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED and request.outcome == RequestOutcome.PARTLY
    assert request.answered_by == decider
    stone = Tombstone.objects.get(record_type=UnitType.VEILIG_THUIS_FILE)
    assert stone.basis == TombstoneBasis.REQUEST and stone.basis_detail == request.reference


def test_a_granted_erasure_removes_the_person_and_keeps_the_trail(proposer: Any, decider: Any) -> None:
    f = vt_file(closed_on=years_ago(3))
    request = _request(proposer, f.suspect)
    services.decide(actor=decider, proposal=request.proposal, destroy=True, reason="Verzoek ingewilligd")
    assert not Person._base_manager.filter(pk=f.suspect.pk).exists()
    request.refresh_from_db()
    assert request.person is None and request.subject_id == f.suspect.pk
    assert request.outcome == RequestOutcome.GRANTED
    person_stone = Tombstone.objects.get(record_type=UnitType.PERSON, record_id=str(f.suspect.pk))
    assert person_stone.basis == TombstoneBasis.REQUEST and person_stone.item is not None
    # The request page still shows the trail, with the person's number only.
    page = sign_in(Client(), decider).get(reverse("retention:request_detail", args=[request.pk]))
    assert page.status_code == 200 and f.suspect.first_names not in page.content.decode()


def test_a_person_kept_by_the_decision_stays_when_the_file_goes(proposer: Any, decider: Any) -> None:
    f = vt_file(closed_on=years_ago(3))
    request = _request(proposer, f.victim)
    person_item = request.proposal.items.get(unit_type=UnitType.PERSON)
    services.keep_item(
        actor=decider, item=person_item, keep=True, ground=KeepGround.LEGAL_CLAIMS, reason="Aansprakelijkheid"
    )
    services.record_dry_run(actor=decider, proposal=request.proposal)
    services.decide(
        actor=decider, proposal=request.proposal, destroy=True, reason="Dossier weg, persoon blijft"
    )
    assert not Case.objects.filter(pk=f.case.pk).exists()
    assert Person.objects.filter(pk=f.victim.pk).exists()
    assert not Person.objects.filter(pk=f.child.pk).exists()  # nothing left, and not kept
    request.refresh_from_db()
    assert request.outcome == RequestOutcome.PARTLY


def test_an_erasure_refused_on_a_legal_ground_keeps_everything(proposer: Any, decider: Any) -> None:
    f = vt_file(closed_on=years_ago(3))
    request = _request(proposer, f.suspect)
    proposal = request.proposal
    with pytest.raises(ValidationError) as no_ground:
        services.decide(actor=decider, proposal=proposal, destroy=False, reason="Belang van het kind")
    assert "ground" in no_ground.value.error_dict
    services.decide(
        actor=decider,
        proposal=proposal,
        destroy=False,
        reason="Bewaring is van aanmerkelijk belang voor het kind",
        ground=KeepGround.OTHER_PERSON,
    )
    proposal.refresh_from_db()
    assert proposal.refusal_ground == KeepGround.OTHER_PERSON
    assert proposal.decision_reason == "Bewaring is van aanmerkelijk belang voor het kind"
    assert Case.objects.filter(pk=f.case.pk).exists() and Person.objects.filter(pk=f.suspect.pk).exists()
    request.refresh_from_db()
    assert request.outcome == RequestOutcome.REFUSED and not Tombstone.objects.exists()
    # A refused request does not hold back the periodic run: no keep-until was set.
    assert all(item.keep_until is None for item in proposal.items.all())


def test_a_request_needs_a_checked_identity_and_a_day_not_in_the_future(proposer: Any) -> None:
    person = vt_file().victim
    with pytest.raises(ValidationError) as refused:
        services.register_request(
            actor=proposer,
            person=person,
            kind=RequestKind.ACCESS,
            received_on=timezone.localdate() + timedelta(days=1),
            channel="fax",
            identity_checked=False,
        )
    assert set(refused.value.error_dict) == {"identity_checked", "received_on", "channel"}
    assert not DataSubjectRequest.objects.exists()


def test_the_export_holds_the_person_and_nothing_about_others(proposer: Any) -> None:
    f = vt_file(bsn="999990019")
    stranger = vt_file()  # another family, nothing to do with the person
    request = _request(proposer, f.victim, kind=RequestKind.ACCESS)
    client = sign_in(Client(), proposer)
    before = AccessLogEntry.objects.count()
    response = client.get(reverse("retention:export_json", args=[request.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert f"{request.reference}.json" in response["Content-Disposition"]
    text = response.content.decode()
    data = json.loads(text)

    assert (
        data["person"][0]["first_names"] == f.victim.first_names and data["person"][0]["bsn"] == "999990019"
    )
    assert [r["reference"] for r in data["reports"]] == [f.report.reference]
    assert len(data["reports"][0]["your_roles"]) == 1
    assert data["reports"][0]["other_people"] == 2
    assert [c["reference"] for c in data["cases"]] == [f.case.reference]
    assert data["cases"][0]["safety_plan"]["your_agreements"]
    assert [o["reference"] for o in data["restraining_orders"]] == [f.order.reference]
    assert data["restraining_orders"][0]["whereabouts_address"] == ""  # the barred person's, not hers
    assert [m["reference"] for m in data["meldcode_records"]] == [f.meldcode.reference]
    assert len(data["shelter"]["stays"]) == 1
    assert [c["case"] for c in data["case_conferences"]] == [f.case.reference]
    assert data["safety_assessments"][0]["reference"] == f.assessment.reference
    assert data["police_incidents"] == []  # only the suspect is in the incident
    assert data["requests"][0]["reference"] == request.reference
    # The narrative is hers, with the others' names taken out.
    assert "[…] […] sloeg " + f.victim.first_names in data["reports"][0]["narrative"]
    for other in (f.suspect, f.child):
        assert other.first_names not in text
    assert f.suspect.surname not in text
    for token in f.report.reporter_name.split():  # the reporter
        assert token not in text
    for person in stranger.people:
        assert person.first_names not in text
    assert stranger.case.reference not in text and stranger.report.reference not in text
    assert f.worker.username not in text and f.worker.last_name not in text

    entry = AccessLogEntry.objects.latest("id")
    assert AccessLogEntry.objects.count() == before + 1
    assert entry.action == Action.EXPORT and entry.user == proposer
    assert list(entry.subjects.values_list("person_id", flat=True)) == [f.victim.pk]
    assert entry.record_type == "retention.SubjectAccessExport" and entry.record_id == str(request.pk)

    # The next export shows that export in the access log section.
    again = json.loads(client.get(reverse("retention:export_json", args=[request.pk])).content)
    assert any(row["record_type"] == "retention.SubjectAccessExport" for row in again["access_log"])

    pdf = client.get(reverse("retention:export_pdf", args=[request.pk]))
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    assert AccessLogEntry.objects.filter(action=Action.EXPORT, subjects__person_id=f.victim.pk).count() == 3


def test_the_export_includes_records_merged_into_the_person(proposer: Any) -> None:
    f = vt_file()
    old_record = Person.objects.create(first_names=f.victim.first_names, surname="Meisjesnaam")
    Person.objects.filter(pk=old_record.pk).update(merged_into=f.victim)
    data = export.gather(f.victim)
    assert {p["number"] for p in data["person"]} == {f.victim.pk, old_record.pk}


def test_the_export_is_for_the_privacy_officer_only(proposer: Any, outsider: Any) -> None:
    f = vt_file()
    request = _request(proposer, f.victim, kind=RequestKind.ACCESS)
    erasure = _request(proposer, f.child)
    for user in (outsider, make_user("intake_worker"), f.worker):
        client = sign_in(Client(), user)
        for name in ("export_json", "export_pdf", "request_detail"):
            assert client.get(reverse(f"retention:{name}", args=[request.pk])).status_code == 403
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()
    officer = sign_in(Client(), proposer)
    assert officer.get(reverse("retention:export_json", args=[erasure.pk])).status_code == 404
    assert Client().get(reverse("retention:export_json", args=[request.pk])).status_code == 302


def test_an_access_request_is_marked_answered(proposer: Any) -> None:
    request = _request(proposer, vt_file().victim, kind=RequestKind.ACCESS)
    services.mark_answered(actor=proposer, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED and request.outcome == RequestOutcome.PROVIDED
    with pytest.raises(ValidationError):
        services.mark_answered(actor=proposer, request=request)


def test_a_case_closed_later_may_be_erased_after_all(proposer: Any, decider: Any) -> None:
    f = vt_file(closed_on=years_ago(1))
    Case.objects.filter(pk=f.case.pk).update(status=CaseStatus.OPEN, closed_on=None)
    request = _request(proposer, f.victim)
    item = request.proposal.items.get(unit_type=UnitType.VEILIG_THUIS_FILE)
    assert item.keep
    Case.objects.filter(pk=f.case.pk).update(status=CaseStatus.CLOSED, closed_on=timezone.localdate())
    services.keep_item(actor=decider, item=item, keep=False)
    services.record_dry_run(actor=decider, proposal=request.proposal)
    services.decide(actor=decider, proposal=request.proposal, destroy=True, reason="Verzoek ingewilligd")
    assert not Report.objects.filter(pk=f.report.pk).exists()
