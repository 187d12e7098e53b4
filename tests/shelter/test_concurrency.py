"""Two coordinators place into the last place at the same moment: one wins, the other is told
the facility is full. Needs row locks, so it runs on PostgreSQL (SQLite writes one at a time)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from haard.shelter import services
from haard.shelter.models import Placement
from tests.factories import PersonFactory
from tests.shelter.factories import coordinator_of, days_ago, make_facility

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_coordinators_race_for_the_last_place() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    facility = make_facility(adult=1, child=0)
    first, second = coordinator_of(facility), coordinator_of(facility)
    people = [PersonFactory(), PersonFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(actor: object, person: object) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            services.place_family(actor=actor, facility_id=facility.pk, adult=person, arrived_on=days_ago(0))  # type: ignore[arg-type]
            outcomes.append("placed")
        except ValidationError as exc:
            outcomes.append(exc.message_dict["facility"][0])
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip((first, second), people, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("placed") == 1
    refusal = next(o for o in outcomes if o != "placed")
    assert "is full" in refusal and "0 free" in refusal
    assert Placement.objects.filter(facility=facility).count() == 1
