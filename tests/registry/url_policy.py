"""Access policy rows of the registry's pages and API operations for the URL walk."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.security.policy import Spec


def build(world: Any) -> None:
    """A possible match and a merge, both involving world.person, for the review pages."""
    from haard.registry.merging import merge_people
    from haard.registry.models import PossibleMatch
    from tests.factories import PersonFactory

    other = PersonFactory(first_names=world.person.first_names, surname=world.person.surname)
    world.extra["possible_match"] = PossibleMatch.objects.create(
        person_a=world.person, person_b=other, score=0.8, reasons=[], source="test"
    )
    duplicate = PersonFactory(first_names=world.person.first_names, surname=world.person.surname)
    world.extra["person_merge"] = merge_people(
        actor=world.intake, keep=world.person, merge=duplicate, reason="Same person"
    )
    world.extra["address"] = world.case.household.address


def _address_query(world: Any) -> str:
    address = world.extra["address"]
    return f"?postcode={address.postcode}&number={address.house_number}"


PAGES = {
    "registry:person_suggest": Spec(
        lambda w: reverse("registry:person_suggest") + f"?q={w.person.surname}", lambda w: w.intake
    ),
    # Shows addresses, no person: logged as a search of registry.Address.
    "registry:address_suggest": Spec(
        lambda w: reverse("registry:address_suggest") + _address_query(w),
        lambda w: w.intake,
        shows=lambda w: None,
    ),
    "registry:match_queue": Spec(lambda w: reverse("registry:match_queue"), lambda w: w.intake),
    "registry:match_review": Spec(
        lambda w: reverse("registry:match_review", args=[w.extra["possible_match"].pk]), lambda w: w.intake
    ),
    "registry:merge_detail": Spec(
        lambda w: reverse("registry:merge_detail", args=[w.extra["person_merge"].pk]), lambda w: w.intake
    ),
}

API = {
    ("GET", "/api/v1/people/suggest"): Spec(
        lambda w: f"/api/v1/people/suggest?q={w.person.surname}", lambda w: w.intake
    ),
}
