"""The demo step: a handful of orders in every state, imposed by the demo police officer and
seen by the demo mayor's office."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from haard.accounts.models import User
from haard.demo.generator import generate_region
from haard.huisverbod import selectors
from haard.huisverbod.models import HelpTask, RestrainingOrder
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_small_demo_region_has_orders_in_every_state() -> None:
    generate_region(size="small", seed=11, today=date(2026, 11, 16), history=False)
    orders = RestrainingOrder.objects.all()
    police = User.objects.get(username="politie")
    mayor = User.objects.get(username="burgemeester")
    assert 4 <= orders.count() <= 8
    assert set(orders.values_list("imposed_by__username", flat=True)) == {"politie"}
    states = {order.current_status() for order in orders}
    assert {"imposed", "extended", "withdrawn", "ended"} <= states
    assert HelpTask.objects.filter(order__in=orders, recipient="child").exists()
    seen_by_mayor = set(selectors.order_list(actor=mayor).values_list("pk", flat=True))
    assert len(seen_by_mayor) >= 4
    assert set(selectors.order_list(actor=police).values_list("pk", flat=True)) == set(
        orders.values_list("pk", flat=True)
    )
    assert not selectors.order_list(actor=User.objects.get(username="buitenstaander")).exists()
    assert sign_in(Client(), mayor).get(reverse("huisverbod:board")).status_code == 200
