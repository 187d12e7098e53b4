"""Police export files for tests: rows with sensible defaults, written as CSV or XLSX."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook
from stdnum.nl import bsn as stdnum_bsn

from haard.demo.names import PLAIN_SURNAMES
from haard.intake.imports.columns import COLUMNS

HEADER = [column.header for column in COLUMNS]

# BSNs from the block RvIG keeps for tests (999990000-999999999) that pass the 11-check.
BSNS = [str(n) for n in range(999_990_000, 1_000_000_000) if stdnum_bsn.is_valid(str(n))]
MUNICIPALITY_CODE = "GM0118"
SURNAMES = PLAIN_SURNAMES


def incident_rows(number: str, *, people: int = 2, house: int = 1, **incident: Any) -> list[dict[str, str]]:
    """The rows of one incident: a victim, a suspect and further children."""
    base = {
        "registratienummer": number,
        "datum_incident": "14-03-2026 22:15",
        "incidentcode": "HG-FYS",
        "gemeentecode": MUNICIPALITY_CODE,
        "postcode": "7901 AB",
        "huisnummer": str(house),
        "straat": "Dorpsstraat",
        "woonplaats": "Hoogeveen",
        "doorgezet_veilig_thuis": "nee",
        "reden_niet_doorgezet": "geen zorgen om kinderen",
        **incident,
    }
    serial = int(re.sub(r"\D", "", number)[-6:] or 0)
    index = 2 * serial
    family = SURNAMES[serial % len(SURNAMES)] + (
        "" if serial < len(SURNAMES) else f"-{SURNAMES[serial // len(SURNAMES) % len(SURNAMES)]}"
    )
    day = 1 + serial % 28
    rows = []
    for person in range(people):
        role = ("SL", "VD")[person] if person < 2 else "KH"
        rows.append(
            {
                **base,
                "rol": role,
                "bsn": BSNS[(index + person) % len(BSNS)] if person < 2 else "",
                "voornamen": ("Anna", "Bert", "Cas", "Dewi")[person % 4],
                "tussenvoegsel": "van der" if person == 0 else "",
                "achternaam": family if person != 1 else f"{family}-Pieters",
                "geboortedatum": (
                    f"{day:02d}-04-1985",
                    f"1983-11-{day:02d}",
                    f"{day}-6-2015",
                    f"{day:02d}/08/2018",
                )[person % 4],
                "geslacht": ("V", "M", "X", "V")[person % 4],
            }
        )
    return rows


def many_incidents(count: int, *, start: int = 1, people: int = 2) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for n in range(start, start + count):
        rows += incident_rows(f"PL0900-2026{n:06d}", people=people, house=n)
    return rows


def csv_bytes(
    rows: Iterable[dict[str, str]],
    *,
    header: list[str] | None = None,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> bytes:
    header = header or HEADER
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Iterable[dict[str, Any]], *, header: list[str] | None = None) -> bytes:
    header = header or HEADER
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class LazyCsv(io.RawIOBase):
    """A CSV file of `rows` rows made while it is read: a million rows without a million rows
    in memory. Counts the bytes handed out."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.handed_out = 0
        self._restart()

    def _restart(self) -> None:
        self._lines = self._generate()
        self._buffer = b""

    def _generate(self) -> Iterator[bytes]:
        yield (";".join(HEADER) + "\r\n").encode()
        for n in range(self.rows):
            yield f"PL{n:08d};01-01-2026;HG-FYS;GM0118;;;;;nee;;SL;;;;Jansen;;\r\n".encode()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise io.UnsupportedOperation("only seek(0)")
        self._restart()
        return 0

    def readinto(self, target: Any) -> int:
        while len(self._buffer) < len(target):
            line = next(self._lines, None)
            if line is None:
                break
            self._buffer += line
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        self.handed_out += size
        return size
