"""What a file is and when it is due: the retention period per kind of record (region settings),
the youngest-child rule, records still open, and stand-alone records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from haard.core.models import RegionSetting
from haard.huisverbod.models import Appeal, AppealOutcome, OrderStatus, RestrainingOrder
from haard.intake.models import PoliceIncident, Report, ReportPerson
from haard.meldcode.models import MeldcodeRecord, RecordStatus
from haard.retention import files
from haard.retention.models import DataSubjectRequest, UnitType
from haard.retention.rules import add_years
from haard.shelter.models import Placement, PlaceType
from tests.factories import MunicipalityFactory, OrganisationFactory, PersonFactory, make_user
from tests.retention.factories import moment, officer, vt_file, years_ago
from tests.shelter.factories import make_facility

pytestmark = pytest.mark.django_db


def _due(today: object = None) -> dict[tuple[str, int], files.Unit]:
    units = files.due_units(today or timezone.localdate())  # type: ignore[arg-type]
    return {(unit.unit_type, unit.root_id): unit for unit in units}


def test_a_file_holds_every_record_that_hangs_together() -> None:
    f = vt_file()
    (unit,) = files.files_of([("report", f.report.pk)])
    assert unit.unit_type == UnitType.VEILIG_THUIS_FILE
    assert unit.root_id == f.case.pk and unit.reference == f.case.reference
    assert unit.members == {
        ("case", f.case.pk),
        ("report", f.report.pk),
        ("assessment", f.assessment.pk),
        ("handover", f.handover.pk),
        ("incident", f.incident.pk),
        ("order", f.order.pk),
        ("placement", f.placement.pk),
    }
    assert unit.person_ids == {p.pk for p in f.people}
    assert unit.closed and unit.closed_on == f.case.closed_on


def test_a_veilig_thuis_file_is_due_fifteen_years_after_it_closed() -> None:
    due = vt_file(closed_on=years_ago(15, days=1))
    not_yet = vt_file(closed_on=years_ago(15, days=-1))
    found = _due()
    assert (UnitType.VEILIG_THUIS_FILE, due.case.pk) in found
    assert (UnitType.VEILIG_THUIS_FILE, not_yet.case.pk) not in found
    assert found[UnitType.VEILIG_THUIS_FILE, due.case.pk].due_on == add_years(due.case.closed_on, 15)


def test_the_region_setting_changes_the_period() -> None:
    f = vt_file(closed_on=years_ago(16))
    RegionSetting.objects.create(key="retention.veilig_thuis_years", value=20)
    assert (UnitType.VEILIG_THUIS_FILE, f.case.pk) not in _due()
    RegionSetting.objects.filter(key="retention.veilig_thuis_years").update(value=10)
    assert (UnitType.VEILIG_THUIS_FILE, f.case.pk) in _due()


def test_the_last_record_to_close_starts_the_clock() -> None:
    f = vt_file(closed_on=years_ago(16))
    later = Report.objects.create(
        reference="M-LATER",
        kind="report",
        source="police",
        municipality=f.case.municipality,
        received_at=moment(years_ago(14)),
        status="closed",
        registered_by=f.worker,
    )
    Report.objects.filter(pk=later.pk).update(updated_at=moment(years_ago(14)))
    f.case.linked_reports.create(report=later)
    unit = files.files_of([("case", f.case.pk)])[0]
    assert unit.closed_on == years_ago(14)
    assert (UnitType.VEILIG_THUIS_FILE, f.case.pk) not in _due()


def test_an_open_record_keeps_the_whole_file() -> None:
    f = vt_file()
    Report.objects.filter(pk=f.report.pk).update(status="received")
    assert (UnitType.VEILIG_THUIS_FILE, f.case.pk) not in _due()
    Report.objects.filter(pk=f.report.pk).update(status="closed")
    Appeal.objects.create(
        order=f.order, filed_on=f.case.opened_on, outcome=AppealOutcome.PENDING, recorded_by=f.worker
    )
    assert (UnitType.VEILIG_THUIS_FILE, f.case.pk) not in _due()


def test_a_file_is_kept_until_the_youngest_child_turns_eighteen() -> None:
    f = vt_file(closed_on=years_ago(16), child_born=years_ago(10))
    assert (UnitType.VEILIG_THUIS_FILE, f.case.pk) not in _due()
    unit = files.files_of([("case", f.case.pk)])[0]
    assert unit.due_on == add_years(years_ago(10), 18)
    RegionSetting.objects.create(key="retention.until_youngest_child_adult", value=False)
    assert (UnitType.VEILIG_THUIS_FILE, f.case.pk) in _due()


def test_an_open_request_of_someone_in_the_file_keeps_it() -> None:
    f = vt_file()
    DataSubjectRequest.objects.create(
        reference="AVG-T",
        kind="access",
        person=f.suspect,
        subject_id=f.suspect.pk,
        received_on=timezone.localdate(),
        respond_by=timezone.localdate(),
        channel="letter",
        identity_checked=True,
        registered_by=officer("privacy-x"),
    )
    assert (UnitType.VEILIG_THUIS_FILE, f.case.pk) not in _due()


def test_stand_alone_records_have_their_own_periods() -> None:
    municipality = MunicipalityFactory()
    police = OrganisationFactory(type="police")
    worker = make_user("police_officer", team=None)
    person = PersonFactory(birth_date=years_ago(40))
    old_incident = PoliceIncident.objects.create(
        police_organisation=police,
        registration_number="PL-OLD",
        occurred_at=moment(years_ago(5, days=1)),
        municipality=municipality,
        incident_code="HG-FYS",
    )
    new_incident = PoliceIncident.objects.create(
        police_organisation=police,
        registration_number="PL-NEW",
        occurred_at=moment(years_ago(4)),
        municipality=municipality,
        incident_code="HG-FYS",
    )
    order = RestrainingOrder.objects.create(
        reference="HV-ALONE",
        municipality=municipality,
        address=vt_file().household.address,
        barred_person=person,
        imposed_as="mayor",
        imposed_by=worker,
        registered_by_organisation=police,
        imposed_at=moment(years_ago(6)),
        ends_at=moment(years_ago(6)) + timedelta(days=10),
        status=OrderStatus.ENDED,
        facts="Feiten",
    )
    placement = Placement.objects.create(
        facility=make_facility(),
        person=PersonFactory(),
        place_type=PlaceType.ADULT,
        arrived_on=years_ago(8),
        departed_on=years_ago(7, days=1),
        placed_by=worker,
    )
    still_there = Placement.objects.create(
        facility=make_facility(),
        person=PersonFactory(),
        place_type=PlaceType.ADULT,
        arrived_on=years_ago(9),
        placed_by=worker,
    )
    record = MeldcodeRecord.objects.create(
        reference="MC-OLD",
        author=worker,
        organisation=police,
        municipality=municipality,
        concern="Zorg",
        status=RecordStatus.CLOSED_NO_SUSPICION,
        concluded_at=moment(years_ago(15, days=1)),
    )
    found = _due()
    assert (UnitType.POLICE_INCIDENT, old_incident.pk) in found
    assert (UnitType.POLICE_INCIDENT, new_incident.pk) not in found
    assert (UnitType.RESTRAINING_ORDER, order.pk) in found
    assert (UnitType.SHELTER_STAY, placement.pk) in found
    assert (UnitType.SHELTER_STAY, still_there.pk) not in found
    assert (UnitType.MELDCODE_RECORD, record.pk) in found
    # The barred person has a record (the order) until the order is destroyed.
    assert (UnitType.PERSON, person.pk) not in found


def test_a_person_in_no_record_is_due_a_year_after_the_last_change() -> None:
    from haard.registry.models import Person

    alone = PersonFactory()
    recent = PersonFactory()
    in_report = PersonFactory()
    f = vt_file(closed_on=years_ago(2))
    ReportPerson.objects.create(report=f.report, person=in_report, role="other")
    Person.objects.filter(pk__in=[alone.pk, in_report.pk]).update(updated_at=moment(years_ago(2)))
    found = _due()
    assert (UnitType.PERSON, alone.pk) in found
    assert (UnitType.PERSON, recent.pk) not in found
    assert (UnitType.PERSON, in_report.pk) not in found


def test_a_merged_person_goes_with_the_person_they_were_merged_into() -> None:
    from haard.registry.models import Person

    kept = PersonFactory()
    merged = PersonFactory()
    Person.objects.filter(pk=merged.pk).update(merged_into=kept)
    Person.objects.filter(pk__in=[kept.pk, merged.pk]).update(updated_at=moment(years_ago(2)))
    unit = _due()[UnitType.PERSON, kept.pk]
    assert unit.members == {("person", kept.pk), ("person", merged.pk)}
    assert (UnitType.PERSON, merged.pk) not in _due()
