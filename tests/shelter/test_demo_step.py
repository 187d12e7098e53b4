"""The demo region's shelter: facilities of several types, the demo user `opvang` on the staff
of some, places never overfilled, children placed with a parent, a waiting list."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import F

from haard.accounts.models import User
from haard.demo import steps as demo_steps
from haard.demo.generator import generate_region
from haard.demo.steps import shelter as shelter_step
from haard.shelter import selectors
from haard.shelter.access import own_facility_ids
from haard.shelter.models import Facility, Placement, PlaceType, Referral, WaitingListEntry

pytestmark = pytest.mark.django_db


def test_the_demo_region_has_a_working_shelter(monkeypatch: pytest.MonkeyPatch) -> None:
    # Only this step on top of the base region: the other steps are tested where they live.
    monkeypatch.setattr(demo_steps, "steps", lambda: [shelter_step])
    summary = generate_region(size="small", seed=11, today=date(2026, 11, 2), history=False)
    assert summary.extra["shelter_placements"] > 10
    assert Facility.objects.values("type").distinct().count() >= 7
    opvang = User.objects.get(username="opvang")
    own = own_facility_ids(opvang)
    assert 1 <= len(own) < Facility.objects.count()
    for row in selectors.occupancy_rows(actor=opvang):
        assert row.adult_occupied <= row.adult_places and row.child_occupied <= row.child_places
        assert (row.address == row.facility.full_address) == (row.facility.pk in own)
    children = Placement.objects.filter(place_type=PlaceType.CHILD)
    assert children.exists()
    assert not children.filter(guardian__isnull=True).exists()
    assert not children.exclude(guardian__facility=F("facility")).exists()
    assert not Placement.objects.filter(departed_on__lt=F("arrived_on")).exists()
    assert WaitingListEntry.objects.filter(status="waiting", facility_id__in=own).exists()
    referral = Referral.objects.get()
    assert referral.to_facility.region_id != referral.waiting_entry.facility.region_id
