"""Reading police export files: CSV and XLSX, streamed row by row.

Before a row is trusted the file as a whole is checked: its content must be what its name
says (magic bytes, not the extension alone), a spreadsheet may hold no macros, text must be
UTF-8 (with or without BOM) or Windows-1252, decoded strictly, and the number of rows is
limited. Nothing here evaluates a cell: an XLSX file is read with `data_only`, so a formula
yields the value the spreadsheet stored for it (or nothing), and a CSV cell is plain text.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import zipfile
from collections.abc import Generator, Iterator
from datetime import date, datetime, time
from typing import IO, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CSV = "csv"
XLSX = "xlsx"

UTF8 = "utf-8"
CP1252 = "cp1252"

Cell = str | date | datetime | None
Row = tuple[int, list[Cell]]

# What a spreadsheet takes for the start of a formula ("CSV injection", OWASP): such a cell is
# refused in a row, and escaped in every CSV haard writes.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

_CHUNK = 64 * 1024
_MAX_COLUMNS = 200
# A zip file that unpacks to far more than it weighs is a zip bomb, not an export.
_MAX_UNPACKED_RATIO = 100

# The first bytes of formats that are certainly not a CSV or an XLSX file.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and password-protected .xlsx
_ZIP = b"PK\x03\x04"
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"MZ",
    b"\x7fELF",
    b"{\\rtf",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class FileError(Exception):
    """The file as a whole cannot be imported. `message` says why, for the user."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


def file_kind(filename: str) -> str:
    """The kind a file claims by its extension: CSV or XLSX; FileError for anything else."""
    name = filename.lower().rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension in ("csv", "txt"):
        return CSV
    if extension == "xlsx":
        return XLSX
    if extension in ("xlsm", "xltm", "xlsb"):
        raise FileError(_("Spreadsheets with macros are not accepted. Save the sheet as .xlsx or CSV."))
    if extension == "xls":
        raise FileError(_("The old Excel format (.xls) is not accepted. Save the sheet as .xlsx or CSV."))
    raise FileError(_("Only CSV and XLSX files can be imported."))


def check_content(stream: IO[bytes], kind: str) -> None:
    """Refuse a file whose first bytes say it is something other than its extension."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if not head:
        raise FileError(_("The file is empty."))
    if head.startswith(_OLE2):
        raise FileError(
            _(
                "This is an old Excel, Word or password-protected file. "
                "Save the sheet without a password as .xlsx or CSV."
            )
        )
    if kind == XLSX:
        if not head.startswith(_ZIP):
            raise FileError(_("The file is called .xlsx but is not an Excel workbook."))
        return
    if head.startswith(_ZIP):
        raise FileError(_("The file is called .csv but is a zip file or workbook. Save it as CSV."))
    if head.startswith(_UTF16_BOMS):
        raise FileError(_("The file is UTF-16 text. Save it as CSV in UTF-8."))
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        raise FileError(_("The file is called .csv but is not text."))


def open_table(stream: IO[bytes], *, filename: str, max_rows: int, **options: Any) -> Table:
    """A table over `stream` after the checks on the whole file; FileError when it fails one.

    `options` are those of the source's saved mapping: `header_row` (1 by default) and, for a
    workbook, `sheet` (the first sheet by default)."""
    kind = file_kind(filename)
    check_content(stream, kind)
    header_row = int(options.get("header_row") or 1)
    if kind == XLSX:
        return XlsxTable(stream, max_rows=max_rows, header_row=header_row, sheet=options.get("sheet") or "")
    return CsvTable(stream, max_rows=max_rows, header_row=header_row)


class Table:
    """A file's header and its data rows, read afresh from the start at each `rows()`.

    Row numbers are those a spreadsheet shows: the header is row `header_row` (normally 1),
    blank rows are skipped but keep their number. More than `max_rows` data rows, or none,
    is a FileError."""

    kind = ""
    encoding = ""
    delimiter = ""

    def __init__(self, stream: IO[bytes], *, max_rows: int, header_row: int = 1) -> None:
        self.stream = stream
        self.max_rows = max_rows
        self.header_row = header_row
        self.header: list[str] = []

    def _raw_rows(self) -> Generator[Row, None, None]:
        raise NotImplementedError

    def rows(self) -> Iterator[Row]:
        count = 0
        for number, cells in self._raw_rows():
            if number < self.header_row:
                continue
            if number == self.header_row:
                self.header = _header(cells)
                continue
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            count += 1
            if count > self.max_rows:
                raise FileError(
                    _("The file holds more than %(max)s rows. Split it into smaller files.")
                    % {"max": self.max_rows}
                )
            yield number, cells
        if not self.header:
            raise FileError(_("The file has no header row."))
        if count == 0:
            raise FileError(_("The file holds no rows below its header."))

    def read_header(self) -> list[str]:
        """Read up to the header row only; FileError when there is none."""
        rows = self._raw_rows()
        try:
            for number, cells in rows:
                if number == self.header_row:
                    self.header = _header(cells)
                    return self.header
        finally:
            rows.close()  # a workbook is closed now, not when the generator is collected
        raise FileError(_("The file has no header row."))


def _header(cells: list[Cell]) -> list[str]:
    header = [str(cell).strip() if cell is not None else "" for cell in cells]
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise FileError(_("The header row is empty."))
    if len(header) > _MAX_COLUMNS:
        raise FileError(_("The file has more than %(max)s columns.") % {"max": _MAX_COLUMNS})
    return header


class CsvTable(Table):
    kind = CSV

    def __init__(self, stream: IO[bytes], *, max_rows: int, header_row: int = 1) -> None:
        super().__init__(stream, max_rows=max_rows, header_row=header_row)
        # The first guess; `_lines` moves to Windows-1252 when UTF-8 fails further on.
        self.encoding = UTF8
        self.delimiter = ";"
        self._sniffed = False

    def _lines(self) -> Iterator[str]:
        """Decoded lines (with their line ends), decoded strictly.

        UTF-8 is tried first. When a byte sequence is not UTF-8 and everything before it was
        plain ASCII (read the same in both encodings), the rest is read as Windows-1252; when
        UTF-8 text came before it, the file mixes encodings and is refused."""
        self.stream.seek(0)
        encoding = self.encoding
        decoder = codecs.getincrementaldecoder("utf-8-sig" if encoding == UTF8 else CP1252)("strict")
        ascii_so_far = True
        pending = ""
        offset = 0
        while True:
            chunk = self.stream.read(_CHUNK)
            if b"\x00" in chunk:
                raise FileError(_("The file holds NUL bytes: it is not a text file."))
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                if encoding == UTF8 and ascii_so_far and chunk[: exc.start].isascii():
                    encoding = self.encoding = CP1252
                    decoder = codecs.getincrementaldecoder(CP1252)("strict")
                    text = self._decode_cp1252(decoder, chunk, offset)
                else:
                    raise self._encoding_error(encoding, offset + exc.start) from None
            if encoding == UTF8 and ascii_so_far and not chunk.isascii():
                ascii_so_far = False
            offset += len(chunk)
            pending += text
            start = 0
            while (end := pending.find("\n", start)) != -1:
                yield pending[start : end + 1]
                start = end + 1
            pending = pending[start:]
            if not chunk:
                if pending:
                    yield pending
                return

    def _decode_cp1252(self, decoder: codecs.IncrementalDecoder, chunk: bytes, offset: int) -> str:
        try:
            return decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise self._encoding_error(CP1252, offset + exc.start) from None

    @staticmethod
    def _encoding_error(encoding: str, position: int) -> FileError:
        if encoding == UTF8:
            return FileError(
                _(
                    "The file mixes UTF-8 with another encoding (at byte %(position)s). "
                    "Save it again as CSV UTF-8."
                )
                % {"position": position}
            )
        return FileError(
            _(
                "The file is neither UTF-8 nor Windows-1252 text (unreadable byte at %(position)s). "
                "Save it as CSV UTF-8."
            )
            % {"position": position}
        )

    def _sniff(self, first_line: str) -> None:
        # The header holds known column names without separators in them, so the separator
        # that occurs in it is the file's. (csv.Sniffer guesses wrong on names like "Jansen, P".)
        semicolons, commas, tabs = first_line.count(";"), first_line.count(","), first_line.count("\t")
        if max(semicolons, commas, tabs) == 0 or semicolons >= commas and semicolons >= tabs:
            self.delimiter = ";"
        elif commas >= tabs:
            self.delimiter = ","
        else:
            self.delimiter = "\t"
        self._sniffed = True

    def _raw_rows(self) -> Generator[Row, None, None]:
        lines = self._lines()
        if not self._sniffed:
            head = list(itertools.islice(lines, self.header_row))
            if head:
                self._sniff(head[-1])
            lines = itertools.chain(head, lines)
        reader = csv.reader(lines, delimiter=self.delimiter, strict=False)
        number = 0
        try:
            for cells in reader:
                number += 1
                yield number, list(cells)
        except csv.Error:
            raise FileError(
                _("Row %(row)s cannot be read as CSV (a quote or separator out of place).")
                % {"row": number + 1}
            ) from None


class XlsxTable(Table):
    kind = XLSX

    def __init__(self, stream: IO[bytes], *, max_rows: int, header_row: int = 1, sheet: str = "") -> None:
        super().__init__(stream, max_rows=max_rows, header_row=header_row)
        self.sheet = sheet
        self._check_package()

    def _check_package(self) -> None:
        self.stream.seek(0)
        try:
            with zipfile.ZipFile(self.stream) as package:
                entries = package.infolist()
                names = {entry.filename for entry in entries}
                content_types = (
                    package.read("[Content_Types].xml")[:200_000] if "[Content_Types].xml" in names else b""
                )
        except (zipfile.BadZipFile, OSError, ValueError, KeyError):
            raise FileError(_("The workbook is damaged and cannot be opened.")) from None
        if "xl/workbook.xml" not in names or not content_types:
            raise FileError(_("The file is called .xlsx but is not an Excel workbook."))
        if any(name.lower().endswith("vbaproject.bin") for name in names) or b"macroEnabled" in content_types:
            raise FileError(_("Spreadsheets with macros are not accepted. Save the sheet as .xlsx or CSV."))
        packed = sum(entry.compress_size for entry in entries) or 1
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > _MAX_UNPACKED_RATIO * max(packed, _CHUNK):
            raise FileError(_("The workbook unpacks to an implausible size and is refused."))
        self.stream.seek(0)

    def _raw_rows(self) -> Generator[Row, None, None]:
        from openpyxl import load_workbook

        self.stream.seek(0)
        try:
            # data_only: the stored value of a formula, never the formula; nothing is evaluated.
            workbook = load_workbook(self.stream, read_only=True, data_only=True, keep_links=False)
        except Exception:  # openpyxl raises many kinds for a broken package
            raise FileError(_("The workbook is damaged and cannot be opened.")) from None
        try:
            if self.sheet:
                if self.sheet not in workbook.sheetnames:
                    raise FileError(_("The workbook has no sheet named %(sheet)s.") % {"sheet": self.sheet})
                sheet = workbook[self.sheet]
            else:
                sheet = workbook.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_xlsx_cell(value) for value in values]
        finally:
            workbook.close()


def _xlsx_cell(value: object) -> Cell:
    if value is None or isinstance(value, (str, datetime, date)):
        return value
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)
