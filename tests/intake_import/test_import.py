"""The import of whole batches: both modes, duplicates, a crash in the middle, the formats."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from haard.accounts.models import User
from haard.intake.imports import pipeline, services
from haard.intake.imports.models import BatchStatus, ImportBatch, ImportedIncident, ImportMode, ImportRowError
from haard.intake.models import PoliceIncident, PoliceIncidentPerson, Severity
from haard.registry.models import Address, Person
from tests.intake_import.helpers import csv_bytes, incident_rows, many_incidents, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(
    actor: User,
    organisation: Any,
    content: bytes,
    *,
    name: str = "export.csv",
    mode: str = ImportMode.VALID_ROWS,
) -> ImportBatch:
    batch = services.start_import(
        actor=actor,
        organisation_id=organisation.pk,
        upload=SimpleUploadedFile(name, content),
        mode=mode,
        language="en",
    )
    batch.refresh_from_db()
    return batch


def snapshot() -> tuple[int, int, int, int]:
    return (
        PoliceIncident.objects.count(),
        PoliceIncidentPerson.objects.count(),
        Person.objects.count(),
        Address.objects.count(),
    )


def test_a_clean_file_imports_every_incident_with_its_people_and_address(
    officer: User, police: Any, municipality: Any
) -> None:
    rows = many_incidents(3, people=3)
    batch = upload(officer, police, csv_bytes(rows))

    assert batch.status == BatchStatus.DONE, batch.failure_message
    assert (batch.rows_total, batch.rows_valid, batch.rows_invalid) == (9, 9, 0)
    assert (batch.incidents_total, batch.incidents_created, batch.incidents_skipped) == (3, 3, 0)
    assert batch.people_created == 9
    assert not batch.file  # the police file is not kept after the import
    incident = PoliceIncident.objects.get(registration_number="PL0900-2026000001")
    assert incident.police_organisation == police
    assert incident.municipality == municipality
    assert incident.severity == Severity.ORANGE
    assert incident.address is not None and incident.address.postcode == "7901AB"
    assert timezone.localtime(incident.occurred_at).hour == 22  # local time, stored aware
    assert sorted(incident.involved.values_list("role", flat=True)) == [
        "child_in_household",
        "suspect",
        "victim",
    ]
    victim = incident.involved.get(role="victim").person
    assert (victim.surname_prefix, victim.birth_date.isoformat()) == ("van der", "1985-04-02")
    assert ImportedIncident.objects.filter(batch=batch).count() == 3
    assert incident.history.first().history_user == officer


def test_a_reimport_of_the_same_file_changes_nothing(officer: User, police: Any, municipality: Any) -> None:
    content = csv_bytes(many_incidents(4))
    first = upload(officer, police, content)
    assert first.incidents_created == 4
    before = snapshot()
    changed = list(PoliceIncident.objects.values_list("pk", "updated_at"))

    again = upload(officer, police, content, mode=ImportMode.ALL_OR_NOTHING)

    assert again.status == BatchStatus.DONE
    assert (again.incidents_created, again.incidents_skipped) == (0, 4)
    assert snapshot() == before
    assert list(PoliceIncident.objects.values_list("pk", "updated_at")) == changed


def test_the_same_number_from_another_police_organisation_is_not_a_duplicate(
    officer: User, other_officer: User, police: Any, other_police: Any, municipality: Any
) -> None:
    content = csv_bytes(incident_rows("PL-1"))
    upload(officer, police, content)
    other = upload(other_officer, other_police, content)
    assert other.incidents_created == 1
    assert PoliceIncident.objects.filter(registration_number="PL-1").count() == 2


def _bad_file() -> bytes:
    rows = many_incidents(3)
    rows[2]["bsn"] = "123456789"  # fails the 11-check: incident 2 is bad
    rows.append({**incident_rows("PL-LAST")[0], "geboortedatum": "31-02-2026"})
    return csv_bytes(rows)


def test_all_or_nothing_writes_nothing_when_one_row_is_wrong(
    officer: User, police: Any, municipality: Any
) -> None:
    before = snapshot()
    batch = upload(officer, police, _bad_file(), mode=ImportMode.ALL_OR_NOTHING)

    assert batch.status == BatchStatus.FAILED
    assert "nothing was imported" in batch.failure_message
    assert snapshot() == before
    assert (batch.rows_valid, batch.rows_invalid, batch.incidents_created) == (5, 2, 0)
    errors = list(ImportRowError.objects.filter(batch=batch).values_list("row_number", "field", "value"))
    assert errors == [(4, "bsn", "123456789"), (8, "birth_date", "31-02-2026")]


def test_valid_rows_mode_imports_the_good_incidents_and_reports_the_others(
    officer: User, police: Any, municipality: Any
) -> None:
    batch = upload(officer, police, _bad_file(), mode=ImportMode.VALID_ROWS)

    assert batch.status == BatchStatus.DONE
    assert (batch.incidents_total, batch.incidents_created, batch.incidents_invalid) == (4, 2, 2)
    imported = set(PoliceIncident.objects.values_list("registration_number", flat=True))
    # The second incident had one bad row: it is left out whole, never half.
    assert imported == {"PL0900-2026000001", "PL0900-2026000003"}
    message = ImportRowError.objects.get(batch=batch, field="birth_date").message
    assert message == "31-02-2026 is not a date that exists."


def test_rows_of_one_incident_need_not_be_next_to_each_other(
    officer: User, police: Any, municipality: Any
) -> None:
    first, second = incident_rows("PL-A", people=3), incident_rows("PL-B", people=2)
    interleaved = [first[0], second[0], first[1], second[1], first[2]]
    batch = upload(officer, police, csv_bytes(interleaved))
    assert batch.incidents_created == 2
    counts = Counter(PoliceIncidentPerson.objects.values_list("incident__registration_number", flat=True))
    assert counts == {"PL-A": 3, "PL-B": 2}


def test_rows_of_one_incident_must_agree_on_the_incident(
    officer: User, police: Any, municipality: Any
) -> None:
    rows = incident_rows("PL-A")
    rows[1]["incidentcode"] = "HG-PSY"
    batch = upload(officer, police, csv_bytes(rows))
    error = ImportRowError.objects.get(batch=batch)
    assert (error.row_number, error.field, error.column) == (3, "incident_code", "incidentcode")
    assert error.message == "Differs from row 2 of the same incident (PL-A)."
    assert not PoliceIncident.objects.exists()


def test_xlsx_with_dates_and_numbers_as_cells(officer: User, police: Any, municipality: Any) -> None:
    from datetime import datetime

    rows: list[dict[str, Any]] = [
        {**row, "datum_incident": datetime(2026, 3, 14, 22, 15), "huisnummer": 12, "bsn": int(row["bsn"])}
        for row in incident_rows("PL-X")
    ]
    batch = upload(officer, police, xlsx_bytes(rows), name="export.xlsx")
    assert batch.status == BatchStatus.DONE, batch.failure_message
    assert batch.incidents_created == 1
    assert batch.file_kind == "xlsx"
    incident = PoliceIncident.objects.get()
    assert incident.address.house_number == 12
    assert timezone.localtime(incident.occurred_at).hour == 22


def test_windows_1252_with_commas(officer: User, police: Any, municipality: Any) -> None:
    rows = incident_rows("PL-W")
    rows[0]["voornamen"] = "Zoë Désirée"
    batch = upload(officer, police, csv_bytes(rows, delimiter=",", encoding="cp1252"))
    assert batch.status == BatchStatus.DONE, batch.failure_message
    assert (batch.encoding, batch.delimiter) == ("cp1252", ",")
    assert Person.objects.filter(first_names="Zoë Désirée").exists()


def test_a_saved_mapping_maps_other_headers_and_codes(officer: User, police: Any, municipality: Any) -> None:
    from haard.intake.imports.models import ColumnMapping
    from tests.intake_import.helpers import HEADER

    ColumnMapping.objects.create(
        organisation=police,
        columns={"registration_number": "BVH-nummer", "role_code": "Betrokkenheid"},
        codes={"role": {"S": "SL", "V": "VD"}, "incident": {"E38": "HG-FYS"}},
    )
    rows = incident_rows("PL-M")
    for row, code in zip(rows, ("S", "V"), strict=True):
        row["BVH-nummer"], row["Betrokkenheid"], row["incidentcode"] = row["registratienummer"], code, "E38"
    header = ["BVH-nummer", "Betrokkenheid", *[h for h in HEADER if h not in ("registratienummer", "rol")]]
    batch = upload(officer, police, csv_bytes(rows, header=header))
    assert batch.status == BatchStatus.DONE, batch.failure_message
    incident = PoliceIncident.objects.get()
    assert incident.incident_code == "HG-FYS"
    assert set(incident.involved.values_list("role", flat=True)) == {"victim", "suspect"}


def test_an_officer_imports_only_for_their_own_police(
    officer: User, other_police: Any, municipality: Any, outsider: User, police: Any
) -> None:
    content = csv_bytes(incident_rows("PL-1"))
    with pytest.raises(PermissionDenied):
        upload(officer, other_police, content)
    with pytest.raises(PermissionDenied):
        upload(outsider, police, content)
    assert not ImportBatch.objects.exists()


def test_veilig_thuis_staff_import_for_any_police(vt_intake: User, police: Any, municipality: Any) -> None:
    batch = upload(vt_intake, police, csv_bytes(incident_rows("PL-1")))
    assert batch.incidents_created == 1


def test_a_file_refused_as_a_whole_stores_nothing(officer: User, police: Any, municipality: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        upload(officer, police, b"%PDF-1.7 not a police export")
    assert refused.value.message_dict == {"file": ["The file is called .csv but is not text."]}
    assert not ImportBatch.objects.exists()


def test_more_rows_than_the_limit_fails_the_batch(
    officer: User, police: Any, municipality: Any, settings: Any
) -> None:
    settings.HAARD_IMPORT_MAX_ROWS = 5
    batch = upload(officer, police, csv_bytes(many_incidents(3)))
    assert batch.status == BatchStatus.FAILED
    assert batch.failure_message == "The file holds more than 5 rows. Split it into smaller files."
    assert not PoliceIncident.objects.exists()
    assert not ImportRowError.objects.filter(batch=batch).exists()


class SimulatedCrash(BaseException):
    """Like the process being killed: not an Exception, so nothing catches it."""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_crash_leaves_whole_incidents_and_a_rerun_imports_exactly_the_rest(
    officer: User, police: Any, municipality: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    content = csv_bytes(many_incidents(5, people=3))
    batch = upload(officer, police, content)
    assert batch.status == BatchStatus.QUEUED

    calls = {"n": 0}

    def crash_on_the_third(incident: PoliceIncident) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise SimulatedCrash  # inside the third incident's transaction, after its people

    monkeypatch.setattr(pipeline, "after_incident", crash_on_the_third)
    with pytest.raises(SimulatedCrash):
        services.run_batch(batch_id=batch.pk)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING  # nobody could mark it: the batch says how far it got
    assert batch.incidents_created == 2
    assert PoliceIncident.objects.count() == 2
    assert all(i.involved.count() == 3 for i in PoliceIncident.objects.all())
    assert PoliceIncidentPerson.objects.count() == 6

    monkeypatch.setattr(pipeline, "after_incident", lambda incident: None)
    rerun = upload(officer, police, content)
    services.run_batch(batch_id=rerun.pk)
    rerun.refresh_from_db()
    assert rerun.status == BatchStatus.DONE
    assert (rerun.incidents_created, rerun.incidents_skipped) == (3, 2)
    assert PoliceIncident.objects.count() == 5
    assert PoliceIncidentPerson.objects.count() == 15

    # A worker that picks the crashed batch up again finishes it too, counting its own.
    services.run_batch(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert (batch.incidents_created, batch.incidents_skipped) == (2, 3)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_left_running_by_a_stopped_worker_is_queued_again_and_finished(
    officer: User, police: Any, municipality: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    batch = upload(officer, police, csv_bytes(many_incidents(4, people=2)))

    calls = {"n": 0}

    def crash_on_the_third(incident: PoliceIncident) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise SimulatedCrash  # the third incident is rolled back, two stand

    monkeypatch.setattr(pipeline, "after_incident", crash_on_the_third)
    with pytest.raises(SimulatedCrash):
        services.run_batch(batch_id=batch.pk)
    monkeypatch.setattr(pipeline, "after_incident", lambda incident: None)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    if connection.vendor != "postgresql":
        # Without PostgreSQL's lock a batch counts as stopped after STALLED_AFTER without progress.
        assert services.resume_stopped_imports() == []
        ImportBatch.objects.filter(pk=batch.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    out = StringIO()
    call_command("resume_imports", stdout=out)
    assert "1 police import(s) queued again" in out.getvalue()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    # What the stopped run wrote counts again as the batch's own; nothing twice.
    assert (batch.incidents_created, batch.incidents_skipped) == (4, 0)
    assert PoliceIncident.objects.count() == 4 and PoliceIncidentPerson.objects.count() == 8
    assert services.resume_stopped_imports() == []  # nothing left running


def test_the_same_person_in_several_incidents_is_one_person(
    officer: User, police: Any, municipality: Any
) -> None:
    first, second = incident_rows("PL-1"), incident_rows("PL-2", house=7)
    second[0] = {**first[0], "registratienummer": "PL-2", "huisnummer": "7"}  # the victim again
    no_bsn = {**first[1], "registratienummer": "PL-3", "bsn": "", "huisnummer": "9"}
    third = [no_bsn, {**no_bsn, "registratienummer": "PL-4"}]
    third[1]["rol"] = "SL"
    batch = upload(officer, police, csv_bytes(first + second + third))
    assert batch.status == BatchStatus.DONE, batch.failure_message
    victim = PoliceIncident.objects.get(registration_number="PL-1").involved.get(role="victim").person
    assert PoliceIncident.objects.get(registration_number="PL-2").involved.filter(person=victim).exists()
    suspect = PoliceIncident.objects.get(registration_number="PL-1").involved.get(role="suspect").person
    assert PoliceIncident.objects.get(registration_number="PL-4").involved.get().person == suspect
    assert (batch.people_created, batch.people_linked) == (3, 3)


def test_a_column_mapping_refuses_unknown_fields_and_codes(police: Any) -> None:
    from haard.intake.imports.models import ColumnMapping

    mapping = ColumnMapping(
        organisation=police, columns={"nickname": "Bijnaam"}, codes={"role": {"S": "XX"}, "colour": {}}
    )
    with pytest.raises(ValidationError) as error:
        mapping.full_clean()
    assert error.value.message_dict == {
        "columns": ["Unknown column names: nickname."],
        "codes": ['Give the lists "incident" and "role".'],
    }
    mapping.codes = {"role": {"S": "XX"}}
    with pytest.raises(ValidationError) as error:
        mapping.full_clean()
    assert error.value.message_dict["codes"] == ["Not in our role codes: XX."]
