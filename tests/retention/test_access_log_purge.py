"""The access log's own retention: the dry run changes nothing; a purge needs a decision by a
second privacy officer; carried out in batches it removes only the expired entries (and the
people rows in them, and expired emergency-access grants) and leaves a tombstone that is never
changed; bad settings and bad decisions are refused with a reason and write nothing; the
management command; and the outsider, who can do none of it."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from haard.accounts.models import EmergencyAccess
from haard.audit.models import AccessLogEntry, AccessLogSubject, AppendOnlyError
from haard.core.models import RegionSetting
from haard.retention import access_log, services
from haard.retention.models import AccessLogPurge, AccessLogTombstone, PurgeStatus
from tests.factories import make_user
from tests.retention.log_data import GONE, OldLog, ago, old_log, written

# The tests read the source texts of the messages.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def log(db: None) -> OldLog:
    return old_log()


def _state() -> dict[str, Any]:
    """Everything the purge could change, to prove that something did not."""
    return {
        "entries": sorted(AccessLogEntry.objects.values_list("pk", flat=True)),
        "subjects": AccessLogSubject.objects.count(),
        "grants": sorted(EmergencyAccess.objects.values_list("pk", "outcome")),
        "purges": list(AccessLogPurge.objects.values_list("pk", "status", "decided_by_id", "progress")),
        "tombstones": AccessLogTombstone.objects.count(),
    }


def _approved(proposer: Any, decider: Any) -> AccessLogPurge:
    purge = services.propose_log_purge(actor=proposer)
    assert purge is not None
    return services.decide_log_purge(actor=decider, purge=purge, approve=True, reason="Termijn verstreken")


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- The dry run -----------------------------------------------------------------------------


def test_the_dry_run_command_counts_what_would_go_and_writes_nothing(log: OldLog) -> None:
    before = _state()
    out = StringIO()
    call_command("purge_access_log", "--dry-run", stdout=out)
    assert _state() == before
    text = out.getvalue()
    assert "audit.access_log_years = 15" in text and "Nothing was changed" in text
    assert (
        f"{len(log.expired)} entries ({log.expired_subjects} people in them) and 1 emergency-access" in text
    )
    oldest = log.expired[1].at
    assert f"  {timezone.localtime(oldest):%Y-%m}: 1" in text
    assert "  registry.Person: 2" in text and "  cases.Case: 2" in text
    assert "1 entries about people still in the registry, 1 grants awaiting review, 1 grants" in text


def test_a_proposal_stores_its_dry_run_per_month_and_record_type(log: OldLog, proposer: Any) -> None:
    entries_before = sorted(AccessLogEntry.objects.values_list("pk", flat=True))
    purge = services.propose_log_purge(actor=proposer)
    assert purge is not None and purge.status == PurgeStatus.OPEN and purge.years == 15
    assert sorted(AccessLogEntry.objects.values_list("pk", flat=True)) == entries_before
    run = purge.dry_run
    assert run["entries"] == len(log.expired) and run["subjects"] == log.expired_subjects
    assert run["grants"] == 1
    assert run["per_record_type"] == {"cases.Case": 2, "registry.Person": 2}
    assert sum(run["per_month"].values()) == len(log.expired) and len(run["per_month"]) == len(log.expired)
    assert run["oldest"] == log.expired[1].at.isoformat()
    assert run["newest"] == log.extra["between 15 and 16 years"].at.isoformat()
    assert run["kept"] == {
        "entries_about_people_held": 1,
        "grants_awaiting_review": 1,
        "grants_for_records_held": 1,
    }
    assert purge.cutoff == access_log.cutoff_for(timezone.localdate(), 15)


def test_nothing_expired_proposes_nothing(proposer: Any) -> None:
    written(ago(3), user=proposer, person_ids=[GONE])
    assert services.propose_log_purge(actor=proposer) is None
    assert not AccessLogPurge.objects.exists()


# --- Decision and execution ------------------------------------------------------------------


def test_the_purge_removes_only_what_expired_and_leaves_a_tombstone(
    log: OldLog, proposer: Any, decider: Any
) -> None:
    purge = _approved(proposer, decider)
    subjects_kept = AccessLogSubject.objects.exclude(entry__in=log.expired).count()
    # Nothing goes before the execution.
    assert AccessLogEntry.objects.filter(pk__in=[e.pk for e in log.expired]).count() == len(log.expired)

    done = services.execute_log_purge(purge=purge, batch_size=2)

    assert not AccessLogEntry.objects.filter(pk__in=[e.pk for e in log.expired]).exists()
    assert not AccessLogSubject.objects.filter(entry_id__in=[e.pk for e in log.expired]).exists()
    assert set(AccessLogEntry.objects.values_list("pk", flat=True)) >= {e.pk for e in log.kept.values()}
    assert AccessLogSubject.objects.count() == subjects_kept
    assert not EmergencyAccess.objects.filter(pk__in=[g.pk for g in log.expired_grants]).exists()
    assert EmergencyAccess.objects.filter(pk__in=[g.pk for g in log.kept_grants.values()]).count() == 3

    assert done.status == PurgeStatus.PURGED and done.finished_at is not None
    stone = AccessLogTombstone.objects.get(purge=purge)
    assert (stone.entries, stone.subjects, stone.grants) == (len(log.expired), log.expired_subjects, 1)
    assert stone.counts["per_record_type"] == purge.dry_run["per_record_type"]
    assert stone.counts["per_month"] == purge.dry_run["per_month"]
    assert stone.covers_from == log.expired[1].at
    assert stone.covers_until == log.extra["between 15 and 16 years"].at
    assert stone.decided_by == decider and stone.decision_reason == "Termijn verstreken"
    assert stone.basis_detail == "audit.access_log_years = 15"
    assert stone.cutoff == purge.cutoff and stone.purged_at >= stone.started_at


def test_the_tombstone_is_never_changed_or_deleted(log: OldLog, proposer: Any, decider: Any) -> None:
    services.execute_log_purge(purge=_approved(proposer, decider))
    stone = AccessLogTombstone.objects.get()
    stone.entries = 0
    with pytest.raises(AppendOnlyError):
        stone.save()
    with pytest.raises(AppendOnlyError):
        stone.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogTombstone.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessLogTombstone.objects.update(entries=0)
    stone.refresh_from_db()
    assert stone.entries == len(log.expired)


@pytest.mark.skipif(not POSTGRES, reason="database trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    ["UPDATE retention_accesslogtombstone SET entries = 0", "DELETE FROM retention_accesslogtombstone"],
)
def test_the_database_refuses_to_change_the_tombstone(
    log: OldLog, proposer: Any, decider: Any, statement: str
) -> None:
    services.execute_log_purge(purge=_approved(proposer, decider))
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Not even with the purge's own switch on.
        cursor.execute("SELECT set_config('haard.access_log_purge', 'on', true)")
        cursor.execute(statement)
    assert AccessLogTombstone.objects.get().entries == len(log.expired)


def test_four_eyes_whoever_proposed_does_not_decide(log: OldLog, proposer: Any) -> None:
    purge = services.propose_log_purge(actor=proposer)
    assert purge is not None
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.decide_log_purge(actor=proposer, purge=purge, approve=True, reason="Termijn")
    assert "Four eyes" in " ".join(refused.value.message_dict[NON_FIELD_ERRORS])
    assert _state() == before


def test_the_periodic_runs_proposal_may_be_decided_by_any_privacy_officer(log: OldLog, decider: Any) -> None:
    out = StringIO()
    call_command("purge_access_log", "--propose", stdout=out)
    purge = AccessLogPurge.objects.get()
    assert purge.proposed_by is None and f"Access log purge {purge.pk}" in out.getvalue()
    decided = services.decide_log_purge(actor=decider, purge=purge, approve=True, reason="Termijn")
    assert decided.status == PurgeStatus.APPROVED


def test_a_decision_needs_a_reason_and_is_taken_once(log: OldLog, proposer: Any, decider: Any) -> None:
    purge = services.propose_log_purge(actor=proposer)
    assert purge is not None
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.decide_log_purge(actor=decider, purge=purge, approve=True, reason="  ")
    assert set(refused.value.message_dict) == {"reason"}
    assert _state() == before

    services.decide_log_purge(actor=decider, purge=purge, approve=True, reason="Termijn")
    services.execute_log_purge(purge=purge)
    executed = _state()
    with pytest.raises(ValidationError) as again:
        services.decide_log_purge(actor=decider, purge=purge, approve=False, reason="Toch niet")
    assert "decided already" in _messages(again)
    with pytest.raises(ValidationError) as twice:
        services.execute_log_purge(purge=purge)
    assert "carried out already" in _messages(twice)
    assert _state() == executed


def test_a_refused_or_undecided_purge_removes_nothing(log: OldLog, proposer: Any, decider: Any) -> None:
    purge = services.propose_log_purge(actor=proposer)
    assert purge is not None
    before = _state()
    with pytest.raises(ValidationError) as undecided:
        services.execute_log_purge(purge=purge)
    assert "Only an approved purge" in _messages(undecided)
    assert _state() == before
    services.decide_log_purge(actor=decider, purge=purge, approve=False, reason="Onderzoek loopt nog")
    with pytest.raises(ValidationError):
        services.execute_log_purge(purge=purge)
    assert AccessLogEntry.objects.filter(pk__in=[e.pk for e in log.expired]).count() == len(log.expired)
    # A new proposal is possible after a refusal, not while one is unfinished.
    assert services.propose_log_purge(actor=decider) is not None
    with pytest.raises(ValidationError) as unfinished:
        services.propose_log_purge(actor=proposer)
    assert "not finished yet" in _messages(unfinished)


def test_a_longer_period_set_after_the_decision_keeps_what_it_now_covers(
    log: OldLog, proposer: Any, decider: Any
) -> None:
    purge = _approved(proposer, decider)
    RegionSetting.objects.create(key="audit.access_log_years", value=16)
    services.execute_log_purge(purge=purge)
    between = log.extra["between 15 and 16 years"]
    assert AccessLogEntry.objects.filter(pk=between.pk).exists()
    stone = AccessLogTombstone.objects.get()
    assert stone.entries == len(log.expired) - 1 and stone.basis_detail == "audit.access_log_years = 16"
    assert stone.cutoff == access_log.cutoff_for(timezone.localdate(), 16) < purge.cutoff


def test_a_dry_run_with_another_period_is_needed_before_approving(
    log: OldLog, proposer: Any, decider: Any
) -> None:
    purge = services.propose_log_purge(actor=proposer)
    assert purge is not None
    RegionSetting.objects.create(key="audit.access_log_years", value=16)
    with pytest.raises(ValidationError) as stale:
        services.decide_log_purge(actor=decider, purge=purge, approve=True, reason="Termijn")
    assert "audit.access_log_years" in _messages(stale) and "dry run again" in _messages(stale)
    purge = services.record_log_dry_run(actor=decider, purge=purge)
    assert purge.years == 16 and purge.dry_run["entries"] == len(log.expired) - 1
    assert services.decide_log_purge(actor=decider, purge=purge, approve=True, reason="Termijn").years == 16


# --- Bad settings ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [-3, 0])
def test_a_negative_or_zero_period_is_refused_naming_the_setting(
    log: OldLog, proposer: Any, value: int
) -> None:
    setting = RegionSetting(key="audit.access_log_years", value=value)
    with pytest.raises(ValidationError) as invalid:
        setting.full_clean()
    assert "audit.access_log_years must be at least 1" in " ".join(invalid.value.message_dict["value"])
    # A value stored past the admin's check is refused where it is read.
    RegionSetting.objects.create(key="audit.access_log_years", value=value)
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.propose_log_purge(actor=proposer)
    assert "audit.access_log_years must be at least 1" in _messages(refused)
    with pytest.raises(CommandError, match="audit.access_log_years"):
        call_command("purge_access_log", "--dry-run", stdout=StringIO())
    assert _state() == before


def test_a_period_shorter_than_the_records_it_is_about_is_refused(
    log: OldLog, proposer: Any, decider: Any
) -> None:
    RegionSetting.objects.create(key="audit.access_log_years", value=10)
    before = _state()
    with pytest.raises(ValidationError) as short:
        services.propose_log_purge(actor=proposer)
    text = _messages(short)
    assert "audit.access_log_years is 10 years" in text and "retention.veilig_thuis_years (15 years)" in text
    assert _state() == before

    # The same when the files are kept longer after the purge was decided: nothing is purged.
    RegionSetting.objects.filter(key="audit.access_log_years").delete()
    purge = _approved(proposer, decider)
    RegionSetting.objects.create(key="retention.veilig_thuis_years", value=20)
    before = _state()
    with pytest.raises(ValidationError) as longer_files:
        services.execute_log_purge(purge=purge)
    assert "audit.access_log_years is 15 years" in _messages(longer_files)
    assert _state() == before


def test_a_batch_size_below_one_is_refused(log: OldLog, proposer: Any, decider: Any) -> None:
    purge = _approved(proposer, decider)
    before = _state()
    with pytest.raises(CommandError, match="--batch-size: The batch size must be at least 1"):
        call_command("purge_access_log", "--execute", str(purge.pk), "--batch-size", "0", stdout=StringIO())
    assert _state() == before


# --- The command -----------------------------------------------------------------------------


def test_the_command_carries_out_approved_purges(log: OldLog, proposer: Any, decider: Any) -> None:
    with pytest.raises(CommandError, match="no access log purge 999999"):
        call_command("purge_access_log", "--execute", "999999", stdout=StringIO())
    purge = services.propose_log_purge(actor=proposer)
    assert purge is not None
    with pytest.raises(CommandError, match="Only an approved purge"):
        call_command("purge_access_log", "--execute", str(purge.pk), stdout=StringIO())
    services.decide_log_purge(actor=decider, purge=purge, approve=True, reason="Termijn")
    out = StringIO()
    call_command("purge_access_log", "--execute-approved", "--batch-size", "1", stdout=out)
    assert (
        f"{len(log.expired)} entries, {log.expired_subjects} people in them and 1 emergency" in out.getvalue()
    )
    purge.refresh_from_db()
    assert purge.status == PurgeStatus.PURGED and purge.progress["entries"] == len(log.expired)
    out = StringIO()
    call_command("purge_access_log", "--execute-approved", stdout=out)
    assert out.getvalue() == ""


# --- The append-only guarantee around the purge ----------------------------------------------


def test_the_purge_switch_is_off_again_after_the_purge(log: OldLog, proposer: Any, decider: Any) -> None:
    services.execute_log_purge(purge=_approved(proposer, decider))
    held = log.kept["about someone held"]
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=held.pk)._raw_delete(connection.alias)
    if POSTGRES:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_accesslogsubject WHERE entry_id = %s", [held.pk])
    assert AccessLogSubject.objects.filter(entry=held).count() == 2


# --- Who may ---------------------------------------------------------------------------------


def test_an_outsider_can_propose_nor_decide_nor_read(log: OldLog, proposer: Any, outsider: Any) -> None:
    purge = services.propose_log_purge(actor=proposer)
    assert purge is not None
    before = _state()
    for user in (outsider, make_user("administrator", is_staff=True), log.worker):
        with pytest.raises(PermissionDenied):
            services.propose_log_purge(actor=user)
        with pytest.raises(PermissionDenied):
            services.decide_log_purge(actor=user, purge=purge, approve=True, reason="Termijn")
        with pytest.raises(PermissionDenied):
            services.record_log_dry_run(actor=user, purge=purge)
        assert not AccessLogPurge.objects.visible_to(user).exists()
    assert _state() == before
