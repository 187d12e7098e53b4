"""The import of one batch, in two passes over the file.

1. Check: every row is checked and grouped into incidents by registration number; the
   problems are stored for the error report. Nothing else is written.
2. Write: the file is read again and each valid incident is written as soon as its last row
   has been read (a file sorted by registration number keeps one incident in memory), in one
   transaction with its address, its people (linked through `registry.linking`) and the
   batch's counters. In the all-or-nothing mode one transaction holds the whole pass.

An incident already imported for the same police organisation (same registration number) is
a duplicate: it is skipped and nothing of it is changed. A crash leaves only whole incidents,
and the counters of the batch say how far it got; importing the same file again imports
exactly the rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haard.core.models import Municipality
from haard.intake.imports import conf
from haard.intake.imports.columns import resolve_columns
from haard.intake.imports.models import (
    BatchPhase,
    ColumnMapping,
    ImportBatch,
    ImportedIncident,
    ImportMode,
    ImportRowError,
)
from haard.intake.imports.parsing import Table, open_table
from haard.intake.imports.validation import (
    IncidentTracker,
    ParsedRow,
    PersonFields,
    Problem,
    RowChecker,
)
from haard.intake.models import PoliceIncident, PoliceIncidentPerson
from haard.registry.linking import resolve_person
from haard.registry.models import Address
from haard.registry.services import find_or_create_address

logger = logging.getLogger(__name__)

LINK_SOURCE = "police_import"
_PROGRESS_EVERY_ROWS = 2_000
_PROGRESS_SECONDS = 0.5
_LOOKUP_CHUNK = 500

COUNTERS = (
    "rows_total",
    "rows_checked",
    "rows_valid",
    "rows_invalid",
    "rows_written",
    "incidents_total",
    "incidents_created",
    "incidents_skipped",
    "incidents_invalid",
    "people_created",
    "people_linked",
    "possible_matches",
    "errors_not_stored",
)


class BatchRejectedError(Exception):
    """The batch is not imported (all-or-nothing with errors); nothing was written."""


class _AbortBatchError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def mapping_for(organisation_id: int) -> ColumnMapping:
    """The saved mapping of a police organisation, or the documented columns and codes."""
    return ColumnMapping.objects.filter(organisation_id=organisation_id).first() or ColumnMapping(
        organisation_id=organisation_id
    )


def open_batch_table(
    stream: IO[bytes], *, file_name: str, mapping: ColumnMapping
) -> tuple[Table, dict[str, int]]:
    """The file's table and the position of each known column; FileError when either fails."""
    table = open_table(
        stream,
        filename=file_name,
        max_rows=conf.max_rows(),
        header_row=mapping.header_row,
        sheet=mapping.sheet,
    )
    header = table.read_header()
    return table, resolve_columns(header, mapping.columns)


class BatchImport:
    """Runs one batch; `run()` raises FileError or BatchRejectedError for a file or batch refused."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.mapping = mapping_for(batch.organisation_id)
        municipalities = list(Municipality.objects.all())
        self.municipalities = {m.pk: m for m in municipalities}
        self.codes = {m.code: m.pk for m in municipalities}
        self.addresses: dict[tuple[object, ...], Address] = {}
        self.people: dict[tuple[object, ...], int] = {}
        self.tracker = IncidentTracker()
        self._last_progress = 0.0

    # -- the passes -----------------------------------------------------------------------

    def run(self, stream: IO[bytes]) -> None:
        table, columns = open_batch_table(stream, file_name=self.batch.file_name, mapping=self.mapping)
        self.batch.file_kind, self.batch.delimiter = table.kind, table.delimiter
        self.header = {key: table.header[index] for key, index in columns.items()}
        self.checker = RowChecker(
            columns=columns,
            header=table.header,
            municipalities=self.codes,
            codes=self.mapping.codes,
            now=self.batch.created_at,
        )
        self._check(table)
        self.batch.encoding = table.encoding
        if self.batch.rows_invalid and self.batch.mode == ImportMode.ALL_OR_NOTHING:
            raise BatchRejectedError(
                _(
                    "%(count)s rows have errors, so nothing was imported (all or nothing). Correct "
                    "them (see the error report) and upload the file again."
                )
                % {"count": self.batch.rows_invalid}
            )
        self._set(phase=BatchPhase.WRITING)
        if self.batch.mode == ImportMode.ALL_OR_NOTHING:
            try:
                with transaction.atomic():
                    self._write(table)
            except _AbortBatchError as abort:
                # Everything written in this pass was rolled back: so are its counters.
                for name in ("incidents_created", "incidents_skipped", "people_created", "people_linked"):
                    setattr(self.batch, name, 0)
                self.batch.possible_matches = self.batch.rows_written = 0
                self._store_problems([abort.problem])
                raise BatchRejectedError(
                    _("Row %(row)s could not be written, so nothing was imported (all or nothing).")
                    % {"row": abort.problem.row}
                ) from None
        else:
            self._write(table)

    def _check(self, table: Table) -> None:
        self._set(phase=BatchPhase.CHECKING)
        ImportRowError.objects.filter(batch=self.batch).delete()
        counts = {"rows_checked": 0, "rows_valid": 0, "rows_invalid": 0}
        pending: list[Problem] = []
        for number, cells in table.rows():
            parsed, problems = self.checker.check(number, cells)
            registration = (
                parsed.incident.registration_number if parsed else self.checker.registration_number(cells)
            )
            inconsistent = self.tracker.add(registration, number, parsed, self.header)
            if inconsistent is not None:
                problems.append(inconsistent)
            counts["rows_checked"] += 1
            counts["rows_invalid" if problems else "rows_valid"] += 1
            pending.extend(problems)
            if counts["rows_checked"] % _PROGRESS_EVERY_ROWS == 0:
                self._store_problems(pending)
                pending = []
                self._set(**counts)
        self._store_problems(pending)
        self._set(
            **counts,
            rows_total=counts["rows_checked"],
            incidents_total=len(self.tracker.incidents),
            incidents_invalid=self.tracker.invalid_count,
        )

    def _write(self, table: Table) -> None:
        expected = {number: state.rows for number, state in self.tracker.incidents.items() if state.valid}
        self.tracker = IncidentTracker()  # free the first pass's states
        existing, mine = self._already_imported(expected)
        waiting: dict[str, list[ParsedRow]] = {}
        for parsed in self._valid_rows(table):
            number = parsed.incident.registration_number
            if number not in expected:
                self.batch.rows_written += 1
                continue
            rows = waiting.setdefault(number, [])
            rows.append(parsed)
            if len(rows) < expected[number]:
                continue
            del waiting[number]
            if number in existing:
                field = "incidents_created" if number in mine else "incidents_skipped"
                self._count({field: 1, "rows_written": len(rows)}, throttle=True)
                continue
            self._write_incident(number, rows)
        self._set()

    def _valid_rows(self, table: Table) -> Iterator[ParsedRow]:
        for number, cells in table.rows():
            parsed = self.checker.check(number, cells)[0]
            if parsed is not None:
                yield parsed
            else:
                self.batch.rows_written += 1

    # -- one incident ---------------------------------------------------------------------

    def _write_incident(self, number: str, rows: list[ParsedRow]) -> None:
        learned = _Learned()
        counts = {"people_created": 0, "people_linked": 0, "possible_matches": 0}
        try:
            with transaction.atomic():
                incident = self._create_incident(number, rows, learned, counts)
                after_incident(incident)
                self._count({"incidents_created": 1, "rows_written": len(rows), **counts})
        except IntegrityError:
            # Imported by someone else since the look-up: theirs stands, ours is a duplicate.
            if not PoliceIncident.objects.filter(
                police_organisation_id=self.batch.organisation_id, registration_number=number
            ).exists():
                raise
            self._count({"incidents_skipped": 1, "rows_written": len(rows)}, throttle=True)
            return
        except ValidationError as exc:
            problem = Problem(rows[0].row, "", "", " ".join(exc.messages)[:300])
            if self.batch.mode == ImportMode.ALL_OR_NOTHING:
                raise _AbortBatchError(problem) from None
            self._store_problems([problem])
            self._count({"incidents_invalid": 1, "rows_written": len(rows)}, throttle=True)
            return
        # Remembered only now that they are committed (or, all or nothing, in the outer
        # transaction for good): a rolled-back address or person must not be reused.
        self.addresses.update(learned.addresses)
        self.people.update(learned.people)

    def _create_incident(
        self, number: str, rows: list[ParsedRow], learned: _Learned, counts: dict[str, int]
    ) -> PoliceIncident:
        fields = rows[0].incident
        address = self._address(rows[0], learned)
        incident = PoliceIncident(
            police_organisation_id=self.batch.organisation_id,
            registration_number=number,
            occurred_at=fields.occurred_at,
            municipality_id=fields.municipality_id,
            address=address,
            incident_code=fields.incident_code,
            severity=fields.severity,
            forwarded_to_veilig_thuis=fields.forwarded,
            reason_not_forwarded=fields.reason_not_forwarded,
        )
        incident._history_user = self.batch.uploaded_by  # type: ignore[attr-defined]
        incident._change_reason = f"police import {self.batch.pk}"  # type: ignore[attr-defined]
        incident.save()
        links: dict[tuple[int, str], PoliceIncidentPerson] = {}
        for row in rows:
            person_id = self._person(row, address, learned, counts)
            links.setdefault(
                (person_id, row.person.role),
                PoliceIncidentPerson(incident=incident, person_id=person_id, role=row.person.role),
            )
        PoliceIncidentPerson.objects.bulk_create(links.values())
        ImportedIncident.objects.create(batch=self.batch, incident=incident, first_row=rows[0].row)
        return incident

    def _person(
        self, row: ParsedRow, address: Address | None, learned: _Learned, counts: dict[str, int]
    ) -> int:
        """The id of the registered person of a row, through `registry.linking`.

        Within one batch the same record (the same BSN, or the same names, date of birth and
        gender) is linked once and then reused: linking it again would find the same person."""
        person = row.person
        key = _identity(person)
        known = self.people.get(key) if key else None
        if known is None and key:
            known = learned.people.get(key)
        if known is not None:
            counts["people_linked"] += 1
            return known
        outcome = resolve_person(
            first_names=person.first_names,
            surname=person.surname,
            surname_prefix=person.surname_prefix,
            birth_date=person.birth_date,
            gender=person.gender,
            bsn=person.bsn,
            address=address,
            source=LINK_SOURCE,
        )
        counts["people_created" if outcome.created else "people_linked"] += 1
        counts["possible_matches"] += outcome.possible_match is not None
        if key:
            learned.people[key] = outcome.person.pk
        return outcome.person.pk

    def _address(self, row: ParsedRow, learned: _Learned) -> Address | None:
        fields = row.incident
        if fields.house_number is None:
            return None
        key = (fields.postcode, fields.house_number)
        found = self.addresses.get(key) or learned.addresses.get(key)
        if found is None:
            found = find_or_create_address(
                postcode=fields.postcode,
                house_number=fields.house_number.number,
                house_letter=fields.house_number.letter,
                addition=fields.house_number.addition,
                street=fields.street,
                town=fields.town,
                municipality=self.municipalities[fields.municipality_id],
            )
            learned.addresses[key] = found
        return found

    def _already_imported(self, expected: dict[str, int]) -> tuple[set[str], set[str]]:
        """The registration numbers of this file already imported for the organisation, and
        those of them this very batch imported (a rerun after a crash counts them as its own)."""
        existing: set[str] = set()
        numbers = list(expected)
        for start in range(0, len(numbers), _LOOKUP_CHUNK):
            existing.update(
                PoliceIncident.objects.filter(
                    police_organisation_id=self.batch.organisation_id,
                    registration_number__in=numbers[start : start + _LOOKUP_CHUNK],
                ).values_list("registration_number", flat=True)
            )
        mine = set(
            ImportedIncident.objects.filter(batch=self.batch).values_list(
                "incident__registration_number", flat=True
            )
        )
        return existing, mine

    # -- the batch's own row --------------------------------------------------------------

    def _store_problems(self, problems: list[Problem]) -> None:
        if not problems:
            return
        room = max(0, conf.max_stored_errors() - self._stored_errors())
        kept, dropped = problems[:room], len(problems) - min(room, len(problems))
        ImportRowError.objects.bulk_create(
            [
                ImportRowError(
                    batch=self.batch,
                    row_number=p.row,
                    field=p.field,
                    column=p.column[:100],
                    message=p.message[:300],
                    value=p.value[:100],
                )
                for p in kept
            ],
            batch_size=1_000,
        )
        self._stored = self._stored_errors() + len(kept)
        if dropped:
            self.batch.errors_not_stored += dropped

    def _stored_errors(self) -> int:
        stored = getattr(self, "_stored", None)
        if stored is None:
            stored = self._stored = ImportRowError.objects.filter(batch=self.batch).count()
        return stored

    def _count(self, increments: dict[str, int], *, throttle: bool = False) -> None:
        for name, value in increments.items():
            setattr(self.batch, name, getattr(self.batch, name) + value)
        if not throttle or time.monotonic() - self._last_progress > _PROGRESS_SECONDS:
            self._set()

    def _set(self, **values: Any) -> None:
        """Write the counters. With an incident they are written in its transaction and
        commit together, so after a crash they say exactly how far the import got."""
        for name, value in values.items():
            setattr(self.batch, name, value)
        ImportBatch.objects.filter(pk=self.batch.pk).update(
            phase=self.batch.phase, updated_at=timezone.now(), **{n: getattr(self.batch, n) for n in COUNTERS}
        )
        self._last_progress = time.monotonic()


@dataclass
class _Learned:
    """Addresses and people one incident found or created, kept apart until it commits."""

    addresses: dict[tuple[object, ...], Address] = field(default_factory=dict)
    people: dict[tuple[object, ...], int] = field(default_factory=dict)


def _identity(person: PersonFields) -> tuple[object, ...] | None:
    if person.bsn:
        return ("bsn", person.bsn)
    if person.birth_date is None:
        return None  # a name alone is too little to reuse a link
    return (
        "name",
        person.first_names.casefold(),
        person.surname_prefix,
        person.surname.casefold(),
        person.birth_date,
        person.gender,
    )


def after_incident(incident: PoliceIncident) -> None:
    """Called inside each incident's transaction once it is whole (a seam for tests that
    simulate a crash between incidents)."""
