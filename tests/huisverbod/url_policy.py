"""The restraining-order pages and API operations in the URL walk (tests/security/test_url_walk.py)."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from django.utils import timezone

from haard.accounts.models import OrganisationType
from haard.huisverbod import risk, services
from haard.huisverbod.models import Colour, Mandate
from tests.factories import AddressFactory, OrganisationFactory, TeamFactory, make_user
from tests.huisverbod.helpers import colours, person
from tests.security.policy import Spec

# The form to register an order shows no one's data; the others all do.
NO_PERSONAL_DATA = {"huisverbod:order_new"}
API_NO_PERSONAL_DATA: set[tuple[str, str]] = set()


def build(world: Any) -> None:
    """An order about world.person (in the contact ban), registered by a mandated police
    officer and seen by the mayor's office of the municipality. It is imposed at another
    address than the case's household, so that it opens no relation through world.case."""
    municipality = world.case.municipality
    address = AddressFactory(municipality=municipality)
    police_org = OrganisationFactory(type=OrganisationType.POLICE)
    police = make_user("police_officer", team=TeamFactory(organisation=police_org))
    mandate = Mandate.objects.create(holder=police, decision_reference="MB-WALK")
    mandate.municipalities.set([municipality])
    gemeente = OrganisationFactory(type=OrganisationType.MUNICIPALITY)
    gemeente.municipalities.set([municipality])
    mayor = make_user("mayors_office", team=TeamFactory(organisation=gemeente))
    helper_org = OrganisationFactory(type=OrganisationType.SOCIAL_TEAM)
    helper_org.municipalities.set([municipality])
    helper = make_user("case_manager", team=TeamFactory(organisation=helper_org))
    order = services.impose_order(
        actor=police,
        membership=None,
        municipality=municipality,
        address=address,
        barred_person=person("Walter", "Walk"),
        banned=[(world.person, "victim")],
        imposed_at=timezone.now(),
        form="written",
        facts="Feiten.",
        risk_colours=colours(),
        risk_decision="Opleggen.",
    )
    appeal = services.record_appeal(actor=mayor, order=order, filed_on=timezone.localdate())
    world.extra.update(
        hv_police=police,
        hv_mayor=mayor,
        hv_helper=helper,
        hv_order=order,
        hv_address=address,
        hv_appeal=appeal,
        hv_document=order.documents.get(),
        hv_task=order.help_tasks.get(person=world.person),
    )


def _order(w: Any) -> Any:
    return w.extra["hv_order"]


def _body(w: Any) -> str:
    instrument = risk.active_instrument()
    assert instrument is not None
    address = w.extra["hv_address"]
    return json.dumps(
        {
            "municipality": address.municipality.code,
            "address": {"postcode": address.postcode, "house_number": str(address.house_number)},
            "barred_person": {"first_names": "Willem", "surname": "Walkman"},
            "contact_ban": [{"person_id": w.person.pk, "role": "victim"}],
            "imposed_at": timezone.now().isoformat(),
            "facts": "Feiten.",
            "risk": {s.key: Colour.GREEN for p in instrument.parts.all() for s in p.signs.all()},
        }
    )


PAGES = {
    "huisverbod:order_list": Spec(
        lambda w: reverse("huisverbod:order_list"), lambda w: w.extra["hv_mayor"], kind="list"
    ),
    "huisverbod:board": Spec(
        lambda w: reverse("huisverbod:board"),
        lambda w: w.extra["hv_mayor"],
        kind="list",
        shows=lambda w: _order(w).barred_person,
    ),
    "huisverbod:order_detail": Spec(
        lambda w: reverse("huisverbod:order_detail", args=[_order(w).pk]), lambda w: w.extra["hv_police"]
    ),
    "huisverbod:order_extend": Spec(
        lambda w: reverse("huisverbod:order_extend", args=[_order(w).pk]), lambda w: w.extra["hv_mayor"]
    ),
    "huisverbod:order_withdraw": Spec(
        lambda w: reverse("huisverbod:order_withdraw", args=[_order(w).pk]), lambda w: w.extra["hv_mayor"]
    ),
    "huisverbod:order_record": Spec(
        lambda w: reverse("huisverbod:order_record", args=[_order(w).pk, "breach"]),
        lambda w: w.extra["hv_police"],
    ),
    "huisverbod:appeal_update": Spec(
        lambda w: reverse("huisverbod:appeal_update", args=[_order(w).pk, w.extra["hv_appeal"].pk]),
        lambda w: w.extra["hv_mayor"],
    ),
    "huisverbod:document_download": Spec(
        lambda w: reverse("huisverbod:document_download", args=[_order(w).pk, w.extra["hv_document"].pk]),
        lambda w: w.extra["hv_mayor"],
    ),
    "huisverbod:document_new": Spec(
        lambda w: reverse("huisverbod:document_new", args=[_order(w).pk, "impose"]),
        lambda w: w.extra["hv_mayor"],
    ),
    "huisverbod:help_task_list": Spec(
        lambda w: reverse("huisverbod:help_task_list"), lambda w: w.extra["hv_helper"], kind="list"
    ),
    "huisverbod:help_task_detail": Spec(
        lambda w: reverse("huisverbod:help_task_detail", args=[w.extra["hv_task"].pk]),
        lambda w: w.extra["hv_helper"],
    ),
}

API = {
    ("POST", "/api/v1/restraining-orders/"): Spec(
        lambda w: "/api/v1/restraining-orders/", lambda w: w.extra["hv_police"], kind="list", body=_body
    ),
    ("GET", "/api/v1/restraining-orders/deadlines"): Spec(
        lambda w: "/api/v1/restraining-orders/deadlines",
        lambda w: w.extra["hv_mayor"],
        kind="list",
        shows=lambda w: _order(w).barred_person,
    ),
    ("GET", "/api/v1/restraining-orders/{order_id}"): Spec(
        lambda w: f"/api/v1/restraining-orders/{_order(w).pk}", lambda w: w.extra["hv_mayor"]
    ),
}
