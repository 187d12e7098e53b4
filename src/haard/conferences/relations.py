"""The relation a conference creates: its chair and its participants see it."""

from __future__ import annotations

from django.db.models import Q

from haard.accounts.access import register_relation
from haard.accounts.models import User
from haard.conferences.models import ConferenceParticipant


def conference_relation(actor: User) -> Q:
    taking_part = ConferenceParticipant.objects.filter(user=actor).values("conference_id")
    return Q(chair=actor) | Q(pk__in=taking_part)


register_relation("conferences.Conference", conference_relation)
