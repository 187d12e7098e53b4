"""The review queue, the review and merge pages, and the search-as-you-type fragments: access,
logging, constant query counts and clear errors for bad input."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from haard.accounts.models import OrganisationType, User
from haard.audit.models import AccessLogEntry
from haard.registry.merging import merge_people
from haard.registry.models import MatchStatus, Person, PersonMerge, PossibleMatch
from haard.registry.services import register_person
from tests.conftest import sign_in
from tests.factories import AddressFactory, OrganisationFactory, PersonFactory, TeamFactory, make_user
from tests.intake.factories import make_report

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # The messages are checked in the source language, whatever the catalogue holds.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def reviewer() -> User:
    return make_user(
        "intake_worker",
        team=TeamFactory(organisation=OrganisationFactory(type=OrganisationType.VEILIG_THUIS)),
    )


@pytest.fixture
def pair() -> PossibleMatch:
    a = register_person(
        first_names="Anna", surname="Berg", surname_prefix="van den", birth_date=date(1985, 3, 12)
    )
    b = register_person(
        first_names="Anna", surname="Berg", surname_prefix="van den", birth_date=date(1985, 3, 13)
    )
    return PossibleMatch.objects.create(
        person_a=a,
        person_b=b,
        score=0.97,
        reasons=[{"field": "birth_date", "level": "typo", "weight": 4.0}],
        source="police import",
    )


def _subjects(user: User) -> set[int]:
    entry = AccessLogEntry.objects.filter(user=user).latest("id")
    return set(entry.subjects.values_list("person_id", flat=True))


def test_the_queue_lists_open_pairs_and_logs_everyone_shown(reviewer: User, pair: PossibleMatch) -> None:
    decided = PossibleMatch.objects.create(
        person_a=PersonFactory(), person_b=PersonFactory(), score=0.8, status=MatchStatus.REJECTED
    )
    page = sign_in(Client(), reviewer).get(reverse("registry:match_queue"))
    assert page.status_code == 200
    content = page.content.decode()
    assert reverse("registry:match_review", args=[pair.pk]) in content
    assert reverse("registry:match_review", args=[decided.pk]) not in content
    assert _subjects(reviewer) == {pair.person_a_id, pair.person_b_id}


def test_the_queue_hides_pairs_with_a_merged_person(reviewer: User, pair: PossibleMatch) -> None:
    merge_people(actor=reviewer, keep=pair.person_a, merge=PersonFactory(), reason="x")
    merged = PersonFactory()
    merge_people(actor=reviewer, keep=PersonFactory(), merge=merged, reason="x")
    stale = PossibleMatch.objects.create(person_a=pair.person_a, person_b=merged, score=0.9)
    content = sign_in(Client(), reviewer).get(reverse("registry:match_queue")).content.decode()
    assert reverse("registry:match_review", args=[pair.pk]) in content
    assert reverse("registry:match_review", args=[stale.pk]) not in content


@pytest.mark.parametrize(
    "name", ["registry:match_queue", "registry:person_suggest", "registry:address_suggest"]
)
def test_people_without_region_search_are_refused(name: str, outsider: User, pair: PossibleMatch) -> None:
    before = AccessLogEntry.objects.count()
    response = sign_in(Client(), outsider).get(reverse(name) + "?q=Berg&postcode=1234AB&number=1")
    assert response.status_code == 403
    assert AccessLogEntry.objects.count() == before


def test_the_review_and_merge_pages_refuse_the_outsider(
    outsider: User, reviewer: User, pair: PossibleMatch
) -> None:
    person_merge = merge_people(actor=reviewer, keep=PersonFactory(), merge=PersonFactory(), reason="x")
    client = sign_in(Client(), outsider)
    for url in (
        reverse("registry:match_review", args=[pair.pk]),
        reverse("registry:merge_detail", args=[person_merge.pk]),
    ):
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {"decision": "reject", "reason": "x"}).status_code in (403, 404)
    pair.refresh_from_db()
    assert pair.status == MatchStatus.OPEN
    person_merge.refresh_from_db()
    assert person_merge.active


def test_an_unknown_item_is_404(reviewer: User) -> None:
    client = sign_in(Client(), reviewer)
    assert client.get(reverse("registry:match_review", args=[999999])).status_code == 404
    assert client.get(reverse("registry:merge_detail", args=[999999])).status_code == 404


def test_confirming_merges_and_the_merge_can_be_undone(reviewer: User, pair: PossibleMatch) -> None:
    client = sign_in(Client(), reviewer)
    make_report(actor=reviewer, people=[pair.person_b])
    review = client.get(reverse("registry:match_review", args=[pair.pk]))
    assert review.status_code == 200
    assert "one letter or digit apart" in review.content.decode()
    assert _subjects(reviewer) == {pair.person_a_id, pair.person_b_id}

    response = client.post(
        reverse("registry:match_review", args=[pair.pk]),
        {"decision": "confirm", "keep": pair.person_a_id, "reason": "Same mother, same school"},
    )
    person_merge = PersonMerge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:merge_detail", args=[person_merge.pk])
    assert person_merge.into_id == pair.person_a_id
    assert len(person_merge.moved_links) == 1
    change = AccessLogEntry.objects.filter(user=reviewer, action="change").latest("id")
    assert change.record_type == "registry.PersonMerge"

    # The merged record now leads to the kept one.
    detail = client.get(reverse("registry:person_detail", args=[pair.person_b_id]))
    assert detail.status_code == 302
    assert detail["Location"] == reverse("registry:person_detail", args=[pair.person_a_id])

    page = client.get(reverse("registry:merge_detail", args=[person_merge.pk]))
    assert page.status_code == 200
    assert "Same mother, same school" in page.content.decode()
    undone = client.post(reverse("registry:merge_detail", args=[person_merge.pk]), {"reason": "Cousins"})
    assert undone.status_code == 302
    person_merge.refresh_from_db()
    assert not person_merge.active
    assert Person.objects.get(pk=pair.person_b_id).merged_into is None


def test_rejecting_needs_a_reason_and_records_it(reviewer: User, pair: PossibleMatch) -> None:
    client = sign_in(Client(), reviewer)
    url = reverse("registry:match_review", args=[pair.pk])
    refused = client.post(url, {"decision": "reject", "reason": ""})
    assert refused.status_code == 400
    assert "This field is required" in refused.content.decode() or "required" in refused.content.decode()
    no_keep = client.post(url, {"decision": "confirm", "reason": "x"})
    assert no_keep.status_code == 400
    assert "Choose the record to keep." in no_keep.content.decode()
    wrong_keep = client.post(url, {"decision": "confirm", "keep": 999999, "reason": "x"})
    assert wrong_keep.status_code == 400
    pair.refresh_from_db()
    assert pair.status == MatchStatus.OPEN

    assert client.post(url, {"decision": "reject", "reason": "Different fathers"}).status_code == 302
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by, pair.decision_reason) == (
        MatchStatus.REJECTED,
        reviewer,
        "Different fathers",
    )
    again = client.post(url, {"decision": "reject", "reason": "Again"})
    assert again.status_code == 400
    assert "decided already" in again.content.decode()


def test_the_queue_uses_a_constant_number_of_queries(
    reviewer: User, django_assert_max_num_queries: Any
) -> None:
    client = sign_in(Client(), reviewer)
    url = reverse("registry:match_queue")

    def add(count: int) -> None:
        for _ in range(count):
            PossibleMatch.objects.create(person_a=PersonFactory(), person_b=PersonFactory(), score=0.8)

    add(2)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_person_suggest_lists_at_most_ten_with_radio_buttons(
    reviewer: User, django_assert_max_num_queries: Any
) -> None:
    client = sign_in(Client(), reviewer)
    url = reverse("registry:person_suggest")
    for index in range(3):
        register_person(first_names=f"Anna{index}", surname="Vermeulen", birth_date=date(1980, 1, index + 1))
    client.get(url, {"q": "Vermeulen"}, **HTMX)
    with django_assert_max_num_queries(20) as few:
        client.get(url, {"q": "Vermeulen"}, **HTMX)
    for index in range(20):
        register_person(first_names=f"Piet{index}", surname="Vermeulen")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"q": "vermeul", "field": "people-0-person"}, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('type="radio" name="people-0-person"') == 11  # ten people and "a new person"
    assert len(_subjects(reviewer)) == 10


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("van den berg", {"Anna"}),
        ("Berg, van den", {"Anna"}),
        ("Vandenberg", {"Anna"}),
        ("anna berg", {"Anna"}),
        ("12-03-1985", {"Anna"}),
        ("1985-03-12 berg", {"Anna"}),
        ("Meyer", {"Piet"}),
        ("mei", {"Piet"}),
        ("999990019", {"Piet"}),
        ("anna", set()),  # a first name alone does not search the register
    ],
)
def test_person_suggest_finds_by_name_birth_date_or_bsn(
    reviewer: User, query: str, expected: set[str]
) -> None:
    register_person(
        first_names="Anna", surname="Berg", surname_prefix="van den", birth_date=date(1985, 3, 12)
    )
    register_person(first_names="Piet", surname="Meijer", bsn="999990019")
    register_person(first_names="Kees", surname="Jansen", birth_date=date(1985, 3, 13))
    response = sign_in(Client(), reviewer).get(reverse("registry:person_suggest"), {"q": query}, **HTMX)
    found = {p.first_names for p in Person.objects.filter(pk__in=_subjects(reviewer))}
    assert response.status_code == 200
    assert found == expected
    entry = AccessLogEntry.objects.filter(user=reviewer).latest("id")
    assert "999990019" not in entry.query


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Type a name, a date of birth or a BSN."),
        ({"q": "a"}, "Type at least 2 characters."),
        ({"q": "x" * 101}, "Type at most 100 characters."),
        ({"q": "Berg", "field": "<script>"}, "Not a field name."),
    ],
)
def test_person_suggest_explains_bad_input(reviewer: User, params: dict[str, str], message: str) -> None:
    client = sign_in(Client(), reviewer)
    url = reverse("registry:person_suggest")
    plain = client.get(url, params)
    assert plain.status_code == 400
    assert message in plain.content.decode()
    fragment = client.get(url, params, **HTMX)  # htmx swaps 2xx only: the error comes as 200
    assert fragment.status_code == 200
    assert message in fragment.content.decode()
    assert "<script>" not in fragment.content.decode()


def test_address_suggest_finds_the_stored_address_in_any_spelling(
    reviewer: User, django_assert_max_num_queries: Any
) -> None:
    address = AddressFactory(postcode="1234AB", house_number=12, house_letter="A", street="Dorpsstraat")
    AddressFactory(postcode="1234AB", house_number=12, house_letter="", street="Dorpsstraat")
    client = sign_in(Client(), reviewer)
    url = reverse("registry:address_suggest")
    client.get(url, {"postcode": "1234 ab", "number": "12a"}, **HTMX)
    with django_assert_max_num_queries(16):
        response = client.get(url, {"postcode": "1234 ab", "number": "12-a"}, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert f'value="{address.pk}" checked' in content
    assert content.count('type="radio"') == 2
    entry = AccessLogEntry.objects.filter(user=reviewer).latest("id")
    assert entry.record_type == "registry.Address"
    assert not entry.subjects.exists()

    new = client.get(url, {"postcode": "9999ZZ", "number": "1"}, **HTMX)
    assert "not known yet" in new.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"postcode": "12345", "number": "1"}, "A postcode looks like 1234 AB."),
        ({"postcode": "0123AB", "number": "1"}, "A postcode looks like 1234 AB."),
        ({"postcode": "1234AB", "number": "twaalf"}, "A house number looks like 12, 12a or 12a-2."),
        ({"postcode": "1234AB"}, "Give the house number."),
        ({"number": "1"}, "Give the postcode."),
        ({"postcode": "1234AB" * 5, "number": "1"}, "A postcode looks like 1234 AB."),
    ],
)
def test_address_suggest_explains_bad_input(reviewer: User, params: dict[str, str], message: str) -> None:
    response = sign_in(Client(), reviewer).get(reverse("registry:address_suggest"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_api_suggest(reviewer: User) -> None:
    person = register_person(first_names="Anna", surname="Berg", surname_prefix="van den")
    client = sign_in(Client(), reviewer)
    response = client.get("/api/v1/people/suggest", {"q": "van den berg"})
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [person.pk]
    assert client.get("/api/v1/people/suggest", {"q": "x"}).status_code == 422
    assert client.get("/api/v1/people/suggest", {"q": "x" * 101}).status_code == 422
