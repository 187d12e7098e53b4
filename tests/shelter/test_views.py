"""Shelter pages and API: need to know, the secret address across every role and page, the
access log, bad input through the forms, query counts, the work list and the menu."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haard.accounts.models import Membership, Organisation, OrganisationType, Role, User
from haard.audit.models import AccessLogEntry
from haard.core.worklist import work_for
from haard.registry.models import Person
from haard.shelter.models import Facility, Placement, PlaceType, Priority, WaitingListEntry, WaitingStatus
from tests.conftest import sign_in
from tests.factories import (
    OrganisationFactory,
    RegionFactory,
    TeamFactory,
    make_case,
    make_user,
)
from tests.shelter.factories import SECRET, coordinator_of, days_ago, make_facility, place, wait

pytestmark = pytest.mark.django_db

ROLES = [
    "intake_worker",
    "safety_assessor",
    "case_manager",
    "professional",
    "police_officer",
    "mayors_office",
    "shelter_coordinator",
    "policy_officer",
    "privacy_officer",
    "administrator",
]


@dataclass
class Shelter:
    facility: Facility
    coordinator: User
    mother: Placement
    child: Placement
    entry: WaitingListEntry
    far: Facility


@pytest.fixture
def shelter() -> Shelter:
    facility = make_facility(adult=3, child=3)
    coordinator = coordinator_of(facility, username="opvang-test")
    mother = place(facility, by=coordinator, planned_departure_on=timezone.localdate() + timedelta(days=3))
    child = place(facility, by=coordinator, place_type=PlaceType.CHILD, guardian=mother)
    entry = wait(facility, by=coordinator, priority=Priority.URGENT)
    far = make_facility(region=RegionFactory(name="Verre regio"), street="Andere Geheimstraat 3")
    return Shelter(facility, coordinator, mother, child, entry, far)


def _urls(s: Shelter) -> list[tuple[str, str]]:
    """(method, url) of every shelter page and API operation."""
    f, p, e = s.facility.pk, s.mother.pk, s.entry.pk
    return [
        ("GET", reverse("shelter:home")),
        ("GET", reverse("shelter:capacity")),
        ("GET", reverse("shelter:capacity") + f"?region={s.facility.region_id}"),
        ("GET", reverse("shelter:capacity") + f"?region={s.far.region_id}"),
        ("GET", reverse("shelter:facility_detail", args=[f])),
        ("GET", reverse("shelter:place", args=[f])),
        ("GET", reverse("shelter:waiting_add", args=[f])),
        ("GET", reverse("shelter:placement_detail", args=[p])),
        ("GET", reverse("shelter:placement_detail", args=[s.child.pk])),
        ("GET", reverse("shelter:depart", args=[p])),
        ("GET", reverse("shelter:move", args=[p])),
        ("GET", reverse("shelter:refer", args=[e])),
        ("GET", "/api/v1/shelter/occupancy"),
        ("GET", f"/api/v1/shelter/occupancy?region_id={s.facility.region_id}"),
        ("GET", f"/api/v1/shelter/facilities/{f}/placements"),
        ("GET", reverse("work:my_work")),
        ("GET", reverse("web:home")),
    ]


_PERSONAL = ("facility_detail", "place", "placement", "departure", "move", "refer", "/placements")


def _users(s: Shelter) -> list[tuple[str, User]]:
    """Every role in the facility's own organisation, in another shelter organisation, in Veilig
    Thuis and in a social team; and someone without a role."""
    roles = {role.key: role for role in Role.objects.all()}
    orgs: dict[str, Organisation] = {
        "own_org": s.facility.organisation,
        "other_shelter": OrganisationFactory(type=OrganisationType.SHELTER),
        "veilig_thuis": OrganisationFactory(type=OrganisationType.VEILIG_THUIS),
        "social_team": OrganisationFactory(type=OrganisationType.SOCIAL_TEAM),
    }
    make_facility(organisation=orgs["other_shelter"], region=s.facility.region, street="Weer Een Straat 1")
    users = []
    for position, organisation in orgs.items():
        team = TeamFactory(organisation=organisation)
        for key in ROLES:
            if position == "own_org" and key == "shelter_coordinator":
                continue  # that is the facility's own staff
            user = make_user(None, username=f"{key}-{position}")
            Membership.objects.create(user=user, team=team, role=roles[key])
            users.append((f"{key}/{position}", user))
    users.append(("no role", make_user(None, username="no-role")))
    return users


def test_the_secret_address_never_reaches_anyone_but_the_facilitys_staff(shelter: Shelter) -> None:
    leaks, refusals = [], []
    for label, user in _users(shelter):
        client = sign_in(Client(), user)
        for method, url in _urls(shelter):
            response = client.generic(method, url)
            assert response.status_code < 500, (label, url)
            text = response.content.decode()
            leaks.extend(f"{label} {url}" for secret in (SECRET, "Andere Geheimstraat") if secret in text)
            if any(part in url for part in _PERSONAL) and response.status_code not in (403, 404):
                refusals.append(f"{label} {url}: {response.status_code}")
            if shelter.mother.person.surname in text or shelter.entry.person.surname in text:
                leaks.append(f"{label} {url}: a name")
        assert not AccessLogEntry.objects.filter(user=user, subjects__isnull=False).exists(), label
    assert not leaks, leaks
    assert not refusals, refusals


def test_the_staff_see_their_address_and_people_and_every_view_is_logged(shelter: Shelter) -> None:
    client = sign_in(Client(), shelter.coordinator)
    people = {shelter.mother.person_id, shelter.child.person_id, shelter.entry.person_id}
    for url in (
        reverse("shelter:home"),
        reverse("shelter:capacity"),
        reverse("shelter:facility_detail", args=[shelter.facility.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert SECRET in response.content.decode()
    # The other region's address stays secret for them too.
    response = client.get(reverse("shelter:capacity") + f"?region={shelter.far.region_id}")
    assert "Andere Geheimstraat" not in response.content.decode()
    assert "secret address" in response.content.decode()
    entry = AccessLogEntry.objects.filter(user=shelter.coordinator, record_type="shelter.Facility").latest(
        "id"
    )
    assert set(entry.subjects.values_list("person_id", flat=True)) == people
    for url in (
        reverse("shelter:placement_detail", args=[shelter.mother.pk]),
        reverse("shelter:depart", args=[shelter.mother.pk]),
        reverse("shelter:move", args=[shelter.mother.pk]),
        reverse("shelter:refer", args=[shelter.entry.pk]),
        reverse("shelter:place", args=[shelter.facility.pk]),
        f"/api/v1/shelter/facilities/{shelter.facility.pk}/placements",
    ):
        before = AccessLogEntry.objects.count()
        response = client.get(url)
        assert response.status_code == 200, url
        assert AccessLogEntry.objects.count() == before + 1, url
    body = client.get(f"/api/v1/shelter/facilities/{shelter.facility.pk}/placements").json()
    assert {row["person_id"] for row in body} == {shelter.mother.person_id, shelter.child.person_id}


def test_capacity_figures_for_policy_veilig_thuis_and_coordinators_only(shelter: Shelter) -> None:
    policy = make_user("policy_officer")
    vt = make_user("intake_worker", team=TeamFactory(organisation=OrganisationFactory(type="veilig_thuis")))
    other_coordinator = coordinator_of(make_facility())
    for user in (policy, vt, other_coordinator):
        client = sign_in(Client(), user)
        response = client.get(reverse("shelter:capacity") + f"?region={shelter.facility.region_id}")
        assert response.status_code == 200
        text = response.content.decode()
        assert shelter.facility.name in text and "secret address" in text
        occupancy = client.get("/api/v1/shelter/occupancy").json()
        row = next(f for region in occupancy for f in region["facilities"] if f["id"] == shelter.facility.pk)
        assert row["address"] == "secret address"
        assert row["places"] == [
            {"place_type": "adult", "places": 3, "occupied": 1, "free": 2},
            {"place_type": "child", "places": 3, "occupied": 1, "free": 2},
        ]
    for key in ("case_manager", "professional", "police_officer", "mayors_office", "privacy_officer"):
        client = sign_in(Client(), make_user(key))
        assert client.get(reverse("shelter:capacity")).status_code == 403
        assert client.get("/api/v1/shelter/occupancy").status_code == 403
    assert Client().get("/api/v1/shelter/occupancy").status_code == 401


def test_capacity_bad_filters(shelter: Shelter) -> None:
    client = sign_in(Client(), shelter.coordinator)
    response = client.get(reverse("shelter:capacity") + "?region=abc&type=spa")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert client.get("/api/v1/shelter/occupancy?region_id=999999").status_code == 404
    assert client.get("/api/v1/shelter/occupancy?type=spa").status_code == 422
    assert client.get("/api/v1/shelter/facilities/999999/placements").status_code == 404


def _place_form(**extra: str) -> dict[str, str]:
    data = {
        "first_names": "Fatima",
        "surname": "El Amrani",
        "birth_date": "1990-03-04",
        "gender": "f",
        "arrived_on": timezone.localdate().isoformat(),
        "child_1_first_names": "Yasmin",
        "child_1_birth_date": "2016-05-06",
        "child_2_first_names": "Omar",
        "child_2_birth_date": "2019-07-08",
    }
    data.update(extra)
    return data


def test_placing_a_family_through_the_page(shelter: Shelter) -> None:
    client = sign_in(Client(), shelter.coordinator)
    response = client.post(reverse("shelter:place", args=[shelter.facility.pk]), _place_form())
    assert response.status_code == 302
    mother = Placement.objects.get(person__first_names="Fatima")
    assert response["Location"] == reverse("shelter:placement_detail", args=[mother.pk])
    assert sorted(c.person.first_names for c in mother.children.all()) == ["Omar", "Yasmin"]
    assert {c.person.surname for c in mother.children.all()} == {"El Amrani"}


def test_placing_bad_input_through_the_page_saves_nothing(shelter: Shelter) -> None:
    client = sign_in(Client(), shelter.coordinator)
    url = reverse("shelter:place", args=[shelter.facility.pk])
    other_case = make_case(team=TeamFactory(), reference="T-OTHERS")
    people, placements = Person.objects.count(), Placement.objects.count()
    too_many = _place_form(
        child_3_first_names="Sara", child_4_first_names="Adam"
    )  # 4 children, 2 child places free
    response = client.post(url, too_many)
    assert response.status_code == 200
    assert "is full" in response.content.decode()
    response = client.post(url, _place_form(surname="", first_names=""))
    assert "Name the adult" in response.content.decode()
    response = client.post(url, _place_form(case_reference="T-NOPE"))
    assert "No case you work on has this reference." in response.content.decode()
    response = client.post(url, _place_form(arrived_on="not a date"))
    assert response.status_code == 200 and "Enter a valid date." in response.content.decode()
    response = client.post(url, _place_form(case_reference=other_case.reference))
    assert "No case you work on has this reference." in response.content.decode()
    assert (Person.objects.count(), Placement.objects.count()) == (people, placements)


def test_departure_and_move_pages(shelter: Shelter) -> None:
    client = sign_in(Client(), shelter.coordinator)
    url = reverse("shelter:depart", args=[shelter.mother.pk])
    response = client.post(url, {"departed_on": days_ago(30).isoformat(), "destination": "own_home"})
    assert "The departure cannot lie before the arrival" in response.content.decode()
    response = client.post(url, {"departed_on": days_ago(0).isoformat(), "destination": "new_home"})
    assert response.status_code == 302
    shelter.child.refresh_from_db()
    assert shelter.child.departed_on == days_ago(0) and shelter.child.destination == "new_home"

    other = place(shelter.facility, by=shelter.coordinator)
    target = make_facility(region=shelter.facility.region, adult=0)
    response = client.post(
        reverse("shelter:move", args=[other.pk]),
        {"to_facility": target.pk, "moved_on": days_ago(0).isoformat()},
    )
    assert "is full" in response.content.decode()
    response = client.post(
        reverse("shelter:move", args=[other.pk]),
        {"to_facility": 999_999, "moved_on": days_ago(0).isoformat()},
    )
    assert "Select a valid choice" in response.content.decode()
    assert Placement.objects.filter(moved_from__isnull=False).count() == 0


def test_waiting_list_and_referral_pages(shelter: Shelter) -> None:
    client = sign_in(Client(), shelter.coordinator)
    url = reverse("shelter:waiting_add", args=[shelter.facility.pk])
    response = client.post(url, {"surname": "", "priority": 1, "reason": "", "children": 0, "gender": "f"})
    assert response.status_code == 200
    assert WaitingListEntry.objects.count() == 1
    response = client.post(
        url,
        {
            "first_names": "Ans",
            "surname": "Bakker",
            "priority": 2,
            "reason": "Stalking",
            "children": 1,
            "gender": "f",
        },
    )
    assert response.status_code == 302
    assert WaitingListEntry.objects.filter(person__surname="Bakker", children=1).exists()

    refer = reverse("shelter:refer", args=[shelter.entry.pk])
    response = client.post(refer, {"to_facility": shelter.facility.pk, "ground": "other", "reason": "x"})
    assert "Select a valid choice" in response.content.decode()  # own region is not offered
    response = client.post(
        refer, {"to_facility": shelter.far.pk, "ground": "honour_related", "reason": "Familie zoekt haar."}
    )
    assert response.status_code == 302
    shelter.entry.refresh_from_db()
    assert shelter.entry.status == WaitingStatus.REFERRED
    detail = client.get(reverse("shelter:facility_detail", args=[shelter.facility.pk])).content.decode()
    assert "Familie zoekt haar." in detail and "Andere Geheimstraat" not in detail


def test_pages_and_api_use_a_fixed_number_of_queries(
    shelter: Shelter, django_assert_max_num_queries: Any
) -> None:
    client = sign_in(Client(), shelter.coordinator)
    urls = [
        reverse("shelter:facility_detail", args=[shelter.facility.pk]),
        reverse("shelter:capacity"),
        reverse("shelter:home"),
        reverse("shelter:place", args=[shelter.facility.pk]),
        f"/api/v1/shelter/facilities/{shelter.facility.pk}/placements",
        "/api/v1/shelter/occupancy",
    ]

    def counts() -> list[int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    small = counts()
    shelter.facility.adult_places = shelter.facility.child_places = 40
    shelter.facility.save()
    for _ in range(8):
        mother = place(shelter.facility, by=shelter.coordinator)
        place(shelter.facility, by=shelter.coordinator, place_type=PlaceType.CHILD, guardian=mother)
        wait(shelter.facility, by=shelter.coordinator)
    for _ in range(5):
        make_facility(region=shelter.facility.region)
    assert counts() == small
    with django_assert_max_num_queries(max(small) + 2):
        client.get(urls[0])


def test_work_list_shows_waiting_and_planned_departures_to_the_staff_only(
    shelter: Shelter, django_assert_num_queries: Any
) -> None:
    today = timezone.localdate()
    items = [i for i in work_for(shelter.coordinator, today) if i.kind.startswith("shelter.")]
    assert {(i.kind, i.person_ids) for i in items} == {
        ("shelter.waiting", (shelter.entry.person_id,)),
        ("shelter.departure", (shelter.mother.person_id,)),
    }
    waiting = next(i for i in items if i.kind == "shelter.waiting")
    assert waiting.due == today  # urgent
    from haard.shelter.work import shelter_work

    for _ in range(5):
        wait(shelter.facility, by=shelter.coordinator)
    with django_assert_num_queries(2):
        list(shelter_work(shelter.coordinator, today, 50))
    for other in (coordinator_of(make_facility()), make_user("case_manager")):
        assert not [i for i in work_for(other, today) if i.kind.startswith("shelter.")]


def test_the_waiting_since_date_is_the_dutch_day(shelter: Shelter) -> None:
    # 23:30 on 4 December in UTC is half past midnight on 5 December in the Netherlands.
    WaitingListEntry.objects.filter(pk=shelter.entry.pk).update(
        registered_at=datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    )
    items = work_for(shelter.coordinator, timezone.localdate())
    waiting = next(i for i in items if i.kind == "shelter.waiting")
    assert "05-12-2026" in str(waiting.detail)


def test_menu_offers_shelter_to_coordinators(shelter: Shelter) -> None:
    text = sign_in(Client(), shelter.coordinator).get(reverse("web:home")).content.decode()
    assert reverse("shelter:home") in text and reverse("shelter:capacity") in text
    outsider = sign_in(Client(), make_user("case_manager")).get(reverse("web:home")).content.decode()
    assert reverse("shelter:home") not in outsider


def test_anonymous_is_sent_to_sign_in_and_api_refuses(shelter: Shelter) -> None:
    for method, url in _urls(shelter):
        response = Client().generic(method, url)
        if url.startswith("/api/"):
            assert response.status_code == 401
        elif url != reverse("web:home"):
            assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_outsider_api_client_gets_nothing(shelter: Shelter, outsider: User) -> None:
    from haard.accounts.models import ApiClient
    from haard.accounts.services import issue_api_token

    client = ApiClient.objects.create(
        name="Partner", organisation=OrganisationFactory(), user=outsider, scopes=["people:read"]
    )
    token = issue_api_token(client=client)
    response = Client().get(
        f"/api/v1/shelter/facilities/{shelter.facility.pk}/placements", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 404
    assert shelter.mother.person.surname not in json.dumps(response.json())
