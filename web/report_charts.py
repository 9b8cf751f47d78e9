"""Server-drawn SVG charts for the report pages: horizontal bars for categories (long labels stay
readable; negative values go left of a zero line), lines for figures over time. Presentation
attributes only (no style, no script), so the page's CSP holds. The chart is a picture of the table
printed beside it: it is labelled as such, and the table carries the figures for screen readers."""
from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#5694ca")
TEXT, GRID, FONT = "#0b0c0c", "#b1b4b6", 'font-family="GDS Transport, arial, sans-serif"'
WIDTH, LABEL_W, BAR_H, GAP = 680, 300, 18, 10
#: The width of the phone drawing: a 320 px screen's page column (290 px) shows it at nearly its own size.
NARROW = 300


def chart_svg(section: dict[str, Any], labels: dict[str, str]) -> Markup:
    """The section's chart as inline SVG, or an empty string when it has none or nothing to draw."""
    chart, rows = section.get("chart"), section["rows"]
    if not chart or not rows:
        return Markup("")
    points = [(str(r.get(chart["label"]) if r.get(chart["label"]) is not None else ""),
               [_number(r.get(k)) for k in chart["series"]]) for r in rows]
    if all(v is None for _, values in points for v in values):
        return Markup("")
    draw = _lines if chart["kind"] == "line" and len(points) > 1 else _bars
    series = [labels.get(k, k) for k in chart["series"]]
    # Two drawings of the same figures; the page's CSS shows one: the wide one, or on a phone the narrow one
    # (labels above their bars, fewer words under a line), each at about its own size so its words stay readable.
    return Markup(f'<div class="app-chart__wide">{draw(section["title"], points, series, chart, WIDTH)}</div>'
                  f'<div class="app-chart__narrow">{draw(section["title"], points, series, chart, NARROW)}</div>')


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return f"£{text}" if unit == "£" else f"{text}%" if unit == "%" else text


def _short(label: str, most: int = 36) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def _legend(series: list[str], full: int) -> tuple[list[str], int]:
    """A legend along the top, wrapped to the drawing's width `full`; (its SVG, its height). None for one series."""
    if len(series) < 2:
        return [], 6
    out, x, y = [], 10, 4
    for i, label in enumerate(series):
        width = 30 + 7.5 * len(label)
        if x + width > full and x > 10:
            x, y = 10, y + 20
        out.append(f'<rect x="{x:.0f}" y="{y}" width="12" height="12" fill="{COLOURS[i % len(COLOURS)]}"/>'
                   f'<text x="{x + 16:.0f}" y="{y + 11}" fill="{TEXT}" font-size="13">{escape(label)}</text>')
        x += width
    return out, y + 26


def _open(title: str, height: float, legend: list[str], full: int) -> list[str]:
    name = escape(f"Chart: {title}. The figures are in the table with it.")
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {full} {height:.0f}" width="{full}" '
            f'height="{height:.0f}" role="img" aria-label="{name}" class="app-chart__svg" {FONT} font-size="13">',
            *legend]


def _bars(title: str, points, series: list[str], chart: dict, full: int = WIDTH) -> Markup:
    """Horizontal bars; at the narrow width each label stands on its own line above its bars."""
    unit, reference = chart.get("unit", ""), _number(chart.get("reference"))
    values = [v for _, vs in points for v in vs if v is not None]
    top = max([*values, reference or 0, 0]) or 1
    bottom = min([*values, 0])
    if unit == "%":
        top = max(top, 100)
    above = full < WIDTH  # labels above the bars, which then take the whole width
    label_w = 0 if above else LABEL_W
    left = label_w + (45 if bottom < 0 else 0) + (4 if above else 0)  # room for the values of negative bars
    span, plot = top - bottom, full - left - (60 if above else 75)
    zero = left + plot * (-bottom / span)
    legend, head = _legend(series, full)
    label_h = 18 if above else 0
    group = label_h + BAR_H * len(series) + GAP
    height = head + group * len(points) + 30
    out = _open(title, height, legend, full)
    if not above:
        out.append(f'<line x1="{zero:.1f}" y1="{head}" x2="{zero:.1f}" y2="{height - 24}" stroke="{TEXT}"/>')
    for n, (label, vs) in enumerate(points):
        y = head + n * group
        if above:
            out.append(f'<text x="4" y="{y + 13}" fill="{TEXT}"><title>{escape(label)}</title>'
                       f'{escape(_short(label, 40))}</text>')
        else:
            out.append(f'<text x="{label_w - 8}" y="{y + group / 2 + 2:.1f}" text-anchor="end" fill="{TEXT}">'
                       f'<title>{escape(label)}</title>{escape(_short(label))}</text>')
        if above:  # the zero line in pieces, broken by the labels
            out.append(f'<line x1="{zero:.1f}" y1="{y + label_h}" x2="{zero:.1f}" y2="{y + group - GAP / 2:.1f}" '
                       f'stroke="{TEXT}"/>')
        for i, v in enumerate(vs):
            if v is None:
                continue
            w = plot * abs(v) / span
            x = zero if v >= 0 else zero - w
            yy = y + label_h + i * BAR_H
            out.append(f'<rect x="{x:.1f}" y="{yy}" width="{max(w, 1):.1f}" height="{BAR_H - 3}" '
                       f'fill="{COLOURS[i % len(COLOURS)]}"/>')
            tx, anchor = (x + w + 4, "start") if v >= 0 else (x - 4, "end")
            out.append(f'<text x="{tx:.1f}" y="{yy + BAR_H - 6}" text-anchor="{anchor}" fill="{TEXT}" '
                       f'font-size="13">{escape(_fmt(v, unit))}</text>')
    if reference is not None:
        x = zero + plot * reference / span
        out.append(f'<line x1="{x:.1f}" y1="{head}" x2="{x:.1f}" y2="{height - 24}" stroke="{TEXT}" '
                   f'stroke-dasharray="4 3"/><text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="{TEXT}" '
                   f'font-size="13">{escape(chart.get("reference_label") or "target")} '
                   f'{escape(_fmt(reference, unit))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _lines(title: str, points, series: list[str], chart: dict, full: int = WIDTH) -> Markup:
    """Lines over time; at the narrow width only every so many labels under the axis, and the values on the
    points only while they have room (the table beside the chart has every figure)."""
    unit, reference = chart.get("unit", ""), _number(chart.get("reference"))
    values = [v for _, vs in points for v in vs if v is not None]
    top, floor = max([*values, reference or 0]) * 1.15 or 1, 0.0
    if unit == "%":  # percentages near each other: show the band they are in, not all of 0-100
        top, floor = 100.0, max(0.0, (min([*values, reference or 100]) - 5) // 10 * 10)
    legend, head = _legend(series, full)
    narrow = full < WIDTH
    left, right, height = (48, full - 24, head + 220) if narrow else (60, full - 70, head + 250)
    base = height - 40
    step = (right - left) / max(len(points) - 1, 1)
    longest = max(len(_short(label, 18)) for label, _ in points)
    every = max(1, -(-(longest * 7 + 10) // int(step))) if narrow else 1  # a label under the axis every so many points
    valued = step >= 36 or not narrow

    def y(v: float) -> float:
        return base - (base - head - 14) * (v - floor) / ((top - floor) or 1)

    out = _open(title, height, legend, full)
    for k in range(5):  # gridlines with their values
        value = floor + (top - floor) * k / 4
        out.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{right}" y2="{y(value):.1f}" stroke="{GRID}"/>'
                   f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" fill="{TEXT}" font-size="12">'
                   f'{escape(_fmt(round(value, 1), unit))}</text>')
    for n, (label, _) in enumerate(points):
        if n % every:
            continue
        out.append(f'<text x="{left + n * step:.1f}" y="{base + 20}" text-anchor="middle" fill="{TEXT}" '
                   f'font-size="13">{escape(_short(label, 18))}</text>')
    if reference is not None:
        out.append(f'<line x1="{left}" y1="{y(reference):.1f}" x2="{right}" y2="{y(reference):.1f}" stroke="{TEXT}" '
                   f'stroke-dasharray="4 3"/><text x="{left + 4}" y="{base + 36}" fill="{TEXT}" font-size="12">Dashed line: '
                   f'{escape(chart.get("reference_label") or "target")} ({escape(_fmt(reference, unit))})</text>')
    for i in range(len(series)):
        colour = COLOURS[i % len(COLOURS)]
        known = [(left + n * step, vs[i]) for n, (_, vs) in enumerate(points) if vs[i] is not None]
        path = " ".join(f"{x:.1f},{y(v):.1f}" for x, v in known)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3"/>')
        for x, v in known:
            out.append(f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="4" fill="{colour}"/>')
            if valued:
                out.append(f'<text x="{x:.1f}" y="{y(v) - 9:.1f}" text-anchor="middle" fill="{TEXT}" font-size="13">'
                           f'{escape(_fmt(v, unit))}</text>')
    out.append("</svg>")
    return Markup("".join(out))
