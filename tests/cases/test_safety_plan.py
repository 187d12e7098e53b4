"""The safety plan: versions, the changes between them, two users at once, agreements, and
the printed PDF."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haard.audit.models import AccessLogEntry
from haard.cases import selectors, services
from haard.cases.models import PlanAgreement, SafetyMeasure, SafetyPlanVersion
from tests.cases.helpers import measure
from tests.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_every_save_is_a_new_version_and_the_changes_are_visible(own_case: Any, case_manager: Any) -> None:
    first = services.save_safety_plan(
        actor=case_manager,
        case=own_case,
        base_version=0,
        measures=[
            measure(case_manager),
            measure(case_manager, term="long_term", description="Geen contact", days=90),
        ],
    )
    keys = list(first.measures.values_list("key", flat=True))
    second = services.save_safety_plan(
        actor=case_manager,
        case=own_case,
        base_version=1,
        measures=[
            measure(case_manager, key=keys[0], days=1),
            measure(case_manager, term="this_week", description="Gesprek met school", days=4),
        ],
        note="Termijn verschoven",
    )
    assert second.number == 2 and SafetyPlanVersion.objects.filter(plan__case=own_case).count() == 2
    assert SafetyMeasure.objects.filter(version=first).count() == 2  # the old version is kept whole
    changes = selectors.plan_changes(first, second)
    assert [(c.change, c.fields) for c in changes] == [
        ("changed", ("deadline",)),
        ("added", ()),
        ("removed", ()),
    ]
    assert selectors.current_plan(own_case) == second


def test_two_users_at_once_the_second_gets_a_conflict_and_nothing_is_lost(
    own_case: Any, case_manager: Any, team: Any
) -> None:
    colleague = make_user("case_manager", team=team)
    services.save_safety_plan(
        actor=case_manager, case=own_case, base_version=0, measures=[measure(case_manager)]
    )
    # Both open version 1; the colleague saves first.
    services.save_safety_plan(
        actor=colleague,
        case=own_case,
        base_version=1,
        measures=[measure(colleague, description="Buurvrouw als vangnet")],
    )
    with pytest.raises(services.PlanConflictError) as conflict:
        services.save_safety_plan(
            actor=case_manager,
            case=own_case,
            base_version=1,
            measures=[measure(case_manager, description="Mijn wijziging")],
        )
    assert "version 2" in str(conflict.value) and colleague.display_name in str(conflict.value)
    assert services.current_version_number(own_case) == 2
    assert not SafetyMeasure.objects.filter(description="Mijn wijziging").exists()

    # Through the page: the edit stays in the form, the current plan is shown.
    client = sign_in(Client(), case_manager)
    url = reverse("cases:plan_edit", args=[own_case.pk])
    data = {
        "plan-base_version": "1",
        "plan-note": "",
        "measures-TOTAL_FORMS": "1",
        "measures-INITIAL_FORMS": "0",
        "measures-MIN_NUM_FORMS": "0",
        "measures-MAX_NUM_FORMS": "1000",
        "measures-0-key": "",
        "measures-0-term": "today",
        "measures-0-description": "Mijn wijziging",
        "measures-0-owner": str(case_manager.pk),
        "measures-0-deadline": timezone.localdate().isoformat(),
        "measures-0-status": "planned",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "saved version 2" in page and "Buurvrouw als vangnet" in page and "Mijn wijziging" in page
    assert 'name="plan-base_version" value="2"' in page
    # Saving again after seeing the current plan is a deliberate new version.
    data["plan-base_version"] = "2"
    assert client.post(url, data).status_code == 302
    assert services.current_version_number(own_case) == 3


def test_bad_measures_name_the_row_and_field_and_write_nothing(
    own_case: Any, case_manager: Any, outsider: Any
) -> None:
    bad = [
        measure(None),
        measure(outsider),
        services.MeasureInput(
            term="someday", description="x", owner=case_manager, deadline=timezone.localdate()
        ),
        services.MeasureInput(term="today", description=" ", owner=case_manager, deadline=None),
        measure(case_manager, days=-30),
    ]
    with pytest.raises(ValidationError) as error:
        services.save_safety_plan(actor=case_manager, case=own_case, base_version=0, measures=bad)
    assert set(error.value.message_dict) == {
        "measures[0].owner",
        "measures[1].owner",
        "measures[2].term",
        "measures[3].description",
        "measures[3].deadline",
        "measures[4].deadline",
    }
    with pytest.raises(ValidationError) as error:
        services.save_safety_plan(actor=case_manager, case=own_case, base_version=0, measures=[])
    assert "measures" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_safety_plan(
            actor=case_manager, case=own_case, base_version=4, measures=[measure(case_manager)]
        )
    assert "base_version" in error.value.message_dict
    assert not SafetyPlanVersion.objects.exists()


def test_the_plan_page_shows_errors_on_their_row(own_case: Any, case_manager: Any) -> None:
    client = sign_in(Client(), case_manager)
    url = reverse("cases:plan_edit", args=[own_case.pk])

    def post(owner: str, deadline: Any) -> str:
        response = client.post(
            url,
            {
                "plan-base_version": "0",
                "measures-TOTAL_FORMS": "2",
                "measures-INITIAL_FORMS": "0",
                "measures-0-term": "today",
                "measures-0-description": "Eerste",
                "measures-0-owner": str(case_manager.pk),
                "measures-0-deadline": timezone.localdate().isoformat(),
                "measures-0-status": "planned",
                "measures-1-term": "today",
                "measures-1-description": "Tweede",
                "measures-1-owner": owner,
                "measures-1-deadline": deadline.isoformat(),
                "measures-1-status": "planned",
            },
        )
        assert response.status_code == 200
        return response.content.decode()

    assert 'id="id_measures-1-owner_error"' in post("", timezone.localdate())
    assert 'id="id_measures-1-deadline_error"' in post(
        str(case_manager.pk), own_case.opened_on - timedelta(days=3)
    )
    assert not SafetyPlanVersion.objects.exists()


def test_agreements_by_family_and_participants(own_case: Any, case_manager: Any, outsider: Any) -> None:
    version = services.save_safety_plan(
        actor=case_manager, case=own_case, base_version=0, measures=[measure(case_manager)]
    )
    mother = own_case.members.first().person
    services.record_agreement(actor=case_manager, version=version, person=mother)
    services.record_agreement(actor=case_manager, version=version, user=case_manager)
    assert PlanAgreement.objects.filter(version=version).count() == 2
    for kwargs, field in [
        ({"user": outsider}, "party"),
        ({}, "party"),
        ({"person": mother, "agreed_on": timezone.localdate() + timedelta(days=1)}, "agreed_on"),
        ({"person": mother, "agreed_on": timezone.localdate() - timedelta(days=3)}, "agreed_on"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.record_agreement(actor=case_manager, version=version, **kwargs)
        assert field in error.value.message_dict


def test_the_pdf_is_a_pdf_and_printing_is_logged(own_case: Any, case_manager: Any, outsider: Any) -> None:
    services.save_safety_plan(
        actor=case_manager, case=own_case, base_version=0, measures=[measure(case_manager)]
    )
    url = reverse("cases:plan_pdf", args=[own_case.pk])
    assert sign_in(Client(), outsider).get(url).status_code == 404
    response = sign_in(Client(), case_manager).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = AccessLogEntry.objects.filter(user=case_manager).latest("id")
    assert entry.action == "print" and entry.record_type == "cases.SafetyPlan"
    assert set(entry.subjects.values_list("person_id", flat=True)) == set(
        own_case.members.values_list("person_id", flat=True)
    )


def test_the_current_plan_shows_on_the_case_page(own_case: Any, case_manager: Any) -> None:
    services.save_safety_plan(
        actor=case_manager,
        case=own_case,
        base_version=0,
        measures=[measure(case_manager, description="Vader slaapt elders")],
    )
    page = (
        sign_in(Client(), case_manager).get(reverse("cases:case_detail", args=[own_case.pk])).content.decode()
    )
    assert "Vader slaapt elders" in page and "Version 1" in page
