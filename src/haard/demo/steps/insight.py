"""Demo outlines of the neighbourhoods, for the area-scan map, and a first build of the
monthly figures.

Each municipality gets a block of land; its neighbourhoods tile the block as a grid of cells
whose shared corners are moved a little at random, so that the map looks like a map and
neighbours share their borders. Coordinates are metres in the style of RD New.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING

from haard.core.models import Neighbourhood

if TYPE_CHECKING:
    from haard.demo.steps import DemoContext

ORDER = 90

CELL = 600.0  # metres per grid cell
ORIGIN_X, ORIGIN_Y = 150_000.0, 450_000.0
MUNICIPALITIES_PER_ROW = 6


def _corners(rng: random.Random, columns: int, rows: int) -> list[list[tuple[float, float]]]:
    """Grid corners moved at random by up to a quarter cell, the outer edge kept straight."""
    points = []
    for j in range(rows + 1):
        line = []
        for i in range(columns + 1):
            dx = 0.0 if i in (0, columns) else rng.uniform(-0.25, 0.25) * CELL
            dy = 0.0 if j in (0, rows) else rng.uniform(-0.25, 0.25) * CELL
            line.append((i * CELL + dx, j * CELL + dy))
        points.append(line)
    return points


def outlines(codes: list[str], *, seed: int, offset: tuple[float, float]) -> dict[str, dict[str, object]]:
    """A GeoJSON Polygon per neighbourhood code, tiling one block from north-west to south-east."""
    rng = random.Random(seed)
    columns = max(1, math.ceil(math.sqrt(len(codes))))
    rows = max(1, math.ceil(len(codes) / columns))
    corners = _corners(rng, columns, rows)
    shapes: dict[str, dict[str, object]] = {}
    for index, code in enumerate(codes):
        row, column = divmod(index, columns)
        j = rows - 1 - row  # the first neighbourhood in the north-west
        ring = [
            corners[j][column],
            corners[j][column + 1],
            corners[j + 1][column + 1],
            corners[j + 1][column],
        ]
        coordinates = [[round(offset[0] + x, 1), round(offset[1] + y, 1)] for x, y in ring]
        shapes[code] = {"type": "Polygon", "coordinates": [[*coordinates, coordinates[0]]]}
    return shapes


def generate(context: DemoContext) -> dict[str, int]:
    from haard.insight.models import NeighbourhoodShape
    from haard.insight.summary import refresh_figures

    by_municipality: dict[int, list[Neighbourhood]] = {}
    neighbourhoods = Neighbourhood.objects.filter(
        district__municipality_id__in=[
            pk for code, pk in context.municipality_ids.items() if code.startswith("GM")
        ]
    ).select_related("district")
    for neighbourhood in neighbourhoods.order_by("code"):
        by_municipality.setdefault(neighbourhood.district.municipality_id, []).append(neighbourhood)
    shapes = []
    largest = max((len(members) for members in by_municipality.values()), default=1)
    block = (math.ceil(math.sqrt(largest)) + 1) * CELL
    for number, (municipality_id, members) in enumerate(sorted(by_municipality.items())):
        row, column = divmod(number, MUNICIPALITIES_PER_ROW)
        offset = (ORIGIN_X + column * block, ORIGIN_Y - row * block)
        geometry = outlines(
            [n.code for n in members], seed=context.seed * 1_000 + municipality_id, offset=offset
        )
        shapes += [
            NeighbourhoodShape(neighbourhood=n, geometry=geometry[n.code], source="demo") for n in members
        ]
    NeighbourhoodShape.objects.bulk_create(shapes, batch_size=1_000)
    refreshed = refresh_figures()
    return {"neighbourhood outlines": len(shapes), "monthly figures": refreshed.rows}
