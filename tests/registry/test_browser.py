"""The review queue in headless Chromium: a reviewer confirms a possible match, the records
merge, the merge is undone; axe finds no serious or critical violation and the Content Security
Policy holds on every page on the way."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page

from haard.accounts.models import OrganisationType
from haard.registry.models import MatchStatus, Person, PersonMerge, PossibleMatch
from haard.registry.services import register_person
from tests.browser import (
    PageLog,
    assert_accessible,
    assert_no_csp_violations,
    sign_in,
    submit_form_with,
    visit,
)
from tests.factories import OrganisationFactory, TeamFactory, give_totp, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_reviewer_confirms_a_possible_match_and_undoes_it(page: Page, page_log: PageLog) -> None:
    reviewer = make_user(
        "intake_worker",
        team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.VEILIG_THUIS)),
    )
    device = give_totp(reviewer)
    kept = register_person(
        first_names="Anna", surname="Berg", surname_prefix="van den", birth_date=date(1985, 3, 12)
    )
    duplicate = register_person(first_names="Anna", surname="Vandenberg", birth_date=date(1985, 3, 13))
    item = PossibleMatch.objects.create(
        person_a=kept,
        person_b=duplicate,
        score=0.97,
        reasons=[{"field": "birth_date", "level": "typo", "weight": 4.0}],
        source="test",
    )

    sign_in(page, reviewer, device)
    visit(page, "/people/possible-matches/")
    visit(page, f"/people/possible-matches/{item.pk}/")
    page.check("#id_decision_0")  # the same person
    page.check("#id_keep_0")  # keep the first
    page.fill("#id_reason", "Zelfde moeder en school")
    response = submit_form_with(page, "#id_reason")
    person_merge = PersonMerge.objects.get()
    assert response is not None and response.url.endswith(f"/people/merges/{person_merge.pk}/")
    assert_accessible(page)
    item.refresh_from_db()
    assert item.status == MatchStatus.CONFIRMED
    assert Person.objects.get(pk=duplicate.pk).merged_into_id == kept.pk

    page.fill("#id_reason", "Toch twee personen")
    submit_form_with(page, "#id_reason")
    assert_accessible(page)
    person_merge.refresh_from_db()
    assert not person_merge.active
    assert Person.objects.get(pk=duplicate.pk).merged_into_id is None
    assert_no_csp_violations(page_log)
