"""Reading files: what a file is, its encoding, its separator, empty and oversized files, and
Dutch dates. No database needed."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import date, datetime

import pytest

from haard.intake.imports.dates import DateError, parse_date, parse_datetime
from haard.intake.imports.parsing import CP1252, FileError, open_table
from tests.intake_import.helpers import HEADER, LazyCsv, csv_bytes, incident_rows, xlsx_bytes


def read(
    content: bytes, name: str = "export.csv", max_rows: int = 1000
) -> tuple[list[str], list[list[object]]]:
    table = open_table(io.BytesIO(content), filename=name, max_rows=max_rows)
    header = table.read_header()
    return header, [cells for _number, cells in table.rows()]


def refused(content: bytes, name: str = "export.csv", max_rows: int = 1000) -> str:
    with pytest.raises(FileError) as error:
        read(content, name, max_rows)
    return str(error.value.message)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7\n...", "export.csv", "The file is called .csv but is not text."),
        (b"\x89PNG\r\n\x1a\n....", "export.csv", "The file is called .csv but is not text."),
        (b"\x7fELF\x02\x01\x01", "export.csv", "The file is called .csv but is not text."),
        (b"MZ\x90\x00\x03", "export.csv", "The file is called .csv but is not text."),
        (b"regi\x00stratie;datum\r\n", "export.csv", "The file is called .csv but is not text."),
        (
            b"registratienummer;datum\r\n",
            "export.xlsx",
            "The file is called .xlsx but is not an Excel workbook.",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "export.xlsx",
            "This is an old Excel, Word or password-protected file. "
            "Save the sheet without a password as .xlsx or CSV.",
        ),
        (
            b"anything",
            "export.xls",
            "The old Excel format (.xls) is not accepted. Save the sheet as .xlsx or CSV.",
        ),
        (
            b"anything",
            "export.xlsm",
            "Spreadsheets with macros are not accepted. Save the sheet as .xlsx or CSV.",
        ),
        (b"anything", "export.pdf", "Only CSV and XLSX files can be imported."),
        (b"", "export.csv", "The file is empty."),
        (
            "registratienummer".encode("utf-16"),
            "export.csv",
            "The file is UTF-16 text. Save it as CSV in UTF-8.",
        ),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused(content: bytes, name: str, message: str) -> None:
    assert refused(content, name) == message


def test_a_workbook_named_csv_is_refused() -> None:
    assert refused(xlsx_bytes([]), "export.csv") == (
        "The file is called .csv but is a zip file or workbook. Save it as CSV."
    )


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "hello")
    assert (
        refused(buffer.getvalue(), "export.xlsx") == "The file is called .xlsx but is not an Excel workbook."
    )


def test_a_workbook_with_macros_is_refused_whatever_its_name() -> None:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(incident_rows("PL-1"))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for item in source.infolist():
            package.writestr(item, source.read(item.filename))
        package.writestr("xl/vbaProject.bin", b"\x00macro")
    assert refused(buffer.getvalue(), "export.xlsx") == (
        "Spreadsheets with macros are not accepted. Save the sheet as .xlsx or CSV."
    )


def test_a_zip_bomb_is_refused() -> None:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for item in source.infolist():
            package.writestr(item.filename, source.read(item.filename))
        package.writestr("xl/media/padding.bin", b"\x00" * 20_000_000)
    assert (
        refused(buffer.getvalue(), "export.xlsx")
        == "The workbook unpacks to an implausible size and is refused."
    )


def test_a_damaged_workbook_is_refused() -> None:
    content = xlsx_bytes(incident_rows("PL-1"))
    assert (
        refused(content[: len(content) // 2], "export.xlsx")
        == "The workbook is damaged and cannot be opened."
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_encodings_and_separators(encoding: str, delimiter: str) -> None:
    rows = incident_rows("PL-1")
    rows[0]["voornamen"] = "Zoë"
    rows[0]["reden_niet_doorgezet"] = "geen zorgen; wel 'n melding, later"
    content = csv_bytes(rows, delimiter=delimiter, encoding=encoding)
    table = open_table(io.BytesIO(content), filename="x.csv", max_rows=10)
    header = table.read_header()
    data = [cells for _n, cells in table.rows()]
    assert header == HEADER  # no BOM left on the first column name
    assert data[0][HEADER.index("voornamen")] == "Zoë"
    assert data[0][HEADER.index("reden_niet_doorgezet")] == "geen zorgen; wel 'n melding, later"
    assert table.delimiter == delimiter
    assert table.encoding == ("cp1252" if encoding == "cp1252" else "utf-8")


def test_windows_1252_found_far_into_the_file() -> None:
    rows = [row for n in range(3000) for row in incident_rows(f"PL-{n}", people=1)]
    rows[-1]["voornamen"] = "Renée"
    table = open_table(io.BytesIO(csv_bytes(rows, encoding="cp1252")), filename="x.csv", max_rows=10_000)
    table.read_header()
    last = list(table.rows())[-1][1]
    assert last[HEADER.index("voornamen")] == "Renée"
    assert table.encoding == CP1252


def test_a_file_mixing_utf8_and_windows_1252_is_refused() -> None:
    content = csv_bytes(incident_rows("PL-1")) + "PL-2;Renée\r\n".encode("cp1252")
    content = content.replace(b"Anna", "Zoë".encode())
    assert refused(content).startswith("The file mixes UTF-8 with another encoding")


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused() -> None:
    # 0x81 is not a character in Windows-1252 and starts no UTF-8 sequence.
    content = csv_bytes(incident_rows("PL-1")) + b"PL-2;\x81\x8d\r\n"
    assert refused(content).startswith("The file is neither UTF-8 nor Windows-1252 text")


def test_no_rows_below_the_header() -> None:
    assert refused(csv_bytes([])) == "The file holds no rows below its header."
    assert refused(csv_bytes([]) + b";;;\r\n\r\n") == "The file holds no rows below its header."
    assert refused(xlsx_bytes([]), "x.xlsx") == "The file holds no rows below its header."


def test_an_empty_header_is_refused() -> None:
    assert refused(b";;;\r\nPL-1;x\r\n") == "The header row is empty."


def test_a_million_rows_stop_at_the_limit_without_reading_them_all() -> None:
    lazy = LazyCsv(1_000_000)
    total_bytes = 1_000_000 * 50
    tracemalloc.start()
    try:
        table = open_table(io.BufferedReader(lazy), filename="big.csv", max_rows=200_000)
        table.read_header()
        with pytest.raises(FileError) as error:
            for _row in table.rows():
                pass
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(error.value.message) == "The file holds more than 200000 rows. Split it into smaller files."
    assert lazy.handed_out < total_bytes // 3  # stopped early
    assert peak < 5_000_000  # streamed, not held


def test_blank_rows_keep_their_numbers() -> None:
    content = (
        csv_bytes(incident_rows("PL-1", people=1))
        + b";;;\r\n"
        + csv_bytes(incident_rows("PL-2", people=1))[len(";".join(HEADER)) + 2 :]
    )
    table = open_table(io.BytesIO(content), filename="x.csv", max_rows=10)
    table.read_header()
    assert [number for number, _cells in table.rows()] == [2, 4]


def test_an_unclosed_quote_names_the_row() -> None:
    content = b'registratienummer;achternaam\r\nPL-1;"Jansen\r\n' + b"x" * 200_000
    assert refused(content).startswith("Row 2 cannot be read as CSV")


def test_xlsx_cells_come_as_text_or_dates() -> None:
    rows = [{**incident_rows("PL-1")[0], "datum_incident": datetime(2026, 3, 14, 22, 15), "huisnummer": 12}]
    header, data = read(xlsx_bytes(rows), "x.xlsx")
    assert header == HEADER
    assert data[0][HEADER.index("datum_incident")] == datetime(2026, 3, 14, 22, 15)
    assert data[0][HEADER.index("huisnummer")] == "12"


def test_an_xlsx_formula_is_never_evaluated() -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["registratienummer", "achternaam", "voornamen"])
    sheet.append(["PL-1", "=cmd|' /C calc'!A0", "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _header, data = read(buffer.getvalue(), "x.xlsx")
    # Without a value stored by a spreadsheet program a formula reads as empty; nothing runs.
    assert data == [["PL-1", None, None]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14-03-2026", date(2026, 3, 14)),
        ("14/03/2026", date(2026, 3, 14)),
        ("4-3-2026", date(2026, 3, 4)),
        ("2026-03-14", date(2026, 3, 14)),
        (" 29-02-2024 ", date(2024, 2, 29)),
    ],
)
def test_dutch_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14-03-2026 22:15", datetime(2026, 3, 14, 22, 15)),
        ("2026-03-14 07:05:09", datetime(2026, 3, 14, 7, 5, 9)),
        ("2026-03-14T07:05", datetime(2026, 3, 14, 7, 5)),
        ("14-03-2026", datetime(2026, 3, 14)),
    ],
)
def test_dutch_dates_with_time(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31-02-2026", "31-02-2026 is not a date that exists."),
        ("29-02-2025", "29-02-2025 is not a date that exists."),
        ("2026-13-01", "2026-13-01 is not a date that exists."),
        ("14-03-26", "Write a date as dd-mm-jjjj or jjjj-mm-dd."),
        ("03/14/2026", "03/14/2026 is not a date that exists."),
        ("14 maart 2026", "Write a date as dd-mm-jjjj or jjjj-mm-dd."),
        ("14-03-2026 22:15", "Write a date as dd-mm-jjjj or jjjj-mm-dd."),
        ("=today()", "Write a date as dd-mm-jjjj or jjjj-mm-dd."),
    ],
)
def test_impossible_or_unreadable_dates(text: str, message: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert str(error.value.message) == message


def test_an_impossible_time() -> None:
    with pytest.raises(DateError) as error:
        parse_datetime("14-03-2026 25:00")
    assert str(error.value.message) == "25:00 is not a time that exists."
