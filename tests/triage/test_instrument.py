"""Instruments as data: the shipped demo instrument, checking a file (errors name the item or
rule), and the load_instrument command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haard.triage.instrument import DEMO_INSTRUMENT, check
from haard.triage.models import Instrument

pytestmark = pytest.mark.django_db


def _demo() -> dict:
    return json.loads(DEMO_INSTRUMENT.read_text(encoding="utf-8"))


def test_the_demo_instrument_ships_active() -> None:
    instrument = Instrument.objects.get(active=True)
    assert instrument.key == "demo-veiligheidsbeoordeling"
    assert instrument.items.count() == 6
    assert instrument.rules.order_by("order").last().condition == "always"
    assert check(_demo()) == []


def test_check_names_the_item_and_the_rule() -> None:
    data = _demo()
    data["items"][1]["options"][0]["colour"] = "purple"
    data["items"][2]["options"] = [data["items"][2]["options"][0]]
    data["rules"][0]["option"] = "perhaps"
    data["rules"][2]["item"] = "missing-item"
    data["rules"].pop()
    problems = check(data)
    assert any(p.startswith("item weapon-threat, option no: unknown colour") for p in problems)
    assert "item children-harmed: at least two answer options." in problems
    assert "rule 1: item acute-danger has no option 'perhaps'." in problems
    assert "rule 3: refers to item 'missing-item', which the instrument lacks." in problems
    assert any(p.startswith("rule 5: the last rule must be 'always'") for p in problems)


def test_the_command_refuses_a_bad_file_and_loads_a_good_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    data = _demo()
    data["items"][0]["text"] = ""
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="item acute-danger: text is required"):
        call_command("load_instrument", str(bad))
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="Not valid JSON at line 1"):
        call_command("load_instrument", str(broken))
    with pytest.raises(CommandError, match="already loaded"):
        call_command("load_instrument", str(DEMO_INSTRUMENT))
    good = tmp_path / "v2.json"
    good.write_text(json.dumps({**_demo(), "version": 2}), encoding="utf-8")
    call_command("load_instrument", str(good))
    assert Instrument.objects.get(active=True).version == 2
    assert Instrument.objects.count() == 2
