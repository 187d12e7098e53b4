"""Written decisions (beschikkingen) as PDF. The printed file always carries what the law asks
for (place, duration, facts, the names in the contact ban, the appeal clause); the region words
the body and the appeal clause in a DecisionTemplate, shipped with the defaults below."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Max
from django.template import Context, Template
from django.utils import timezone

from haard.accounts.models import User
from haard.core.pdf import render_pdf
from haard.huisverbod.models import DecisionDocument, DecisionKind, DecisionTemplate, RestrainingOrder

DEFAULT_APPEAL_CLAUSE = (
    "Against this decision the persons concerned may lodge an appeal directly with the "
    "administrative law division of the district court within six weeks of the day after it "
    "was made known (Wet tijdelijk huisverbod, art. 6; Algemene wet bestuursrecht, art. 6:7). "
    "An appeal does not suspend this decision. A request for an interim ruling may be made to "
    "the preliminary relief judge at the same time; the court hears it within three days. An "
    "appeal against the order also covers its extension."
)

DEFAULT_BODIES = {
    DecisionKind.IMPOSE: (
        "The mayor of {{ municipality }} bars {{ barred_person }} from the home at {{ address }} "
        "and forbids contact with the people named below, from {{ starts_at }} until {{ ends_at }}. "
        "The facts and circumstances set out below give rise to a serious and immediate danger "
        "to the safety of the people in the home, or a serious suspicion of such danger "
        "(Wet tijdelijk huisverbod, art. 2)."
    ),
    DecisionKind.EXTEND: (
        "Having heard the parties, the mayor of {{ municipality }} extends the restraining order "
        "{{ order.reference }} against {{ barred_person }} until {{ ends_at }}, because the danger "
        "or the suspicion of it continues (Wet tijdelijk huisverbod, art. 9). The contact ban "
        "continues for the people named below."
    ),
    DecisionKind.WITHDRAW: (
        "The mayor of {{ municipality }} withdraws the restraining order {{ order.reference }} "
        "against {{ barred_person }} as of {{ withdrawn_at }}, because the grounds for it no longer "
        "exist. The bar from the home at {{ address }} and the contact ban end then."
    ),
}


def active_template(kind: str) -> DecisionTemplate:
    """The region's active template of `kind`; the shipped default when there is none yet."""
    template = DecisionTemplate.objects.filter(kind=kind, active=True).first()
    if template is None:
        template = DecisionTemplate.objects.create(
            kind=kind, version=1, body=DEFAULT_BODIES[DecisionKind(kind)], appeal_clause=DEFAULT_APPEAL_CLAUSE
        )
    return template


def context_for(order: RestrainingOrder, kind: str) -> dict[str, Any]:
    banned = list(order.banned_contacts.select_related("person"))
    local = timezone.localtime
    return {
        "order": order,
        "kind": kind,
        "municipality": order.municipality.name,
        "barred_person": order.barred_person.full_name,
        "address": str(order.address),
        "banned": banned,
        "starts_at": f"{local(order.imposed_at):%d-%m-%Y %H:%M}",
        "ends_at": f"{local(order.ends_at):%d-%m-%Y %H:%M}",
        "withdrawn_at": f"{local(order.withdrawn_at):%d-%m-%Y %H:%M}" if order.withdrawn_at else "",
        "facts": order.facts,
    }


def render_decision(order: RestrainingOrder, kind: str, template: DecisionTemplate) -> bytes:
    context = context_for(order, kind)
    body = Template(template.body).render(Context(context, autoescape=True))
    appeal_clause = Template(template.appeal_clause).render(Context(context, autoescape=True))
    return render_pdf(
        "huisverbod/print/decision.html",
        {
            **context,
            "body": body,
            "appeal_clause": appeal_clause,
            "template": template,
            "kind_label": DecisionKind(kind).label,
            "printed_at": timezone.localtime(),
        },
    )


def make_document(*, order: RestrainingOrder, kind: str, actor: User) -> DecisionDocument:
    """Render the decision of `kind` with the region's active template and keep it as the next
    version with the order."""
    template = active_template(kind)
    content = render_decision(order, kind, template)
    latest = DecisionDocument.objects.filter(order=order, kind=kind).aggregate(v=Max("version"))["v"] or 0
    return DecisionDocument.objects.create(
        order=order,
        kind=kind,
        version=latest + 1,
        template=template,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=actor,
    )
