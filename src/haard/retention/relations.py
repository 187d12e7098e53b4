"""Who sees the retention records: every holder of the capability (the privacy officers of the
region); `visible_to` checks the capability first, so the relation itself is the whole region."""

from __future__ import annotations

from django.db.models import Q

from haard.accounts.access import ALL, register_relation
from haard.accounts.models import User


def _region(actor: User) -> Q:
    return ALL


register_relation("retention.DataSubjectRequest", _region)
register_relation("retention.DestructionProposal", _region)
register_relation("retention.AccessLogPurge", _region)
