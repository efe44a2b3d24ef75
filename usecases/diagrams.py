"""Server-side SVG: the data-flow diagram and the self-assessment progress chart.

Both are generated from the data, contain a <title>/<desc>, and the pages that show them also
give the same information as a table (text alternative). Markup is escaped throughout.
"""

from __future__ import annotations

from html import escape

PALETTE = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0f766e"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"]


def _layers(systems, flows) -> dict[int, int]:
    """Column of each system: the longest chain of flows leading to it (cycles cut)."""
    depth = {system.pk: 0 for system in systems}
    edges = [
        (f.source_id, f.target_id) for f in flows if f.source_id in depth and f.target_id in depth
    ]
    for _ in range(len(systems)):  # Bellman-Ford style relaxation; stops growing in a cycle
        changed = False
        for source, target in edges:
            if depth[target] < depth[source] + 1 and depth[source] + 1 < len(systems):
                depth[target] = depth[source] + 1
                changed = True
        if not changed:
            break
    return depth


BOX_W, BOX_H, COL_GAP, ROW_GAP = 170, 52, 120, 46


def flow_diagram(systems, flows) -> str:
    """Systems in columns from sources (left) to targets (right); flows as labelled arrows.

    The method is written on every arrow and manual flows are also dashed, so nothing relies
    on colour.
    """
    systems = list(systems)
    flows = list(flows)
    depth = _layers(systems, flows)
    columns: dict[int, list] = {}
    for system in systems:
        columns.setdefault(depth[system.pk], []).append(system)
    rows = max((len(c) for c in columns.values()), default=1)
    width = 40 + len(columns) * BOX_W + max(len(columns) - 1, 0) * (COL_GAP + 80)
    height = 60 + rows * (BOX_H + ROW_GAP)
    skips = any(abs(depth.get(f.target_id, 0) - depth.get(f.source_id, 0)) > 1 for f in flows)
    pos = {}
    for column, members in columns.items():
        x = 20 + column * (BOX_W + COL_GAP + 80)
        offset = (rows - len(members)) * (BOX_H + ROW_GAP) / 2
        for row, system in enumerate(members):
            pos[system.pk] = (x, 30 + offset + row * (BOX_H + ROW_GAP))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {max(width, 300)} {height + (60 if skips else 0)}" '
        'role="img" aria-labelledby="flow-title flow-desc" class="diagram">',
        '<title id="flow-title">Data flows between systems</title>',
        f'<desc id="flow-desc">{len(systems)} systems and {len(flows)} flows, sources on the '
        "left; the table below lists the same flows.</desc>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#111827"/></marker></defs>',
    ]
    for index, flow in enumerate(flows):
        if flow.source_id not in pos or flow.target_id not in pos:
            continue
        (x1, y1), (x2, y2) = pos[flow.source_id], pos[flow.target_id]
        forward = x2 > x1
        sx, sy = (x1 + BOX_W, y1 + BOX_H / 2) if forward else (x1, y1 + BOX_H / 2)
        ex, ey = (x2, y2 + BOX_H / 2) if forward else (x2 + BOX_W, y2 + BOX_H / 2)
        if x1 == x2:  # same column: loop out to the right
            sx, ex = x1 + BOX_W, x2 + BOX_W
            cx, cy = sx + 70, (sy + ey) / 2
        elif abs(depth[flow.target_id] - depth[flow.source_id]) > 1:
            # Skips a column: bow below every box instead of crossing the ones between.
            cx, cy = (sx + ex) / 2, height + 10
        else:
            cx, cy = (sx + ex) / 2, (sy + ey) / 2 + (12 if index % 2 else -12)
        lx, ly = 0.25 * sx + 0.5 * cx + 0.25 * ex, 0.25 * sy + 0.5 * cy + 0.25 * ey
        label = f"{flow.data} ({flow.get_method_display()}"
        label += f", {flow.frequency})" if flow.frequency else ")"
        parts.append(
            f'<path d="M{sx:.0f},{sy:.0f} Q{cx:.0f},{cy:.0f} {ex:.0f},{ey:.0f}" fill="none" '
            f'stroke="#111827" stroke-width="1.5" marker-end="url(#arrow)"'
            + (' stroke-dasharray="6 4"' if flow.method == "manual" else "")
            + "/>"
        )
        parts.append(
            f'<text x="{lx:.0f}" y="{ly - 5:.0f}" font-size="11" text-anchor="middle" '
            f'fill="#111827" paint-order="stroke" stroke="#ffffff" stroke-width="4">'
            f"{escape(_short(label, 46))}</text>"
        )
    for system in systems:
        x, y = pos[system.pk]
        parts.append(
            f'<g><rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="6" '
            'fill="#eef2ff" stroke="#1d4ed8" stroke-width="2"/>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 21:.0f}" font-size="13" font-weight="bold" '
            f'text-anchor="middle" fill="#111827">{escape(_short(system.name, 22))}</text>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 39:.0f}" font-size="10.5" '
            f'text-anchor="middle" fill="#374151">'
            f"{escape(_short(system.get_system_type_display(), 28))}</text></g>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def progress_chart(
    round_labels: list[str], series: dict[str, list[float | None]], *, chart_id: str = "progress"
) -> str:
    """Agreed level (1–4) per line across rounds; lines differ by dash and numbered markers."""
    width, height, left, right, top, bottom = 860, 360, 60, 330, 30, 50
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
            f"{index + 1}. {escape(_short(name, 44))}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
