"""Geometry of the parallel-year charts; the SVG is drawn by templates.

Bar charts reuse the platform's (``rolloutplanner.charts``: patterns, printed values,
a data table as text alternative). Trend lines are drawn here: a run without a result (failed,
cancelled, or the LEA not in it) breaks the line and gets a hollow marker and a note, so it is
never read as 0 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parallel.selectors import TrendPoint
from rolloutplanner.charts import BarChart, bar_chart


def _percent(value) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".") + " %"


def distribution_chart(bands: list[dict], *, key: str = "distribution") -> BarChart:
    total = sum(band["leas"] for band in bands)
    return bar_chart(
        key=key,
        title="How many LEAs fall in each match-rate band",
        summary=f"{total} LEA{'s' if total != 1 else ''} by match rate band, lowest band first.",
        rows=[(band["label"], band["leas"], "") for band in bands],
        unit=" LEAs",
    )


def worst_leas_chart(summaries, *, key: str = "worst") -> BarChart:
    chart = bar_chart(
        key=key,
        title=f"The {len(summaries)} LEAs with the lowest match rate",
        summary="Match rate of the LEAs furthest from the legacy submission, lowest first; "
        "each bar links to the LEA's results.",
        rows=[(s.lea.name, float(s.match_rate), s.get_absolute_url()) for s in summaries],
        unit=" %",
        maximum=100,
    )
    for bar in chart.bars:
        bar.display = _percent(bar.value)
    return chart


def stratum_chart(rows: list[dict], *, stratum_label: str, key: str = "stratum") -> BarChart:
    chart = bar_chart(
        key=key,
        title=f"Match rate by LEA {stratum_label}",
        summary=f"Mean LEA match rate for each {stratum_label}; the table adds the LEA count, "
        "the pooled record match rate and how many LEAs are within tolerance.",
        rows=[(row["label"], row["mean_rate"], "") for row in rows],
        unit=" %",
        maximum=100,
    )
    for bar, row in zip(chart.bars, rows, strict=True):
        leas = f"{row['leas']} LEA{'s' if row['leas'] != 1 else ''}"
        bar.display = f"{_percent(row['mean_rate'])} ({leas})"
    return chart


@dataclass
class PlotPoint:
    point: TrendPoint
    x: float
    y: float | None

    @property
    def plotted(self) -> bool:
        return self.y is not None

    @property
    def text(self) -> str:
        if self.point.rate is None:
            return f"{self.point.label}: {self.point.note or 'no result'}"
        return f"{self.point.label}: {_percent(self.point.rate)}"


@dataclass
class TrendLine:
    """A line over runs; ``segments`` are the unbroken stretches between runs without a rate."""

    key: str
    name: str
    width: int
    height: int
    low: float
    high: float
    points: list[PlotPoint] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    href: str = ""

    @property
    def gaps(self) -> list[PlotPoint]:
        return [p for p in self.points if not p.plotted]

    @property
    def last(self) -> PlotPoint | None:
        plotted = [p for p in self.points if p.plotted]
        return plotted[-1] if plotted else None

    @property
    def change(self) -> str:
        """The last plotted rate against the one before it, as text (▲ up, ▼ down)."""
        plotted = [p.point.rate for p in self.points if p.plotted]
        if len(plotted) < 2:
            return ""
        delta = plotted[-1] - plotted[-2]
        if abs(delta) < 0.005:
            return "no change"
        return f"{'▲ up' if delta > 0 else '▼ down'} {abs(delta):.2f} points"

    @property
    def description(self) -> str:
        if not self.points:
            return f"{self.name}: no runs yet."
        scale = f"Scale {_percent(self.low)} to {_percent(self.high)}."
        runs = "; ".join(p.text for p in self.points)
        return f"{self.name}, oldest run first. {runs}. {scale}"

    @property
    def baseline_y(self) -> float:
        return self.height - 3


def trend_line(
    points: list[TrendPoint],
    *,
    key: str,
    name: str,
    width: int = 120,
    height: int = 28,
    low: float | None = None,
) -> TrendLine:
    """Lay out ``points`` left to right. The scale runs from ``low`` (default: the lowest rate
    rounded down to ten, at most 90) to 100 %; a list of lines shares one ``low``."""
    rates = [p.rate for p in points if p.rate is not None]
    if low is None:
        low = scale_floor(rates)
    line = TrendLine(key=key, name=name, width=width, height=height, low=low, high=100.0)
    pad = 4
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    span = (line.high - low) or 1
    segment: list[str] = []
    for index, point in enumerate(points):
        x = round(pad + index * step, 1) if len(points) > 1 else width / 2
        if point.rate is None:
            line.points.append(PlotPoint(point, x, None))
            if segment:
                line.segments.append(" ".join(segment))
            segment = []
            continue
        y = round(pad + (height - 2 * pad) * (line.high - max(point.rate, low)) / span, 1)
        line.points.append(PlotPoint(point, x, y))
        segment.append(f"{x},{y}")
    if segment:
        line.segments.append(" ".join(segment))
    return line


def scale_floor(rates) -> float:
    rates = list(rates)
    if not rates:
        return 90.0
    return float(min(90, int(min(rates) // 10) * 10))


def lea_sparklines(trends: dict[int, list[TrendPoint]], leas) -> dict[int, TrendLine]:
    """One sparkline per LEA, sharing a scale so rows compare."""
    low = scale_floor(p.rate for points in trends.values() for p in points if p.rate is not None)
    return {
        lea.pk: trend_line(
            trends.get(lea.pk, []),
            key=f"lea-{lea.pk}",
            name=f"Match rate trend of {lea.name}",
            low=low,
        )  # fmt: skip
        for lea in leas
    }
