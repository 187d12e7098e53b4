"""The risk instrument: the RiHG's structure (signs in three parts, each scored in one of three
colours) loaded as data, and its decision rule: `huisverbod.risk_serious_per_part` (2) signs of
the most serious colour in one part mean an order in principle."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from haard.core import region_settings
from haard.huisverbod import rules
from haard.huisverbod.models import Colour, RiskInstrument, RiskPart, RiskSign

DEMO_INSTRUMENT = Path(__file__).resolve().parent / "instruments" / "demo_rihg.json"
MOST_SERIOUS = Colour.RED
PARTS_REQUIRED = 3


@transaction.atomic
def load_instrument(data: Mapping[str, Any]) -> RiskInstrument:
    """Store an instrument given as data (see instruments/demo_rihg.json) as the next version
    of its key, and make it the active one. ValidationError when the structure is wrong."""
    parts = data.get("parts") or []
    if len(parts) != PARTS_REQUIRED:
        raise ValidationError({"parts": _("An instrument has exactly three parts.")})
    if not all(part.get("signs") for part in parts):
        raise ValidationError({"parts": _("Every part needs at least one sign.")})
    key = str(data.get("key") or "").strip()
    if not key:
        raise ValidationError({"key": _("An instrument needs a key.")})
    latest = RiskInstrument.objects.filter(key=key).aggregate(v=Max("version"))["v"] or 0
    RiskInstrument.objects.filter(active=True).update(active=False)
    instrument = RiskInstrument.objects.create(
        key=key, version=latest + 1, name=str(data.get("name") or key), note=str(data.get("note") or "")
    )
    for part_order, part in enumerate(parts):
        stored = RiskPart.objects.create(
            instrument=instrument, key=part["key"], title=part["title"], order=part_order
        )
        RiskSign.objects.bulk_create(
            [
                RiskSign(part=stored, key=sign["key"], text=sign["text"], order=sign_order)
                for sign_order, sign in enumerate(part["signs"])
            ]
        )
    return instrument


def load_demo_instrument() -> RiskInstrument:
    return load_instrument(json.loads(DEMO_INSTRUMENT.read_text(encoding="utf-8")))


def active_instrument() -> RiskInstrument | None:
    return RiskInstrument.objects.filter(active=True).prefetch_related("parts__signs").first()


def evaluate(instrument: RiskInstrument, colours: Mapping[int, str]) -> tuple[bool, list[str]]:
    """(order in principle, keys of the parts with enough signs of the most serious colour).
    `colours` maps sign id -> colour; every sign of the instrument must be scored."""
    needed = int(region_settings.value(rules.RISK_SERIOUS_PER_PART.key))
    triggered = []
    for part in instrument.parts.all():
        signs = list(part.signs.all())
        missing = [s.key for s in signs if colours.get(s.pk) not in Colour.values]
        if missing:
            raise ValidationError(
                {"risk": _("Score every sign (missing: %(keys)s).") % {"keys": ", ".join(missing)}}
            )
        if sum(1 for s in signs if colours[s.pk] == MOST_SERIOUS) >= needed:
            triggered.append(part.key)
    return bool(triggered), triggered


def rule_text() -> str:
    return _(
        "%(n)s signs of the most serious colour in one part mean an order in principle (%(describe)s)."
    ) % {
        "n": region_settings.value(rules.RISK_SERIOUS_PER_PART.key),
        "describe": rules.RISK_SERIOUS_PER_PART.source,
    }
