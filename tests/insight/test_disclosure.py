"""Disclosure control: small counts are hidden, and no hidden small count can be worked out
from what a table shows. The attacker here knows every shown number, every total, and that
counts are whole numbers of zero or more; each test tries to recover a hidden small count and
must fail."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haard.insight.disclosure import Protected, protect, rule_text, suppress_small

BELOW = 5


def _augmented(counts: list[list[int]], table: Protected) -> tuple[list[list[int]], list[list[int | None]]]:
    """The true table with its totals, and what is published of it (None: hidden)."""
    rows, columns = len(counts), len(counts[0])
    truth = [list(line) for line in counts]
    shown: list[list[int | None]] = [[c.number for c in line] for line in table.cells]
    if table.row_totals is not None:
        for r in range(rows):
            truth[r].append(sum(counts[r]))
            shown[r].append(table.row_totals[r].number)
    if table.column_totals is not None:
        width = columns + (1 if table.row_totals is not None else 0)
        truth.append([sum(truth[r][c] for r in range(rows)) for c in range(width)])
        line = [c.number for c in table.column_totals]
        if table.row_totals is not None:
            line.append(table.grand_total.number if table.grand_total else None)
        shown.append(line)
    return truth, shown


def _equations(
    counts: list[list[int]], table: Protected, shown: list[list[int | None]]
) -> tuple[list[tuple[int, int]], list[tuple[dict[int, Fraction], Fraction]]]:
    """The unknowns (hidden entries) and the linear equations the published totals give."""
    rows, columns = len(counts), len(counts[0])
    unknowns = [(r, c) for r, line in enumerate(shown) for c, v in enumerate(line) if v is None]
    index = {rc: i for i, rc in enumerate(unknowns)}
    lines: list[list[tuple[int, int, int]]] = []  # (r, c, coefficient): sum is zero
    if table.row_totals is not None:
        height = rows + (1 if table.column_totals is not None else 0)
        lines += [[(r, c, 1) for c in range(columns)] + [(r, columns, -1)] for r in range(height)]
    if table.column_totals is not None:
        width = columns + (1 if table.row_totals is not None else 0)
        lines += [[(r, c, 1) for r in range(rows)] + [(rows, c, -1)] for c in range(width)]
    equations = []
    for line in lines:
        coefficients: dict[int, Fraction] = {}
        constant = Fraction(0)
        for r, c, k in line:
            if (r, c) in index:
                coefficients[index[(r, c)]] = coefficients.get(index[(r, c)], Fraction(0)) + k
            else:
                constant -= k * shown[r][c]  # type: ignore[operator]
        equations.append((coefficients, constant))
    return unknowns, equations


def _determined(
    unknowns: list[tuple[int, int]], equations: list[tuple[dict[int, Fraction], Fraction]]
) -> set[int]:
    """The unknowns whose value follows from the equations (Gaussian elimination over the
    rationals: an unknown is determined when its unit vector lies in the row space)."""
    n = len(unknowns)
    matrix = [[eq.get(i, Fraction(0)) for i in range(n)] for eq, _constant in equations]
    pivots: list[int] = []
    row = 0
    for column in range(n):
        pivot = next((r for r in range(row, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        lead = matrix[row][column]
        matrix[row] = [v / lead for v in matrix[row]]
        for other in range(len(matrix)):
            if other != row and matrix[other][column] != 0:
                factor = matrix[other][column]
                matrix[other] = [a - factor * b for a, b in zip(matrix[other], matrix[row], strict=True)]
        pivots.append(column)
        row += 1
    determined = set()
    for r, column in enumerate(pivots):
        if all(matrix[r][c] == 0 for c in range(n) if c != column):
            determined.add(column)
    return determined


def _feasible_values(
    truth: list[list[int]], shown: list[list[int | None]], target: tuple[int, int], table: Protected
) -> set[int]:
    """Values the target can take in a table of non-negative counts that publishes exactly
    the same: tried by moving one unit round every rectangle (or pair) of hidden entries."""
    hidden = [(r, c) for r, line in enumerate(shown) for c, v in enumerate(line) if v is None]
    found = {truth[target[0]][target[1]]}
    rows, columns = len(table.cells), len(table.cells[0])

    def consistent(candidate: list[list[int]]) -> bool:
        if any(v < 0 for line in candidate for v in line):
            return False
        if any(shown[r][c] is not None and shown[r][c] != candidate[r][c] for r, c in _all(candidate)):
            return False
        if table.row_totals is not None:
            for r in range(len(candidate)):
                if sum(candidate[r][:columns]) != candidate[r][columns]:
                    return False
        if table.column_totals is not None:
            for c in range(len(candidate[0])):
                if sum(candidate[r][c] for r in range(rows)) != candidate[rows][c]:
                    return False
        return True

    hidden_set = set(hidden)
    r1, c1 = target
    moves: list[list[tuple[int, int]]] = [[]]  # with no totals, the cell alone may change
    moves += [[rc] for rc in hidden if rc != target and (rc[0] == r1 or rc[1] == c1)]
    moves += [
        [(r1, c2), (r2, c1), (r2, c2)]
        for r2 in range(len(truth))
        for c2 in range(len(truth[0]))
        if r2 != r1 and c2 != c1 and {(r1, c2), (r2, c1), (r2, c2)} <= hidden_set
    ]
    for others in moves:
        for signs in itertools.product((-1, 1), repeat=len(others) + 1):
            candidate = [list(line) for line in truth]
            for (r, c), sign in zip([target, *others], signs, strict=True):
                candidate[r][c] += sign
            if consistent(candidate):
                found.add(candidate[r1][c1])
                return found
    return found


def _all(matrix: list[list[int]]) -> list[tuple[int, int]]:
    return [(r, c) for r in range(len(matrix)) for c in range(len(matrix[r]))]


def _attack_by_lines(
    shown: list[list[int | None]], table: Protected, rows: int, columns: int
) -> dict[tuple[int, int], int]:
    """The usual attack: a line with one hidden entry gives it away; repeat until stuck."""
    known = {rc: v for rc in _all(shown) if (v := shown[rc[0]][rc[1]]) is not None}  # type: ignore[arg-type]
    lines: list[list[tuple[int, int, int]]] = []
    if table.row_totals is not None:
        lines += [[(r, c, 1) for c in range(columns)] + [(r, columns, -1)] for r in range(len(shown))]
    if table.column_totals is not None:
        lines += [[(r, c, 1) for r in range(rows)] + [(rows, c, -1)] for c in range(len(shown[0]))]
    recovered: dict[tuple[int, int], int] = {}
    progress = True
    while progress:
        progress = False
        for line in lines:
            missing = [(r, c, k) for r, c, k in line if (r, c) not in known]
            if len(missing) == 1:
                r, c, k = missing[0]
                rest = sum(kk * known[(rr, cc)] for rr, cc, kk in line if (rr, cc) in known)
                known[(r, c)] = recovered[(r, c)] = -rest // k
                progress = True
    return recovered


def _check(counts: list[list[int]]) -> Protected:
    table = protect(counts, below=BELOW, row_totals=len(counts[0]) > 1, column_totals=len(counts) > 1)
    truth, shown = _augmented(counts, table)
    small = [(r, c) for r, c in _all(truth) if 0 < truth[r][c] < BELOW]
    for r, c in small:
        assert shown[r][c] is None, f"small count {truth[r][c]} at {(r, c)} is shown"
    for r, c in _all(truth):
        if shown[r][c] is not None:
            assert shown[r][c] == truth[r][c]
    unknowns, equations = _equations(counts, table, shown)
    determined = {unknowns[i] for i in _determined(unknowns, equations)}
    recovered = _attack_by_lines(shown, table, len(counts), len(counts[0]))
    for cell in small:
        assert cell not in determined, f"{cell} follows from the totals: {counts}"
        assert cell not in recovered, f"{cell} recovered line by line: {counts}"
        assert len(_feasible_values(truth, shown, cell, table)) > 1, (
            f"{cell} has one possible value: {counts}"
        )
    return table


def test_a_small_cell_alone_in_its_row_gets_a_partner() -> None:
    table = _check([[3, 20, 30], [12, 40, 50], [15, 25, 60]])
    hidden = sum(c.hidden for line in table.cells for c in line)
    assert hidden >= 4  # a rectangle: the small count, one in its row, one in its column, one opposite
    assert table.grand_total is not None and not table.grand_total.hidden


def test_the_total_row_cannot_betray_the_cell() -> None:
    # The column total minus the other (shown) cells would give the 2: it must not.
    _check([[2, 30], [10, 40]])


def test_a_one_column_table_hides_a_second_row() -> None:
    table = _check([[2], [9], [30]])
    assert table.row_totals is None
    assert sum(line[0].hidden for line in table.cells) >= 2


def test_a_one_row_table_hides_a_second_column() -> None:
    table = _check([[1, 7, 9]])
    assert table.column_totals is None


def test_zeros_are_shown_and_large_counts_too() -> None:
    table = protect([[0, 10], [20, 30]], below=BELOW)
    assert [[c.number for c in line] for line in table.cells] == [[0, 10], [20, 30]]
    assert table.hidden_count == 0


def test_a_small_total_is_hidden() -> None:
    table = _check([[1, 0], [0, 2]])
    assert table.grand_total is not None and table.grand_total.hidden


@pytest.mark.django_db
def test_public_rounding_to_five() -> None:
    table = protect([[12, 23], [37, 8]], below=BELOW, public=True)
    assert table.rounded_to == 5
    assert all(c.number is None or c.number % 5 == 0 for line in table.cells for c in line)
    assert "multiple of 5" in table.rule


@pytest.mark.django_db
def test_the_rule_is_stated() -> None:
    assert "1 to 4" in rule_text(below=5)
    assert str(protect([[1]], below=5).cells[0][0]) == "x"


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="same number of columns"):
        protect([[1, 2], [3]], below=BELOW)
    with pytest.raises(ValueError, match="never negative"):
        protect([[1, -2]], below=BELOW)


def test_the_single_figure_helper_keeps_its_marker() -> None:
    assert suppress_small(3, below=5) == "<5"
    assert suppress_small(7, below=5) == "7"


counts_strategy = st.integers(min_value=1, max_value=4).flatmap(
    lambda rows: st.integers(min_value=1, max_value=4).flatmap(
        lambda columns: st.lists(
            st.lists(st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=columns, max_size=columns),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts_strategy)
def test_no_hidden_small_count_can_be_recovered(counts: list[list[int]]) -> None:
    _check(counts)
