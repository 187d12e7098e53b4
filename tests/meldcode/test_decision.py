"""The afwegingskader: every path through the five questions, as data and through the service."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from haard.intake.models import Report, ReportSource
from haard.meldcode import services
from haard.meldcode.decision import QUESTIONS, End, path, walk
from haard.meldcode.models import DecisionAnswer, RecordStatus
from tests.meldcode.factories import answer_all, make_professional, membership_of, record_at

# Every path from question 1 to an end: (answers in order, end, status of the record).
PATHS = [
    ([False], End.NO_SUSPICION, RecordStatus.CLOSED_NO_SUSPICION),
    ([True, True], End.REPORT, RecordStatus.REPORTED),
    ([True, False, False], End.REPORT, RecordStatus.REPORTED),
    ([True, False, True, False], End.REPORT, RecordStatus.REPORTED),
    ([True, False, True, True, False], End.REPORT, RecordStatus.REPORTED),
    ([True, False, True, True, True], End.HELP_EFFECTIVE, RecordStatus.CLOSED_HELP),
]


def test_the_tree_has_five_questions_in_the_order_of_the_domain() -> None:
    assert sorted(QUESTIONS) == [1, 2, 3, 4, 5]
    assert QUESTIONS[1].follow(False) == End.NO_SUSPICION and QUESTIONS[1].follow(True) == 2
    assert QUESTIONS[2].follow(True) == End.REPORT and QUESTIONS[2].follow(False) == 3
    assert QUESTIONS[3].follow(False) == End.REPORT and QUESTIONS[3].follow(True) == 4
    assert QUESTIONS[4].follow(False) == End.REPORT and QUESTIONS[4].follow(True) == 5
    assert QUESTIONS[5].follow(False) == End.REPORT and QUESTIONS[5].follow(True) == End.HELP_EFFECTIVE


@pytest.mark.parametrize(("answers", "end", "_status"), PATHS)
def test_every_path_ends_where_the_domain_says(answers: list[bool], end: End, _status: str) -> None:
    given = dict(enumerate(answers, start=1))
    assert walk(given) == end
    assert path(given) == list(given)
    for stop in range(len(answers)):  # before the last answer: the next question
        assert walk(dict(list(given.items())[:stop])) == stop + 1


def test_the_paths_cover_every_answer_of_every_question() -> None:
    seen = {(q, a) for answers, _end, _status in PATHS for q, a in enumerate(answers, start=1)}
    assert seen == {(q, a) for q in range(1, 6) for a in (True, False)}


@pytest.mark.django_db
@pytest.mark.parametrize(("answers", "end", "status"), PATHS)
def test_every_path_through_the_service(answers: list[bool], end: End, status: str) -> None:
    professional = make_professional()
    record = answer_all(record_at(professional, 5), professional, answers[:-1])
    if answers[:-1] == [True, False, True, True]:
        assert record.status == RecordStatus.HELP_UNDERWAY  # help organised, result awaited
        assert record.concluded_at is None
    record = answer_all(record, professional, []) if not answers else record
    record = services.answer_question(
        actor=professional,
        membership=membership_of(professional),
        record=record,
        question=len(answers),
        answer=answers[-1],
    )
    assert record.status == status
    assert record.concluded_at is not None
    assert list(DecisionAnswer.objects.filter(record=record).values_list("question", "answer")) == list(
        enumerate(answers, start=1)
    )
    if end == End.REPORT:
        report = Report.objects.get(meldcode_record=record)
        assert report.source == ReportSource.PROFESSIONAL
        assert report.reporter_organisation == membership_of(professional).team.organisation
        assert report.registered_by == professional
        assert {p.surname for p in report.people.all()} == {"Jansen"}
        assert report.incident_address is not None and report.incident_address.postcode == "7901AB"
        assert record.reference in report.narrative
    else:
        assert record.report is None
        assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_concluded_record_takes_no_more_answers() -> None:
    professional = make_professional()
    record = answer_all(record_at(professional, 5), professional, [False])
    with pytest.raises(ValidationError) as error:
        services.answer_question(
            actor=professional, membership=membership_of(professional), record=record, question=2, answer=True
        )
    assert "step" in error.value.message_dict
