"""People in the API: the same selectors and access log as the pages."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from haard.accounts.access import has_capability
from haard.accounts.api_support import actor_of, require_scope
from haard.registry import selectors
from haard.registry.validation import normalise_bsn

router = Router(tags=["people"])


def _require_region_search(request: HttpRequest) -> None:
    if not has_capability(actor_of(request), "search_people"):
        raise HttpError(403, "Your role does not search people region-wide.")


class PersonOut(Schema):
    id: int
    first_names: str
    surname_prefix: str
    surname: str
    birth_date: date | None
    gender: str
    secret_address: bool
    do_not_contact: bool


@router.get("/", response=list[PersonOut], summary="Search people you may see")
def search_people(request: HttpRequest, q: str = Query(..., min_length=2, max_length=100)) -> list[PersonOut]:
    require_scope(request, "people:read")
    _require_region_search(request)
    return selectors.show_people_search(request=request, query=q)  # type: ignore[return-value]


class PersonSearchIn(Schema):
    """A search in the body keeps a BSN out of URLs, proxy logs and browser history."""

    bsn: str | None = Field(None, max_length=20)
    name: str | None = Field(None, min_length=2, max_length=100)


@router.post("/search", response=list[PersonOut], summary="Search people by BSN or name")
def search_people_by_body(request: HttpRequest, body: PersonSearchIn) -> list[PersonOut]:
    require_scope(request, "people:read")
    _require_region_search(request)
    if body.bsn:
        try:
            query = normalise_bsn(body.bsn)
        except ValidationError as exc:
            raise HttpError(422, f"bsn: {exc.messages[0]}") from None
    elif body.name:
        query = body.name
    else:
        raise HttpError(422, "Give a bsn or a name.")
    return selectors.show_people_search(request=request, query=query, bsn=bool(body.bsn))  # type: ignore[return-value]


@router.get("/suggest", response=list[PersonOut], summary="People for search-as-you-type (at most 10)")
def suggest_people(
    request: HttpRequest, q: str = Query(..., min_length=2, max_length=100)
) -> list[PersonOut]:
    require_scope(request, "people:read")
    _require_region_search(request)
    return selectors.show_person_suggestions(request=request, query=q)  # type: ignore[return-value]


@router.get("/{person_id}", response=PersonOut, summary="One person you may see")
def get_person(request: HttpRequest, person_id: int) -> PersonOut:
    require_scope(request, "people:read")
    if person_id < 1:
        raise HttpError(404, "Not found")
    return selectors.show_person(request=request, pk=person_id)  # type: ignore[return-value]
