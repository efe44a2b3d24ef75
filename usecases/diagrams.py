"""Server-side SVG: the data-flow diagram and the self-assessment progress chart.

Both are generated from the data, contain a <title>/<desc>, and the pages that show them also
give the same information as a table (text alternative). Markup is escaped throughout.
"""

from __future__ import annotations

import math
from html import escape

PALETTE = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0f766e"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"]


def flow_diagram(systems, flows) -> str:
    """Systems on a circle, flows as labelled arrows (method in the label, not only colour)."""
    systems = list(systems)
    flows = list(flows)
    width, height = 900, max(500, 90 * len(systems))
    cx, cy = width / 2, height / 2
    radius = min(cx, cy) - 90
    pos = {}
    n = max(len(systems), 1)
    for i, system in enumerate(systems):
        angle = 2 * math.pi * i / n - math.pi / 2
        pos[system.pk] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="flow-title flow-desc" class="diagram">',
        '<title id="flow-title">Data flows between systems</title>',
        f'<desc id="flow-desc">{len(systems)} systems and {len(flows)} flows; '
        "the table below lists the same flows.</desc>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#111827"/></marker></defs>',
    ]
    for flow in flows:
        if flow.source_id not in pos or flow.target_id not in pos:
            continue
        (x1, y1), (x2, y2) = pos[flow.source_id], pos[flow.target_id]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1
        # Stop short of the boxes and bow the line so two-way flows do not overlap.
        sx, sy = x1 + dx / dist * 60, y1 + dy / dist * 30
        ex, ey = x2 - dx / dist * 60, y2 - dy / dist * 30
        mx, my = (sx + ex) / 2 - dy / dist * 25, (sy + ey) / 2 + dx / dist * 25
        label = f"{flow.data} ({flow.get_method_display()}"
        label += f", {flow.frequency})" if flow.frequency else ")"
        parts.append(
            f'<path d="M{sx:.0f},{sy:.0f} Q{mx:.0f},{my:.0f} {ex:.0f},{ey:.0f}" fill="none" '
            f'stroke="#111827" stroke-width="1.5" marker-end="url(#arrow)"'
            + (' stroke-dasharray="5 4"' if flow.method == "manual" else "")
            + "/>"
        )
        parts.append(
            f'<text x="{mx:.0f}" y="{my:.0f}" font-size="11" text-anchor="middle" '
            f'fill="#111827">{escape(label[:60])}</text>'
        )
    for system in systems:
        x, y = pos[system.pk]
        parts.append(
            f'<g><rect x="{x - 58:.0f}" y="{y - 24:.0f}" width="116" height="48" rx="6" '
            'fill="#eef2ff" stroke="#1d4ed8" stroke-width="2"/>'
            f'<text x="{x:.0f}" y="{y - 4:.0f}" font-size="12" font-weight="bold" '
            f'text-anchor="middle" fill="#111827">{escape(system.name[:18])}</text>'
            f'<text x="{x:.0f}" y="{y + 12:.0f}" font-size="10" text-anchor="middle" '
            f'fill="#374151">{escape(system.get_system_type_display()[:22])}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def progress_chart(
    round_labels: list[str], series: dict[str, list[float | None]], *, chart_id: str = "progress"
) -> str:
    """Agreed level (1–4) per line across rounds; lines differ by dash and numbered markers."""
    width, height, left, right, top, bottom = 760, 360, 60, 250, 30, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(round_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(level: float) -> float:
        return top + plot_h * (4 - level) / 3

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">Agreed level across rounds</title>',
        f'<desc id="{chart_id}-desc">Line chart of {len(series)} series; '
        "the table beside it gives the same values.</desc>",
    ]
    for level in (1, 2, 3, 4):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(level):.0f}" y2="{y(level):.0f}" '
            'stroke="#d1d5db"/>'
            f'<text x="{left - 8}" y="{y(level) + 4:.0f}" font-size="12" text-anchor="end" '
            f'fill="#111827">{level}</text>'
        )
    for i, label in enumerate(round_labels):
        parts.append(
            f'<text x="{x(i):.0f}" y="{height - bottom + 20}" font-size="11" '
            f'text-anchor="middle" fill="#111827">{escape(label[:24])}</text>'
        )
    for index, (name, values) in enumerate(series.items()):
        colour, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
        points = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.0f},{py:.0f}" for px, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
        for px, py in points:
            parts.append(
                f'<text x="{px:.0f}" y="{py + 4:.0f}" font-size="12" text-anchor="middle" '
                f'fill="{colour}" font-weight="bold">{index + 1}</text>'
            )
        ly = top + 18 * index + 10
        parts.append(
            f'<line x1="{width - right + 15}" x2="{width - right + 45}" y1="{ly}" y2="{ly}" '
            f'stroke="{colour}" stroke-width="2.5"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
            f'<text x="{width - right + 50}" y="{ly + 4}" font-size="11" fill="#111827">'
            f"{index + 1}. {escape(_short(name))}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
