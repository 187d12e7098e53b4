"""Two reports about one family taken in at the same moment open one assessment, not two.
Needs row locks, so it runs on PostgreSQL (SQLite writes one at a time)."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from django.db import connection, connections

from haard.triage import services
from haard.triage.models import AssessedReport, Assessment
from tests.factories import make_user
from tests.intake.factories import make_report
from tests.triage.factories import family, intake_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("shared", ["the same person", "the same household"])
def test_two_reports_about_one_family_at_once_open_one_assessment(shared: str, monkeypatch: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    _household, people = family()
    about = [people[0], people[0]] if shared == "the same person" else [people[0], people[1]]
    workers = [intake_worker(), intake_worker()]
    # Each pick-up waits (up to 3 s) for the other right after looking for the family's open
    # assessment: without a lock both find none and both open one.
    looked = threading.Barrier(2, timeout=3)
    look = services.open_assessment_of_family

    def look_then_wait(person_ids: list[int], household_ids: list[int]) -> Any:
        found = look(person_ids, household_ids)
        # When the other is waiting for our lock, it looks once we have committed.
        with contextlib.suppress(threading.BrokenBarrierError):
            looked.wait()
        return found

    monkeypatch.setattr(services, "open_assessment_of_family", look_then_wait)
    started = threading.Barrier(2, timeout=10)
    reports: list[Any] = []
    errors: list[BaseException] = []

    def take(actor: Any, person: Any) -> None:
        try:
            started.wait()
            reports.append(make_report(actor=actor, people=[person]))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=pair) for pair in zip(workers, about, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors and len(reports) == 2
    assessments = set(
        AssessedReport.objects.filter(report__in=reports).values_list("assessment_id", flat=True)
    )
    assert len(assessments) == 1
    assert Assessment.objects.count() == 1
    # And nobody outside Veilig Thuis sees it.
    assert not Assessment.objects.visible_to(make_user("case_manager")).exists()
