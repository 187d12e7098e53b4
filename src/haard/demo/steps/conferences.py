"""Demo case conferences: Veiligheidshuis and MDA++ tables chaired by the demo case manager,
with the Veilig Thuis assessor and the police officer at the table, cases the chair works on
on the agenda, and actions for the three of them (some done, some open, some overdue)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from haard.accounts.models import User
from haard.cases.models import CaseParticipant
from haard.conferences.models import (
    ActionItem,
    ActionStatus,
    AgendaCriterion,
    AgendaItem,
    Conference,
    ConferenceKind,
    ConferenceParticipant,
    Decision,
    SharingBasis,
)
from haard.demo.demo_users import CASE_MANAGER_USERNAME, POLICE_USERNAME
from haard.demo.steps import DemoContext

ORDER = 60

ASSESSOR_USERNAME = "beoordelaar"
# (days from today, kind, title); the last one lies ahead and has no minutes yet.
SCHEDULE = [
    (-42, ConferenceKind.VEILIGHEIDSHUIS, "Casusoverleg Veiligheidshuis"),
    (-21, ConferenceKind.MDA, "MDA++ casustafel"),
    (-7, ConferenceKind.VEILIGHEIDSHUIS, "Casusoverleg Veiligheidshuis"),
    (7, ConferenceKind.MDA, "MDA++ casustafel"),
]
ACTIONS = [
    ("Veiligheidsplan bijstellen met het gezin en de school", CASE_MANAGER_USERNAME),
    ("Risicotaxatie herhalen en terugkoppelen aan de tafel", ASSESSOR_USERNAME),
    ("Naleving contactverbod controleren en incidenten melden", POLICE_USERNAME),
    ("Schuldhulp en huisvesting regelen voor moeder", CASE_MANAGER_USERNAME),
    ("Kinderen aanmelden bij traumabehandeling", ASSESSOR_USERNAME),
]
DECISIONS = [
    "Regie blijft bij het sociaal team; Veilig Thuis monitort.",
    "Plegeraanpak starten via reclassering.",
    "Over zes weken opnieuw bespreken.",
]


def generate(context: DemoContext) -> dict[str, int]:
    rng = random.Random(f"{context.seed}-conferences")
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[CASE_MANAGER_USERNAME, ASSESSOR_USERNAME, POLICE_USERNAME])
    }
    chair = users.get(CASE_MANAGER_USERNAME)
    if chair is None or len(users) < 3:
        return {"conferences": 0}
    case_ids = sorted(
        CaseParticipant.objects.filter(user=chair, left_on__isnull=True).values_list("case_id", flat=True)
    )
    criteria = list(AgendaCriterion.objects.filter(active=True))
    if not case_ids or not criteria:
        return {"conferences": 0}
    bases = {
        CASE_MANAGER_USERNAME: (SharingBasis.COVENANT, ""),
        ASSESSOR_USERNAME: (SharingBasis.MELDCODE, ""),
        POLICE_USERNAME: (SharingBasis.WPG, ""),
    }
    organisation_of = {
        username: user.memberships.select_related("team").first().team.organisation_id  # type: ignore[union-attr]
        for username, user in users.items()
    }
    per_conference = 3 if context.size == "small" else 6
    rounds = 1 if context.size == "small" else 3
    counts = {"conferences": 0, "conference_agenda_items": 0, "conference_actions": 0}
    tz = timezone.get_current_timezone()
    for round_index in range(rounds):
        for days, kind, title in SCHEDULE:
            day = context.today + timedelta(days=days - 56 * round_index)
            conference = Conference.objects.create(
                kind=kind,
                title=f"{title} {day:%d-%m-%Y}",
                starts_at=datetime.combine(day, time(10, 0), tzinfo=tz),
                location="Veiligheidshuis, vergaderzaal 2",
                chair=chair,
                created_by=chair,
            )
            counts["conferences"] += 1
            ConferenceParticipant.objects.bulk_create(
                ConferenceParticipant(
                    conference=conference,
                    user=user,
                    organisation_id=organisation_of[username],
                    basis=bases[username][0],
                    basis_explanation=bases[username][1],
                )
                for username, user in users.items()
            )
            held = day <= context.today
            for position, case_id in enumerate(rng.sample(case_ids, min(per_conference, len(case_ids))), 1):
                item = AgendaItem.objects.create(
                    conference=conference,
                    case_id=case_id,
                    position=position,
                    reason="Meerdere meldingen in korte tijd; hulp komt niet op gang.",
                    minutes="Besproken: stand van zaken, veiligheid kinderen, afspraken." if held else "",
                    added_by=chair,
                )
                item.criteria.set(rng.sample(criteria, 2))
                counts["conference_agenda_items"] += 1
                if not held:
                    continue
                Decision.objects.create(agenda_item=item, text=rng.choice(DECISIONS), recorded_by=chair)
                for description, username in rng.sample(ACTIONS, 2):
                    deadline = day + timedelta(days=rng.choice([7, 14, 28, 42]))
                    done = deadline < context.today and rng.random() < 0.5
                    ActionItem.objects.create(
                        agenda_item=item,
                        description=description,
                        owner=users[username],
                        deadline=deadline,
                        status=ActionStatus.DONE if done else ActionStatus.OPEN,
                        done_on=deadline if done else None,
                        done_by=users[username] if done else None,
                        created_by=chair,
                    )
                    counts["conference_actions"] += 1
    return counts
