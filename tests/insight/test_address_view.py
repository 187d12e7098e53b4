"""The address view and the timeline per address: filters, sorting, paging, repeats, secret
addresses, who may see what, the access log and the number of queries."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haard.audit.models import AccessLogEntry
from haard.core.models import RegionSetting
from haard.insight.periods import add_months
from haard.intake.models import ReportSource, Severity
from tests.factories import PersonFactory, make_user
from tests.insight.factories import days_ago, make_incident, make_report, police_user

pytestmark = pytest.mark.django_db

LIST = "insight:address_list"


def _rows(response: Any) -> list[int]:
    """The address ids in the list, in order."""
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'href="/insight/addresses/(\d+)/"', response.content.decode())]


def _get(client: Any, area: Any, **params: Any) -> Any:
    return client.get(reverse(LIST), {"municipality": area.municipality.code, **params})


def _logged(user: Any) -> AccessLogEntry:
    return AccessLogEntry.objects.filter(user=user).latest("id")


def test_every_address_with_an_incident_from_any_source(area: Any, vt: Any, client_for: Any) -> None:
    by_police, by_report, elsewhere, too_old = (area.address() for _ in range(4))
    make_incident(address=by_police, at=days_ago(3))
    make_report(address=by_report, at=days_ago(30))
    make_report(address=too_old, at=days_ago(400))
    other_municipality = make_report(address=elsewhere, at=days_ago(3))
    other_municipality.municipality = type(area.municipality).objects.create(
        region=area.municipality.region, code="GM9999", name="Elders"
    )
    other_municipality.save()
    assert set(_rows(_get(client_for(vt), area))) == {by_police.pk, by_report.pk}


def test_filters_district_neighbourhood_violence_and_source(area: Any, vt: Any, client_for: Any) -> None:
    north = area.address(area.north_a)
    south = area.address(area.south_a)
    make_incident(address=north, at=days_ago(3))
    make_report(address=south, at=days_ago(3), violence=["stalking"], source=ReportSource.PROFESSIONAL)
    client = client_for(vt)
    assert _rows(_get(client, area, district=area.north.code)) == [north.pk]
    assert _rows(_get(client, area, neighbourhood=area.south_a.code)) == [south.pk]
    assert _rows(_get(client, area, violence_type="stalking")) == [south.pk]
    assert (
        _rows(_get(client, area, violence_type="physical")) == []
    )  # police incidents carry no violence type
    assert _rows(_get(client, area, source="police_incident")) == [north.pk]
    assert _rows(_get(client, area, source=ReportSource.PROFESSIONAL)) == [south.pk]
    assert _rows(_get(client, area, source=ReportSource.CITIZEN)) == []


def test_a_district_of_another_municipality_is_refused(area: Any, vt: Any, client_for: Any) -> None:
    from tests.factories import DistrictFactory

    make_incident(address=area.address(), at=days_ago(3))
    response = _get(client_for(vt), area, district=DistrictFactory().code)
    assert response.status_code == 200
    assert "This municipality has no district with this code." in response.content.decode()
    assert _rows(response) == []


def test_sorting(area: Any, vt: Any, client_for: Any) -> None:
    red_once = area.address()
    make_report(address=red_once, at=days_ago(100), severity=Severity.RED)
    green_twice = area.address()  # orange by count
    make_report(address=green_twice, at=days_ago(50), severity=Severity.GREEN)
    make_report(address=green_twice, at=days_ago(60), severity=Severity.GREEN)
    newest = area.address()
    make_incident(address=newest, at=days_ago(1), severity=Severity.YELLOW)
    client = client_for(vt)
    assert _rows(_get(client, area)) == [red_once.pk, green_twice.pk, newest.pk]
    assert _rows(_get(client, area, sort="incidents")) == [green_twice.pk, red_once.pk, newest.pk]
    assert _rows(_get(client, area, sort="recent")) == [newest.pk, green_twice.pk, red_once.pk]


def test_fifty_addresses_per_page(area: Any, vt: Any, client_for: Any) -> None:
    for _ in range(51):
        make_incident(address=area.address(), at=days_ago(2))
    client = client_for(vt)
    assert len(_rows(_get(client, area))) == 50
    assert len(_rows(_get(client, area, page=2))) == 1


def test_the_count_is_of_the_addresses_shown_without_their_joins(area: Any, vt: Any, client_for: Any) -> None:
    both = area.address()
    make_report(address=both, at=days_ago(3))
    make_incident(address=both, at=days_ago(2))
    for _ in range(50):
        make_incident(address=area.address(), at=days_ago(2))
    make_report(address=area.address(), at=days_ago(400))  # before the period: not in the list
    with CaptureQueriesContext(connection) as queries:
        response = _get(client_for(vt), area)
        second = _get(client_for(vt), area, page=2)
    text = response.content.decode()
    assert "51 addresses with incidents" in text and "Page 1 of 2" in text
    assert len(_rows(response)) + len(_rows(second)) == 51
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    # one count a page, of the addresses alone: not of the grouped rows with their reports and
    # incidents
    assert len(counts) == 2
    assert all("GROUP BY" not in sql for sql in counts)


def test_colour_per_incident_and_per_address_with_text(area: Any, vt: Any, client_for: Any) -> None:
    address = area.address()
    make_incident(address=address, at=days_ago(2), severity=Severity.ORANGE)
    make_report(address=address, at=days_ago(1), severity=Severity.GREEN)
    text = _get(client_for(vt), area).content.decode()
    assert "colour--orange" in text and ">Orange<" in text  # the address: orange, by its orange incident
    assert "orange – serious" in text and "green – low" in text  # each incident: its severity, in words


def test_the_incidents_of_an_address_newest_first_eight_and_how_many_more(
    area: Any, vt: Any, client_for: Any
) -> None:
    address = area.address()
    for days in range(1, 11):  # ten: the newest two by the police
        (make_incident if days <= 2 else make_report)(address=address, at=days_ago(days))
    newest = timezone.localtime(days_ago(1))
    text = _get(client_for(vt), area).content.decode()
    marks = re.search(r'<ul class="marks">(.*?)</ul>', text, flags=re.S)
    assert marks is not None
    items = re.findall(r"<li>(.*?)</li>", marks.group(1), flags=re.S)
    assert len(items) == 9 and items[-1] == "and 2 more"
    assert f"<span>{newest.day}-{newest.month}-{newest.year} (police)</span>" in items[0]
    assert "(police)" in items[1] and "(police)" not in items[2]
    assert all('class="colour colour--' in item for item in items[:8])
    sign_in_dutch = client_for(vt)
    sign_in_dutch.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    dutch = _get(sign_in_dutch, area).content.decode()
    assert "(politie)</span>" in dutch and "<li>en nog 2</li>" in dutch


def test_repeats_are_flagged_within_the_window(area: Any, vt: Any, client_for: Any) -> None:
    repeat, single, far_apart = area.address(), area.address(), area.address()
    make_report(address=repeat, at=days_ago(200))
    make_incident(address=repeat, at=days_ago(20))
    make_report(address=single, at=days_ago(20))
    make_report(address=far_apart, at=timezone.now() - timedelta(days=500))
    make_report(address=far_apart, at=days_ago(10))
    client = client_for(vt)

    def flagged() -> set[int]:
        text = _get(client, area).content.decode()
        rows = re.findall(r'href="/insight/addresses/(\d+)/".*?</tr>', text, flags=re.S)
        found = re.findall(r'href="/insight/addresses/(\d+)/"(.*?)</tr>', text, flags=re.S)
        assert len(rows) == 3
        return {int(pk) for pk, rest in found if 'class="repeat"' in rest}

    assert flagged() == {repeat.pk}
    RegionSetting.objects.create(key="insight.repeat_window_months", value=24)
    assert flagged() == {repeat.pk, far_apart.pk}


def test_the_repeat_window_counts_months_on_the_dutch_calendar(
    area: Any, vt: Any, client_for: Any, frozen: Any
) -> None:
    """1 March 00:30 in Amsterdam is 28 February 23:30 UTC: three months on is 1 June, so a
    report on 30 May repeats it (counted from the UTC day, the window ended on 28 May)."""
    frozen(datetime(2026, 6, 15, 12, 0))
    RegionSetting.objects.create(key="insight.repeat_window_months", value=3)
    address = area.address()
    make_report(address=address, at=timezone.make_aware(datetime(2026, 3, 1, 0, 30)))
    make_incident(address=address, at=timezone.make_aware(datetime(2026, 5, 30, 12, 0)))
    text = _get(client_for(vt), area).content.decode()
    assert _rows_html(text)[address.pk].count('class="repeat"') == 1


def _rows_html(text: str) -> dict[int, str]:
    return {
        int(pk): rest
        for pk, rest in re.findall(r'href="/insight/addresses/(\d+)/"(.*?)</tr>', text, flags=re.S)
    }


def test_a_report_linked_to_its_incident_is_not_a_repeat(area: Any, vt: Any, client_for: Any) -> None:
    address = area.address()
    incident = make_incident(address=address, at=days_ago(12))
    make_report(address=address, at=days_ago(10), police_incident=incident)
    assert 'class="repeat"' not in _get(client_for(vt), area).content.decode()


def test_the_list_is_logged_with_the_people_at_the_addresses(area: Any, vt: Any, client_for: Any) -> None:
    victim, suspect, hidden = PersonFactory(), PersonFactory(), PersonFactory()
    make_incident(address=area.address(), at=days_ago(3), people=[victim, suspect])
    make_report(address=area.address(), at=days_ago(500), people=[hidden])  # outside the period
    client_for(vt).get(reverse(LIST), {"municipality": area.municipality.code})
    entry = _logged(vt)
    assert entry.action == "search" and entry.record_type == "insight.AddressView"
    assert set(entry.subjects.values_list("person_id", flat=True)) == {victim.pk, suspect.pk}
    assert area.municipality.code in entry.query


def test_police_see_their_own_incidents_only(
    area: Any, police: Any, police_org: Any, client_for: Any
) -> None:
    own, others, vt_only = area.address(), area.address(), area.address()
    make_incident(address=own, at=days_ago(3), organisation=police_org)
    make_incident(
        address=others, at=days_ago(3), organisation=police_user().memberships.get().team.organisation
    )
    make_report(address=vt_only, at=days_ago(3))
    response = _get(client_for(police), area)
    assert _rows(response) == [own.pk]
    assert "1 address with incidents" in response.content.decode()  # the count: what they see


def test_the_outsider_sees_an_empty_list_and_nobody_is_logged(
    area: Any, outsider: Any, client_for: Any
) -> None:
    person = PersonFactory(surname="Zichtbaar")
    address = area.address(street="Geheimelaan")
    make_incident(address=address, at=days_ago(3), people=[person])
    response = _get(client_for(outsider), area)
    assert _rows(response) == []
    assert "Geheimelaan" not in response.content.decode()
    assert not AccessLogEntry.objects.filter(user=outsider, subjects__isnull=False).exists()
    timeline = client_for(outsider).get(reverse("insight:address_timeline", args=[address.pk]))
    assert timeline.status_code == 404


def test_a_policy_officer_is_sent_to_the_figures(area: Any, policy: Any, client_for: Any) -> None:
    address = area.address()
    make_incident(address=address, at=days_ago(3))
    response = _get(client_for(policy), area)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("insight:address_figures"))
    assert client_for(policy).get(reverse("insight:address_timeline", args=[address.pk])).status_code == 403
    no_role = make_user(None)
    assert _get(client_for(no_role), area).status_code == 403


def test_secret_addresses_are_masked_outside_veilig_thuis(
    area: Any, vt: Any, police: Any, police_org: Any, client_for: Any
) -> None:
    hidden = PersonFactory(secret_address=True)
    address = area.address(street="Schuilplaatsweg")
    make_incident(address=address, at=days_ago(3), people=[hidden], organisation=police_org)
    for url in (
        reverse(LIST) + f"?municipality={area.municipality.code}",
        reverse("insight:address_timeline", args=[address.pk]),
    ):
        seen_by_police = client_for(police).get(url).content.decode()
        assert "Schuilplaatsweg" not in seen_by_police
        assert address.postcode not in seen_by_police
        assert "secret address" in seen_by_police
        seen_by_vt = client_for(vt).get(url).content.decode()
        assert "Schuilplaatsweg" in seen_by_vt


def test_timeline_mixes_sources_newest_first_and_leaves_out_what_the_user_may_not_see(
    area: Any, police: Any, police_org: Any, client_for: Any
) -> None:
    address = area.address()
    person = PersonFactory(first_names="Anna", surname="Jansen")
    oldest = make_incident(address=address, at=days_ago(90), organisation=police_org, people=[person])
    middle = make_report(
        address=address,
        at=days_ago(60),
        source=ReportSource.POLICE,
        reporter_organisation=police_org,
        people=[person],
    )
    newest = make_incident(address=address, at=days_ago(5), organisation=police_org)
    invisible_report = make_report(address=address, at=days_ago(30))  # a phone report: Veilig Thuis only
    invisible_incident = make_incident(
        address=address, at=days_ago(20), organisation=police_user().memberships.get().team.organisation
    )
    response = client_for(police).get(reverse("insight:address_timeline", args=[address.pk]))
    text = response.content.decode()
    order = [
        text.index(ref) for ref in (newest.registration_number, middle.reference, oldest.registration_number)
    ]
    assert order == sorted(order)
    assert invisible_report.reference not in text
    assert invisible_incident.registration_number not in text
    assert "Anna Jansen" in text
    assert "Repeat" in text  # the report came 30 days after the incident (a new event: not linked)
    entry = _logged(police)
    assert entry.record_type == "registry.Address" and entry.record_id == str(address.pk)
    assert set(entry.subjects.values_list("person_id", flat=True)) == {person.pk}


def test_people_with_a_repeat_are_flagged_on_the_timeline(area: Any, vt: Any, client_for: Any) -> None:
    address, moved_to = area.address(), area.address()
    repeating = PersonFactory(first_names="Herhaald", surname="Persoon")
    once = PersonFactory(first_names="Eenmalig", surname="Persoon")
    make_report(address=moved_to, at=days_ago(100), people=[repeating])
    make_incident(address=address, at=days_ago(10), people=[repeating, once])
    text = client_for(vt).get(reverse("insight:address_timeline", args=[address.pk])).content.decode()
    assert re.search(r"Herhaald Persoon \([^)]*\) <span class=\"repeat\">", text)
    assert not re.search(r"Eenmalig Persoon \([^)]*\) <span class=\"repeat\">", text)


def _count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_data(area: Any, n: int, police_org: Any) -> Any:
    last = None
    for i in range(n):
        address = area.address(area.north_a if i % 2 else area.south_a)
        people = [PersonFactory(), PersonFactory()]
        incident = make_incident(address=address, at=days_ago(i + 1), people=people, organisation=police_org)
        make_report(address=address, at=days_ago(i + 0.5), people=people, police_incident=incident)
        make_report(address=address, at=days_ago(i + 40), people=people[:1], severity=Severity.RED)
        last = address
    return last


def test_pages_use_a_constant_number_of_queries(
    area: Any, vt: Any, police_org: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(vt)
    address = _add_data(area, 2, police_org)
    code = area.municipality.code
    urls = [
        reverse(LIST) + f"?municipality={code}",
        reverse(LIST) + f"?municipality={code}&sort=recent&district={area.north.code}",
        reverse("insight:address_timeline", args=[address.pk]),
        reverse("insight:address_figures") + f"?municipality={code}",
    ]
    small = [_count_queries(client, url) for url in urls]
    _add_data(area, 30, police_org)
    large = [_count_queries(client, url) for url in urls]
    assert small == large
    # Session, user, second factor, roles and memberships, five region settings, the filter
    # choices, the page (count, rows, incidents, people), the access log and its savepoints.
    with django_assert_max_num_queries(40):
        client.get(urls[0])


def test_period_defaults_to_the_last_twelve_months(area: Any, vt: Any, client_for: Any) -> None:
    today = timezone.localdate()
    response = _get(client_for(vt), area)
    text = response.content.decode()
    assert f'value="{today.isoformat()}"' in text
    assert f'value="{(add_months(today, -12) + timedelta(days=1)).isoformat()}"' in text
