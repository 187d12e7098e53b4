"""The dry run and the tombstones in words: record types by their names in the interface."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from haard.retention.destruction import HISTORY
from haard.retention.models import DestructionProposal, ItemOutcome, ProposalItem


def record_type_name(label: str) -> str:
    if label == HISTORY:
        return _("earlier versions of these records (history)")
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural)
    except (LookupError, ValueError):
        return label


def dry_run_rows(counts: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    """{"removed": [(record type, rows)], "changed": [...]}, largest first."""
    return {
        part: sorted(
            ((record_type_name(label), int(n)) for label, n in counts.get(part, {}).items()),
            key=lambda row: (-row[1], row[0]),
        )
        for part in ("removed", "changed")
    }


def item_rows(proposal: DestructionProposal, items: list[ProposalItem]) -> list[dict[str, Any]]:
    """Per item: what the last dry run would do with it, and how many rows it would remove."""
    planned = proposal.dry_run.get("items", {})
    rows = []
    for item in items:
        result = planned.get(str(item.pk), {})
        rows.append(
            {
                "item": item,
                "planned": ItemOutcome(result["outcome"]).label if result.get("outcome") else "",
                "planned_note": result.get("note", ""),
                "rows": int(result.get("rows", 0)),
                "records": len(item.members),
            }
        )
    return rows


def log_count_rows(counts: dict[str, Any]) -> dict[str, Any]:
    """The counts of an access-log dry run or purge: per month (oldest first) and per record
    type (largest first), record types by their names in the interface; the oldest and newest
    entry."""
    return {
        "oldest": datetime.fromisoformat(counts["oldest"]) if counts.get("oldest") else None,
        "newest": datetime.fromisoformat(counts["newest"]) if counts.get("newest") else None,
        "months": sorted((month, int(n)) for month, n in counts.get("per_month", {}).items()),
        "record_types": sorted(
            ((record_type_name(label), int(n)) for label, n in counts.get("per_record_type", {}).items()),
            key=lambda row: (-row[1], row[0]),
        ),
    }
