"""Ship the risk instrument's structure with demo items, and the default decision wording."""

import json
from pathlib import Path

from django.db import migrations

from haard.huisverbod.documents import DEFAULT_APPEAL_CLAUSE, DEFAULT_BODIES

INSTRUMENT = Path(__file__).resolve().parent.parent / "instruments" / "demo_rihg.json"


def ship(apps, schema_editor):
    RiskInstrument = apps.get_model("huisverbod", "RiskInstrument")
    RiskPart = apps.get_model("huisverbod", "RiskPart")
    RiskSign = apps.get_model("huisverbod", "RiskSign")
    DecisionTemplate = apps.get_model("huisverbod", "DecisionTemplate")
    data = json.loads(INSTRUMENT.read_text(encoding="utf-8"))
    if not RiskInstrument.objects.filter(key=data["key"]).exists():
        instrument = RiskInstrument.objects.create(
            key=data["key"], version=data["version"], name=data["name"], note=data["note"], active=True
        )
        for part_order, part in enumerate(data["parts"]):
            stored = RiskPart.objects.create(
                instrument=instrument, key=part["key"], title=part["title"], order=part_order
            )
            for sign_order, sign in enumerate(part["signs"]):
                RiskSign.objects.create(part=stored, key=sign["key"], text=sign["text"], order=sign_order)
    for kind, body in DEFAULT_BODIES.items():
        if not DecisionTemplate.objects.filter(kind=str(kind)).exists():
            DecisionTemplate.objects.create(
                kind=str(kind), version=1, body=body, appeal_clause=DEFAULT_APPEAL_CLAUSE, active=True
            )


class Migration(migrations.Migration):
    dependencies = [("huisverbod", "0001_initial")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
