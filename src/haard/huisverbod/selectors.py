"""Reads for restraining orders. Every function reads through `visible_to(actor)`; the show_*
functions are what pages and API operations call, and each writes its access-log entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from haard.accounts.models import Membership, User
from haard.audit.models import Action
from haard.audit.services import log_access
from haard.core.paging import page_of
from haard.huisverbod.models import (
    Appeal,
    ContactBanPerson,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    DecisionDocument,
    HelpStatus,
    HelpTask,
    OrderStatus,
    RestrainingOrder,
    RiskScore,
)

PAGE_SIZE = 50
# Deadlines that are dates rather than tasks: never "overdue".
END_KINDS = (DeadlineKind.ORDER_END, DeadlineKind.LATEST_END)
# Tasks that lapse with the order's end (an order not extended simply ends).
LAPSING_KINDS = (DeadlineKind.HEARING, DeadlineKind.EXTENSION_DECISION)


def order_list(*, actor: User, status: str = "") -> QuerySet[RestrainingOrder]:
    orders = RestrainingOrder.objects.visible_to(actor).select_related(
        "municipality", "barred_person", "address"
    )
    if status:
        orders = orders.filter(status=status)
    return orders.prefetch_related(
        Prefetch("banned_contacts", queryset=ContactBanPerson.objects.select_related("person"))
    )


def _people_of(order: RestrainingOrder) -> list[int]:
    return [order.barred_person_id, *[b.person_id for b in order.banned_contacts.all()]]


def show_order_page(
    *, request: Any, status: str = "", page_number: Any = 1, strict: bool = False
) -> Page[Any]:
    page = page_of(order_list(actor=request.user, status=status), page_number, size=PAGE_SIZE, strict=strict)
    if page.object_list:
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="huisverbod.RestrainingOrder",
            query=f"status={status}",
            person_ids=[pid for order in page.object_list for pid in _people_of(order)],
        )
    return page


def order_detail(*, actor: User, pk: int) -> RestrainingOrder | None:
    return (
        RestrainingOrder.objects.visible_to(actor)
        .select_related(
            "municipality",
            "address",
            "barred_person",
            "imposed_by",
            "mandate",
            "registered_by_organisation",
            "case",
            "extension_decided_by",
            "withdrawn_by",
            "risk_assessment__instrument",
            "risk_assessment__assessed_by",
        )
        .prefetch_related(
            Prefetch("banned_contacts", queryset=ContactBanPerson.objects.select_related("person")),
            Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at", "pk")),
            Prefetch("help_tasks", queryset=HelpTask.objects.select_related("person", "organisation")),
            "breaches",
            Prefetch("appeals", queryset=Appeal.objects.order_by("filed_on", "pk")),
            Prefetch(
                "documents",
                queryset=DecisionDocument.objects.defer("content")
                .select_related("created_by")
                .order_by("kind", "-version"),
            ),
            Prefetch(
                "risk_assessment__scores",
                queryset=RiskScore.objects.select_related("sign__part").order_by(
                    "sign__part__order", "sign__order"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def show_order(*, request: Any, pk: int, action: str = Action.VIEW) -> RestrainingOrder:
    """One visible order, logged with everyone in it; Http404 otherwise."""
    order = order_detail(actor=request.user, pk=pk)
    if order is None:
        raise Http404
    log_access(
        request=request,
        action=action,
        record_type="huisverbod.RestrainingOrder",
        record_id=order.pk,
        person_ids=_people_of(order),
    )
    return order


def show_document(*, request: Any, order_pk: int, document_pk: int) -> DecisionDocument:
    """A decision's PDF of a visible order, logged as printed."""
    order = RestrainingOrder.objects.visible_to(request.user).filter(pk=order_pk).first()
    if order is None:
        raise Http404
    document = DecisionDocument.objects.select_related("order").filter(order=order, pk=document_pk).first()
    if document is None:
        raise Http404
    people = [
        order.barred_person_id,
        *ContactBanPerson.objects.filter(order=order).values_list("person_id", flat=True),
    ]
    log_access(
        request=request,
        action=Action.PRINT,
        record_type="huisverbod.DecisionDocument",
        record_id=document.pk,
        person_ids=people,
    )
    return document


# The deadline board of the mayor's office.


@dataclass
class Board:
    today: date
    overdue: list[Deadline] = field(default_factory=list)
    due_today: list[Deadline] = field(default_factory=list)
    tomorrow: list[Deadline] = field(default_factory=list)
    this_week: list[Deadline] = field(default_factory=list)

    def all(self) -> list[Deadline]:
        return self.overdue + self.due_today + self.tomorrow + self.this_week


def open_deadlines(
    *, actor: User, now: datetime, until: date, limit: int | None = None
) -> QuerySet[Deadline]:
    """Open deadlines of visible orders due by the end of `until`, overdue tasks included."""
    visible = RestrainingOrder.objects.visible_to(actor).values("pk")
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    deadlines = (
        Deadline.objects.filter(order__in=visible, status=DeadlineStatus.OPEN, due_at__lt=end)
        .exclude(kind__in=END_KINDS, due_at__lt=now)
        .exclude(kind__in=LAPSING_KINDS, order__ends_at__lt=now)
        .exclude(order__status__in=[OrderStatus.WITHDRAWN, OrderStatus.ANNULLED])
        .select_related("order__barred_person", "order__municipality")
        .order_by("due_at", "pk")
    )
    return deadlines[:limit] if limit else deadlines


def deadline_board(*, actor: User, now: datetime | None = None) -> Board:
    now = now or timezone.now()
    today = timezone.localdate(now)
    board = Board(today=today)
    for deadline in open_deadlines(actor=actor, now=now, until=today + timedelta(days=7)):
        day = timezone.localtime(deadline.due_at).date()
        if deadline.due_at < now:
            board.overdue.append(deadline)
        elif day == today:
            board.due_today.append(deadline)
        elif day == today + timedelta(days=1):
            board.tomorrow.append(deadline)
        else:
            board.this_week.append(deadline)
    return board


def show_board(*, request: Any, now: datetime | None = None) -> Board:
    board = deadline_board(actor=request.user, now=now)
    shown = board.all()
    if shown:
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="huisverbod.Deadline",
            query="board",
            person_ids=[d.order.barred_person_id for d in shown],
        )
    return board


# Help tasks.


def help_task_list(*, actor: User, open_only: bool = False) -> QuerySet[HelpTask]:
    tasks = HelpTask.objects.visible_to(actor).select_related("person", "organisation", "order")
    if open_only:
        tasks = tasks.filter(status=HelpStatus.OPEN)
    return tasks.order_by("status", "due_on", "pk")


def assigned_help_tasks(*, actor: User) -> QuerySet[HelpTask]:
    """Open help tasks assigned to the actor's organisations."""
    organisations = Membership.objects.filter(user=actor, active=True).values("team__organisation_id")
    return help_task_list(actor=actor, open_only=True).filter(organisation__in=organisations)


def show_help_task_page(*, request: Any, page_number: Any = 1) -> Page[Any]:
    page = page_of(help_task_list(actor=request.user), page_number, size=PAGE_SIZE)
    if page.object_list:
        log_access(
            request=request,
            action=Action.SEARCH,
            record_type="huisverbod.HelpTask",
            person_ids=[task.person_id for task in page.object_list],
        )
    return page


def show_help_task(*, request: Any, pk: int) -> HelpTask:
    task = help_task_list(actor=request.user).filter(pk=pk).first()
    if task is None:
        raise Http404
    log_access(
        request=request,
        action=Action.VIEW,
        record_type="huisverbod.HelpTask",
        record_id=task.pk,
        person_ids=[task.person_id],
    )
    return task


# Figures for the insight app: counts only, never a name.


def order_figures(
    *, start: date, end: date, municipality_ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """Per municipality, orders imposed, extended, withdrawn, breached and annulled in the
    period [start, end] (by the day each event happened). Counts only; the caller checks that
    its user may see figures."""
    lower = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    upper = timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time()))
    period = {
        "imposed": Q(imposed_at__gte=lower, imposed_at__lt=upper),
        "extended": Q(extension_decided_at__gte=lower, extension_decided_at__lt=upper),
        "withdrawn": Q(withdrawn_at__gte=lower, withdrawn_at__lt=upper),
        "breached": Q(breaches__occurred_at__gte=lower, breaches__occurred_at__lt=upper),
        "annulled": Q(annulled_at__gte=lower, annulled_at__lt=upper),
    }
    any_event = Q()
    for condition in period.values():
        any_event |= condition
    orders = RestrainingOrder.objects.filter(any_event)
    if municipality_ids is not None:
        orders = orders.filter(municipality_id__in=municipality_ids)
    rows = (
        orders.values("municipality_id", "municipality__code", "municipality__name")
        .annotate(
            **{name: Count("pk", filter=condition, distinct=True) for name, condition in period.items()}
        )
        .order_by("municipality__name")
    )
    return [
        {
            "municipality_id": row["municipality_id"],
            "municipality_code": row["municipality__code"],
            "municipality": row["municipality__name"],
            **{name: row[name] for name in period},  # type: ignore[literal-required]
        }
        for row in rows
    ]
