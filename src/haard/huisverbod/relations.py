"""Who relates to an order: the police organisation that registered it, the mayor's office of
its municipality, and whoever sees the order's case (Veilig Thuis, the case participants). A
help task is seen by the organisation it is assigned to, and by whoever sees its order."""

from __future__ import annotations

from django.db.models import Q

from haard.accounts.access import organisation_ids, register_relation
from haard.accounts.models import Membership, OrganisationType, User
from haard.cases.models import Case

MANAGE = "manage_restraining_orders"


def police_relation(actor: User) -> Q:
    organisations = organisation_ids(actor, capability=MANAGE, organisation_type=OrganisationType.POLICE)
    return Q(registered_by_organisation__in=organisations)


def mayors_office_relation(actor: User) -> Q:
    municipalities = Membership.objects.filter(
        user=actor,
        active=True,
        role__key="mayors_office",
        team__organisation__type=OrganisationType.MUNICIPALITY,
    ).values("team__organisation__municipalities")
    return Q(municipality__in=municipalities)


def case_relation(actor: User) -> Q:
    return Q(case__in=Case.objects.visible_to(actor).values("pk"))


def order_relation(actor: User) -> Q:
    return police_relation(actor) | mayors_office_relation(actor) | case_relation(actor)


def help_task_relation(actor: User) -> Q:
    organisations = Membership.objects.filter(user=actor, active=True).values("team__organisation_id")
    from haard.huisverbod.models import RestrainingOrder

    visible_orders = RestrainingOrder.objects.visible_to(actor).values("pk")
    return Q(organisation__in=organisations) | Q(order__in=visible_orders)


def people_in_visible_orders(actor: User) -> Q:
    from haard.huisverbod.models import ContactBanPerson, RestrainingOrder

    visible_orders = RestrainingOrder.objects.visible_to(actor).values("pk")
    return Q(pk__in=ContactBanPerson.objects.filter(order__in=visible_orders).values("person_id")) | Q(
        pk__in=RestrainingOrder.objects.filter(pk__in=visible_orders).values("barred_person_id")
    )


register_relation("huisverbod.RestrainingOrder", order_relation)
register_relation("registry.Person", people_in_visible_orders)
register_relation("huisverbod.HelpTask", help_task_relation)
