"""Charts and the area-scan map as inline SVG, drawn on the server: no script, no style
attribute (the content security policy forbids both), the same markup on a page and in a PDF.

Every chart has a title and a description for screen readers, and the numbers it draws are
also in a table beside it. A hidden (suppressed) value is drawn as a gap with an "x" mark,
never as zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _t

# A sequential blue scale, light to dark; text on each class has a contrast of 4.5:1 or more
# (black on the first three, white on the last two).
CLASS_COLOURS = ["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5", "#08306b"]
HIDDEN_FILL = "url(#hidden-hatch)"
NO_DATA_FILL = "#ffffff"
INK = "#1a1a1a"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value)}"


def nice_top(value: float) -> float:
    """A round number at or above `value` for the top of an axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _frame(title: str, description: str, width: int, height: int, ident: str, body: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        width,
        height,
        width,
        height,
        ident,
        ident,
        ident,
        title,
        ident,
        description,
        mark_safe(body),  # noqa: S308 - built below from escaped parts
    )


def line_chart(
    points: Sequence[tuple[str, float | None]], *, title: str, ident: str, unit: str
) -> SafeString:
    """A line through the values in order; hidden values break the line and show "x"."""
    width, height, left, right, top, bottom = 640, 260, 56, 16, 16, 56
    values = [v for _label, v in points if v is not None]
    peak = nice_top(max(values, default=0))
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(points) - 1)
    parts: list[str] = []
    for tick in range(5):
        tick_value = peak * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d0d0d0"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">'
            f"{_number(tick_value)}</text>"
        )
    every = max(1, math.ceil(len(points) / 12))
    segments: list[list[tuple[float, float]]] = [[]]
    for index, (label, value) in enumerate(points):
        x = left + step * index if len(points) > 1 else left + plot_w / 2
        if index % every == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="end" font-size="11" fill="{INK}" '
                f'transform="rotate(-40 {x:.1f} {height - bottom + 16})">{escape(label)}</text>'
            )
        if value is None:
            parts.append(
                f'<text x="{x:.1f}" y="{top + plot_h - 4:.1f}" text-anchor="middle" font-size="12" '
                f'font-weight="bold" fill="{INK}">x</text>'
            )
            segments.append([])
            continue
        y = top + plot_h - plot_h * value / peak
        segments[-1].append((x, y))
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#08306b"><title>{escape(label)}: '
            f"{_number(value)} {escape(unit)}</title></circle>"
        )
    for segment in segments:
        if len(segment) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            parts.insert(0, f'<polyline points="{path}" fill="none" stroke="#2171b5" stroke-width="2"/>')
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{INK}"/>'
    )
    description = _t("%(unit)s per period; x marks a hidden figure. The table below gives the numbers.") % {
        "unit": unit
    }
    return _frame(title, description, width, height, ident, "".join(parts))


def bar_chart(
    bars: Sequence[tuple[str, float | None, bool]], *, title: str, ident: str, unit: str
) -> SafeString:
    """Horizontal bars, one per label; the highlighted bar is dark; a hidden value shows "x"."""
    row, left, right, top = 22, 220, 60, 8
    width = 640
    height = top * 2 + row * max(1, len(bars))
    peak = nice_top(max((v for _l, v, _h in bars if v is not None), default=0))
    plot_w = width - left - right
    parts: list[str] = []
    for index, (label, value, highlight) in enumerate(bars):
        y = top + index * row
        weight = "bold" if highlight else "normal"
        parts.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="{INK}" '
            f'font-weight="{weight}">{escape(label)}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{left + 4}" y="{y + 15}" font-size="12" font-weight="bold" fill="{INK}">x</text>'
            )
            continue
        length = plot_w * value / peak
        fill = "#08306b" if highlight else "#6baed6"
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{length:.1f}" height="{row - 6}" fill="{fill}">'
            f"<title>{escape(label)}: {_number(round(value, 1))} {escape(unit)}</title></rect>"
        )
        parts.append(
            f'<text x="{left + length + 4:.1f}" y="{y + 15}" font-size="11" fill="{INK}">'
            f"{_number(round(value, 1))}</text>"
        )
    description = _t("%(unit)s per area; x marks a hidden figure. The table below gives the numbers.") % {
        "unit": unit
    }
    return _frame(title, description, width, height, ident, "".join(parts))


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    geometry: dict[str, object] | None
    value: float | None  # rate per 1,000; None when hidden or without population
    text: str  # what the area's tooltip says about its value
    hidden: bool


def classes(values: Sequence[float]) -> list[float]:
    """Upper bounds of five classes of equal width from 0 to the largest value."""
    top = nice_top(max(values, default=0))
    return [top * (i + 1) / 5 for i in range(5)]


def class_of(value: float, bounds: Sequence[float]) -> int:
    for index, bound in enumerate(bounds):
        if value <= bound:
            return index
    return len(bounds) - 1


def _rings(geometry: dict[str, object]) -> list[list[list[float]]]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon" and isinstance(coordinates, list):
        return [ring for ring in coordinates if isinstance(ring, list)]
    if kind == "MultiPolygon" and isinstance(coordinates, list):
        return [ring for polygon in coordinates if isinstance(polygon, list) for ring in polygon]
    return []


def valid_geometry(geometry: object) -> bool:
    if not isinstance(geometry, dict):
        return False
    rings = _rings(geometry)
    return bool(rings) and all(
        len(ring) >= 3
        and all(
            isinstance(p, list | tuple) and len(p) >= 2 and all(isinstance(c, int | float) for c in p[:2])
            for p in ring
        )
        for ring in rings
    )


def _patterns() -> str:
    return (
        '<defs><pattern id="hidden-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#e0e0e0"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{INK}" stroke-width="1.5"/></pattern></defs>'
    )


def _fill(area: MapArea, bounds: Sequence[float]) -> str:
    if area.hidden:
        return HIDDEN_FILL
    if area.value is None:
        return NO_DATA_FILL
    return CLASS_COLOURS[class_of(area.value, bounds)]


def area_map(areas: Sequence[MapArea], *, title: str, ident: str) -> SafeString:
    """The areas drawn from their outlines (north up), coloured by class of their value."""
    bounds = classes([a.value for a in areas if a.value is not None])
    points = [p for a in areas if a.geometry for ring in _rings(a.geometry) for p in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    width = 600
    scale = width / max(max_x - min_x, 1e-9)
    height = max(120, int((max_y - min_y) * scale))
    scale = min(scale, height / max(max_y - min_y, 1e-9))
    parts = [_patterns()]
    for area in areas:
        if not area.geometry:
            continue
        path = " ".join(
            "M "
            + " L ".join(f"{(p[0] - min_x) * scale:.1f} {(max_y - p[1]) * scale:.1f}" for p in ring)
            + " Z"
            for ring in _rings(area.geometry)
        )
        dashed = ' stroke-dasharray="4 3"' if area.value is None and not area.hidden else ""
        parts.append(
            f'<path d="{path}" fill="{_fill(area, bounds)}" stroke="{INK}" stroke-width="1"{dashed}>'
            f"<title>{escape(area.name)}: {escape(area.text)}</title></path>"
        )
    description = _t("Neighbourhoods coloured by class; the table gives every value.")
    return _frame(title, description, width + 2, height + 2, ident, "".join(parts))


def tile_map(areas: Sequence[MapArea], *, title: str, ident: str) -> SafeString:
    """The areas as a grid of labelled tiles, in code order, when outlines are missing."""
    bounds = classes([a.value for a in areas if a.value is not None])
    columns = max(1, min(6, math.ceil(math.sqrt(len(areas)))))
    tile_w, tile_h, gap = 96, 56, 4
    rows = max(1, math.ceil(len(areas) / columns))
    parts = [_patterns()]
    for index, area in enumerate(areas):
        row, column = divmod(index, columns)
        x, y = column * (tile_w + gap), row * (tile_h + gap)
        fill = _fill(area, bounds)
        dark = fill in CLASS_COLOURS[3:]
        text = "#ffffff" if dark else INK
        name = area.name if len(area.name) <= 14 else area.name[:13] + "…"
        parts.append(
            f"<g><title>{escape(area.name)}: {escape(area.text)}</title>"
            f'<rect x="{x}" y="{y}" width="{tile_w}" height="{tile_h}" fill="{fill}" stroke="{INK}"/>'
            f'<text x="{x + 6}" y="{y + 20}" font-size="11" fill="{text}">{escape(name)}</text>'
            f'<text x="{x + 6}" y="{y + 40}" font-size="12" font-weight="bold" fill="{text}">'
            f"{escape(area.text if len(area.text) <= 12 else '–')}</text></g>"
        )
    description = _t("Neighbourhoods as tiles, coloured by class; the table gives every value.")
    return _frame(title, description, columns * (tile_w + gap), rows * (tile_h + gap), ident, "".join(parts))


def legend(values: Sequence[float]) -> list[tuple[str, str]]:
    """(colour, text) for each class, for the legend beside a map."""
    bounds = classes(values)
    lower = 0.0
    items = []
    for colour, bound in zip(CLASS_COLOURS, bounds, strict=True):
        items.append((colour, f"{_number(round(lower, 1))} – {_number(round(bound, 1))}"))
        lower = bound
    return items
