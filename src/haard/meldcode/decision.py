"""The afwegingskader (since 2019) as data: five questions in a fixed order. Each answer
leads to the next question or to an end: close and record, organised help that worked, or a
report to Veilig Thuis.

    1 Is there a suspicion?                              no  → close and record
    2 Acute or structural unsafety?                      yes → report
    3 Can I give or organise effective help?             no  → report
    4 Do the people involved accept that help?           no  → report
    5 Does the help bring the needed result in time?     no  → report (again); yes → close
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class End(StrEnum):
    NO_SUSPICION = "no_suspicion"
    REPORT = "report"
    HELP_EFFECTIVE = "help_effective"


Next = int | End


@dataclass(frozen=True)
class Question:
    number: int
    text: Promise
    on_yes: Next
    on_no: Next

    def follow(self, answer: bool) -> Next:
        return self.on_yes if answer else self.on_no


QUESTIONS: dict[int, Question] = {
    1: Question(1, _("Is there a suspicion of domestic violence or child abuse?"), 2, End.NO_SUSPICION),
    2: Question(2, _("Is there acute or structural unsafety?"), End.REPORT, 3),
    3: Question(3, _("Can I give or organise effective help?"), 4, End.REPORT),
    4: Question(4, _("Do the people involved accept that help?"), 5, End.REPORT),
    5: Question(5, _("Does the help bring the needed result in time?"), End.HELP_EFFECTIVE, End.REPORT),
}

# After question 4 is answered "yes", help starts; question 5 is answered once its result shows.
HELP_STARTS_AFTER = 4


def walk(answers: Mapping[int, bool]) -> Next:
    """Where the answers given so far lead: the next question's number, or the end.

    Answers to questions that the path does not reach are ignored; a missing answer on the
    path stops the walk at that question."""
    position: Next = 1
    while isinstance(position, int):
        if position not in answers:
            return position
        position = QUESTIONS[position].follow(answers[position])
    return position


def path(answers: Mapping[int, bool]) -> list[int]:
    """The questions on the path the answers take, in order (answered ones only)."""
    visited: list[int] = []
    position: Next = 1
    while isinstance(position, int) and position in answers:
        visited.append(position)
        position = QUESTIONS[position].follow(answers[position])
    return visited
