"""Disclosure control: every figure a policy user sees, downloads or reads from the API passes
`protect`.

The rule, as CBS applies it to its Veilig Thuis tables:

1. Primary suppression. A count from 1 up to the threshold (region setting, default 5) is not
   shown: it could point to a family. Totals follow the same rule.
2. Secondary suppression. A hidden count must not be recoverable from what is shown. Published
   totals give linear equations (a row's cells add up to its total, and so do a column's). For
   every hidden small count, `protect` makes sure that a second table exists that shows exactly
   the same numbers and totals but a different value in that cell: it hides a rectangle of
   cells (the small count, one more in its row, one more in its column and the one where those
   meet; a total may be one of them) such that adding one unit round the rectangle, + - + -,
   keeps every shown number and every sum, and no count below zero. The cheapest rectangle is
   chosen: small cells before large ones, inner cells before totals.
3. Rounding. Public exports round every shown number to a multiple of 5 (region setting), as
   CBS does; rounded totals need not add up.

Every hidden cell is marked the same way ("x"), whether it was hidden for being small or to
protect another cell, so that the mark itself tells nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from haard.core import region_settings

SUPPRESS_BELOW = region_settings.declare(
    "insight.suppress_below",
    kind=int,
    default=5,
    minimum=1,
    maximum=100,
    description=_("Figures without personal data hide a count from 1 up to below this number"),
)
ROUND_PUBLIC_TO = region_settings.declare(
    "insight.round_public_to",
    kind=int,
    default=5,
    minimum=1,
    maximum=100,
    description=_("Public exports round every figure to a multiple of this number (1: no rounding)"),
)

HIDDEN = "x"
_TOTAL_COST = 10**9  # hide a total only when no set of inner cells will do
_ZERO_COST = 10**6  # a hidden zero gives a weak protection: choose it only when nothing else will do


def threshold() -> int:
    return int(region_settings.value(SUPPRESS_BELOW.key))


def public_rounding() -> int:
    return int(region_settings.value(ROUND_PUBLIC_TO.key))


def suppress_small(count: int, *, below: int | None = None) -> str:
    """A single count shown on its own, with no total beside it: "<5" when it is below the
    threshold. Tables go through `protect`."""
    limit = threshold() if below is None else below
    return f"<{limit}" if count < limit else str(count)


@dataclass(frozen=True)
class Cell:
    """A published number: `number` is None when the cell is hidden."""

    number: int | None

    @property
    def hidden(self) -> bool:
        return self.number is None

    def __str__(self) -> str:
        return HIDDEN if self.number is None else str(self.number)


@dataclass
class Protected:
    """A table as it may be published. `row_totals`/`column_totals` are None when the table has
    none (a table of one column has no row totals: they would repeat the column)."""

    cells: list[list[Cell]]
    row_totals: list[Cell] | None
    column_totals: list[Cell] | None
    grand_total: Cell | None
    below: int
    rounded_to: int
    hidden_count: int = field(default=0)

    @property
    def rule(self) -> str:
        return rule_text(below=self.below, rounded_to=self.rounded_to)


def rule_text(*, below: int | None = None, rounded_to: int = 1) -> str:
    """The rule in words, shown with every table."""
    limit = threshold() if below is None else below
    text = _t(
        "Disclosure control: a count from 1 to %(top)d is hidden (x), and further cells are "
        "hidden (x) where needed so that no hidden count can be worked out from the totals."
    ) % {"top": limit - 1}
    if limit <= 1:
        text = _t("Disclosure control: no count is hidden (threshold 1).")
    if rounded_to > 1:
        text += " " + _t(
            "Every number is rounded to a multiple of %(base)d, so totals may differ from the sum "
            "of their parts."
        ) % {"base": rounded_to}
    return text


class _Grid:
    """The table with its totals as one matrix; lines with a total are constraints."""

    def __init__(self, counts: Sequence[Sequence[int]], row_totals: bool, column_totals: bool) -> None:
        self.rows = len(counts)
        self.columns = len(counts[0]) if counts else 0
        self.row_totals, self.column_totals = row_totals, column_totals
        matrix = [list(map(int, line)) for line in counts]
        if row_totals:
            for line in matrix:
                line.append(sum(line))
        if column_totals:
            width = self.columns + (1 if row_totals else 0)
            matrix.append([sum(matrix[r][c] for r in range(self.rows)) for c in range(width)])
        self.matrix = matrix
        self.height = len(matrix)
        self.width = len(matrix[0]) if matrix else 0

    def sign(self, r: int, c: int) -> int:
        """+1 for an inner cell or the grand total, -1 for a row or column total: moving one unit
        round a rectangle changes a cell by sign x (+1 or -1)."""
        total_row = self.column_totals and r == self.rows
        total_column = self.row_totals and c == self.columns
        return -1 if total_row != total_column else 1

    def is_total(self, r: int, c: int) -> bool:
        return (self.column_totals and r == self.rows) or (self.row_totals and c == self.columns)


def _shift_ok(grid: _Grid, moves: list[tuple[int, int, int]]) -> bool:
    """True when moving each (r, c) by direction * sign keeps every count at zero or above, for
    some direction."""
    for direction in (1, -1):
        if all(grid.matrix[r][c] + direction * step * grid.sign(r, c) >= 0 for r, c, step in moves):
            return True
    return False


def _candidates(grid: _Grid, r1: int, c1: int) -> list[list[tuple[int, int, int]]]:
    """The cell sets whose hiding protects (r1, c1): rectangles when both rows and columns have
    totals; pairs within the constrained line otherwise."""
    if grid.row_totals and grid.column_totals:
        return [
            [(r1, c1, 1), (r1, c2, -1), (r2, c1, -1), (r2, c2, 1)]
            for r2 in range(grid.height)
            if r2 != r1
            for c2 in range(grid.width)
            if c2 != c1
        ]
    if grid.column_totals:  # only columns add up: move within the column
        return [[(r1, c1, 1), (r2, c1, -1)] for r2 in range(grid.height) if r2 != r1]
    if grid.row_totals:
        return [[(r1, c1, 1), (r1, c2, -1)] for c2 in range(grid.width) if c2 != c1]
    return []


def _secondary(grid: _Grid, hidden: set[tuple[int, int]], primary: list[tuple[int, int]]) -> None:
    for r1, c1 in primary:
        best: tuple[int, list[tuple[int, int]]] | None = None
        for moves in _candidates(grid, r1, c1):
            if not _shift_ok(grid, moves):
                continue
            extra = [(r, c) for r, c, _step in moves if (r, c) not in hidden]
            cost = 0
            for r, c in extra:
                value = grid.matrix[r][c]
                cost += (
                    value + (_TOTAL_COST if grid.is_total(r, c) else 0) + (_ZERO_COST if value == 0 else 0)
                )
            if best is None or cost < best[0]:
                best = (cost, extra)
                if cost == 0:
                    break
        if best is not None:
            hidden.update(best[1])


def _rounded(value: int, base: int) -> int:
    if base <= 1:
        return value
    return ((value + base // 2) // base) * base


def protect(
    counts: Sequence[Sequence[int]],
    *,
    row_totals: bool | None = None,
    column_totals: bool | None = None,
    below: int | None = None,
    public: bool = False,
) -> Protected:
    """The table of `counts` (rows x columns, non-negative) as it may be published, with its
    row totals, column totals and grand total, after primary and secondary suppression, and
    rounded when `public`. By default a table of one column has no row totals and a table of
    one row no column totals."""
    limit = threshold() if below is None else below
    base = public_rounding() if public else 1
    rows = len(counts)
    columns = len(counts[0]) if rows else 0
    if any(len(line) != columns for line in counts):
        raise ValueError("Every row of a table needs the same number of columns.")
    if any(value < 0 for line in counts for value in line):
        raise ValueError("Counts are never negative.")
    with_row_totals = columns > 1 if row_totals is None else row_totals
    with_column_totals = rows > 1 if column_totals is None else column_totals
    grid = _Grid(counts, with_row_totals and columns > 0, with_column_totals and rows > 0)
    primary = sorted(
        ((r, c) for r in range(grid.height) for c in range(grid.width) if 0 < grid.matrix[r][c] < limit),
        key=lambda rc: (grid.is_total(*rc), grid.matrix[rc[0]][rc[1]], rc),
    )
    hidden = set(primary)
    _secondary(grid, hidden, primary)

    def cell(r: int, c: int) -> Cell:
        return Cell(None if (r, c) in hidden else _rounded(grid.matrix[r][c], base))

    cells = [[cell(r, c) for c in range(columns)] for r in range(rows)]
    row_total_cells = [cell(r, columns) for r in range(rows)] if grid.row_totals else None
    column_total_cells = [cell(rows, c) for c in range(columns)] if grid.column_totals else None
    grand = cell(rows, columns) if grid.row_totals and grid.column_totals else None
    return Protected(
        cells=cells,
        row_totals=row_total_cells,
        column_totals=column_total_cells,
        grand_total=grand,
        below=limit,
        rounded_to=base,
        hidden_count=len(hidden),
    )
