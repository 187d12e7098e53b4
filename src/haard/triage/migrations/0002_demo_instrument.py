"""Ship the demo safety-assessment instrument (instruments/demo.json) as the active one."""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations


def ship(apps: Any, schema_editor: Any) -> None:
    from haard.triage.instrument import DEMO_INSTRUMENT, store

    data = json.loads(DEMO_INSTRUMENT.read_text(encoding="utf-8"))
    models = {name: apps.get_model("triage", name) for name in ("Instrument", "Item", "Option", "Rule")}
    if not models["Instrument"].objects.filter(key=data["key"], version=data["version"]).exists():
        store(data, models=models, activate=True)


def unship(apps: Any, schema_editor: Any) -> None:
    apps.get_model("triage", "Instrument").objects.filter(key="demo-veiligheidsbeoordeling").delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
