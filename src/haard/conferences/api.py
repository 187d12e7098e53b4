"""Case conferences in the API: the same selectors and access log as the pages.

Reads need the scope `cases:read`; marking an action done needs `conferences:write`. The
minutes, decisions and actions of an agenda item are in a response only for a participant who
also works on the case (see haard.conferences.models)."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from haard.accounts.api_support import actor_of, require_scope
from haard.audit.models import Action
from haard.conferences import selectors, services
from haard.conferences.models import ActionItem, Conference

router = Router(tags=["conferences"])


class ParticipantOut(Schema):
    user: str
    organisation: str
    basis: str
    basis_explanation: str


class ConferenceSummaryOut(Schema):
    id: int
    kind: str
    title: str
    starts_at: datetime
    location: str
    chair: str


class ConferenceOut(ConferenceSummaryOut):
    participants: list[ParticipantOut]


class ActionOut(Schema):
    id: int
    agenda_item_id: int
    case_reference: str
    conference_id: int
    description: str
    owner: str
    deadline: date
    status: str
    done_on: date | None
    done_by: str | None


class AgendaItemOut(Schema):
    id: int
    position: int
    case_reference: str
    # Everything below is given only when you work on the case; otherwise null.
    minutes_shown: bool
    case_id: int | None
    person_ids: list[int] | None
    criteria: list[str] | None
    reason: str | None
    minutes: str | None
    decisions: list[str] | None
    actions: list[ActionOut] | None


def _summary(conference: Conference) -> dict[str, object]:
    return {
        "id": conference.pk,
        "kind": conference.kind,
        "title": conference.title,
        "starts_at": conference.starts_at,
        "location": conference.location,
        "chair": conference.chair.display_name,
    }


def _action(action: ActionItem, *, case_reference: str, conference_id: int) -> dict[str, object]:
    return {
        "id": action.pk,
        "agenda_item_id": action.agenda_item_id,
        "case_reference": case_reference,
        "conference_id": conference_id,
        "description": action.description,
        "owner": action.owner.display_name,
        "deadline": action.deadline,
        "status": action.status,
        "done_on": action.done_on,
        "done_by": action.done_by.display_name if action.done_by else None,
    }


def _action_out(action: ActionItem) -> dict[str, object]:
    item = action.agenda_item
    return _action(action, case_reference=item.case.reference, conference_id=item.conference_id)


@router.get(
    "/", response=list[ConferenceSummaryOut], summary="Conferences you chair or take part in, 50 per page"
)
def list_conferences(request: HttpRequest, page: int = Query(1, ge=1, le=100_000)) -> list[dict[str, object]]:
    require_scope(request, "cases:read")
    shown = selectors.conference_page(actor=actor_of(request), page_number=page, strict=True)
    return [_summary(c) for c in shown.object_list]


class ActionFilterIn(Schema):
    show: str = Field("open", pattern="^(open|overdue|done|all)$")
    mine: bool = False
    page: int = Field(1, ge=1, le=100_000)


@router.get(
    "/actions",
    response=list[ActionOut],
    summary="Actions you own or follow as chair: open, overdue, done or all; 50 per page",
)
def list_actions(request: HttpRequest, filters: Query[ActionFilterIn]) -> list[dict[str, object]]:
    require_scope(request, "cases:read")
    page = selectors.show_action_page(
        request=request,
        show=filters.show,
        today=timezone.localdate(),
        page_number=filters.page,
        strict=True,
        mine_only=filters.mine,
    )
    return [_action_out(a) for a in page.object_list]


@router.get("/actions/{action_id}", response=ActionOut, summary="One action you may see")
def get_action(request: HttpRequest, action_id: int) -> dict[str, object]:
    require_scope(request, "cases:read")
    return _action_out(selectors.show_action(request=request, pk=action_id))


class DoneIn(Schema):
    done_on: date | None = None
    note: str = Field("", max_length=2000)


@router.post(
    "/actions/{action_id}/done",
    response=ActionOut,
    summary="Mark an action done (its owner, or the chair of its conference)",
)
def mark_done(request: HttpRequest, action_id: int, body: DoneIn) -> dict[str, object]:
    require_scope(request, "conferences:write")
    action = selectors.show_action(request=request, pk=action_id, action=Action.CHANGE)
    try:
        done = services.mark_action_done(
            actor=actor_of(request), action=action, done_on=body.done_on, note=body.note
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except ValidationError as exc:
        field, messages = next(iter(getattr(exc, "message_dict", {"": exc.messages}).items()))
        raise HttpError(422, f"{field}: {messages[0]}" if field else messages[0]) from None
    return _action_out(selectors.action_detail(actor=actor_of(request), pk=done.pk) or done)


# After the /actions routes: a conference id never swallows "actions".
@router.get("/{conference_id}", response=ConferenceOut, summary="One conference with its participants")
def get_conference(request: HttpRequest, conference_id: int) -> dict[str, object]:
    require_scope(request, "cases:read")
    conference, _entries = selectors.conference_detail(actor=actor_of(request), pk=conference_id)
    return {
        **_summary(conference),
        "participants": [
            {
                "user": p.user.display_name,
                "organisation": p.organisation.name,
                "basis": p.basis,
                "basis_explanation": p.basis_explanation,
            }
            for p in conference.participants.all()
        ],
    }


@router.get(
    "/{conference_id}/agenda",
    response=list[AgendaItemOut],
    summary="The agenda of a conference, with minutes for the cases you work on",
)
def get_agenda(request: HttpRequest, conference_id: int) -> list[dict[str, object]]:
    require_scope(request, "cases:read")
    conference, entries = selectors.show_conference(request=request, pk=conference_id)
    result: list[dict[str, object]] = []
    for entry in entries:
        item = entry.item
        row: dict[str, object] = {
            "id": item.pk,
            "position": item.position,
            "case_reference": item.case.reference,
            "minutes_shown": entry.sees_minutes,
            "case_id": None,
            "person_ids": None,
            "criteria": None,
            "reason": None,
            "minutes": None,
            "decisions": None,
            "actions": None,
        }
        if entry.sees_minutes:
            row |= {
                "case_id": item.case_id,
                "person_ids": entry.person_ids,
                "criteria": [c.code for c in item.criteria.all()],
                "reason": item.reason,
                "minutes": item.minutes,
                "decisions": [d.text for d in item.decisions.all()],
                "actions": [
                    _action(a, case_reference=item.case.reference, conference_id=conference.pk)
                    for a in item.actions.all()
                ],
            }
        result.append(row)
    return result
