"""Server-side SVG bar charts for the dashboard: geometry here, drawing in a template
(``rolloutplanner/timeline/_bar_chart.html``). Every app's dashboard panel draws with these.

Every chart carries its data as a table too (its text alternative), and every bar a pattern
and a printed value, so nothing depends on colour. The templates draw fills and strokes as SVG
presentation attributes, not only through the page's CSS classes: WeasyPrint (the dashboard's
PDF) does not apply a page's stylesheet inside inline SVG, and an unstyled shape is solid black.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LABEL_WIDTH = 180
BAR_AREA = 300
ROW_HEIGHT = 28
PATTERNS = ("solid", "hatch", "dots", "cross")
LABEL_CHARACTERS = 26  # what LABEL_WIDTH holds


def pattern_fill(pattern: str) -> str:
    """The fill of a bar drawn with ``pattern`` (defined in timeline/_patterns.svg)."""
    return f"url(#pat-{pattern})"


@dataclass
class Bar:
    label: str
    value: float
    href: str = ""
    pattern: str = "solid"
    display: str = ""
    y: int = 0
    width: float = 0

    @property
    def short_label(self) -> str:
        """The label cut in the middle: labels that share a long prefix ("Northern Valley
        School District …") still differ by their ends. The whole label is the <title>."""
        if len(self.label) <= LABEL_CHARACTERS:
            return self.label
        head = (LABEL_CHARACTERS - 1) // 2
        tail = LABEL_CHARACTERS - 1 - head
        return f"{self.label[:head].rstrip()}…{self.label[-tail:].lstrip()}"

    @property
    def text_y(self) -> int:
        return self.y + 18

    @property
    def fill(self) -> str:
        return pattern_fill(self.pattern)

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.width + 6


@dataclass
class BarChart:
    """A horizontal bar chart; ``unit`` is printed after each value ("%", " LEAs")."""

    key: str
    title: str
    summary: str
    bars: list[Bar] = field(default_factory=list)
    unit: str = ""
    maximum: float | None = None
    detail_url: str = ""
    label_width: int = LABEL_WIDTH

    def layout(self) -> BarChart:
        top = max([self.maximum or 0] + [bar.value for bar in self.bars]) or 1
        for index, bar in enumerate(self.bars):
            bar.y = 4 + index * ROW_HEIGHT
            bar.width = round(BAR_AREA * bar.value / top, 1)
            bar.display = bar.display or f"{_number(bar.value)}{self.unit}"
        return self

    @property
    def width(self) -> int:
        return LABEL_WIDTH + BAR_AREA + 90

    @property
    def height(self) -> int:
        return 8 + ROW_HEIGHT * max(len(self.bars), 1)


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def bar_chart(
    *, key, title, summary, rows, unit="", maximum=None, detail_url="", patterns=None
) -> BarChart:
    """``rows``: (label, value, href) triples, drawn top to bottom; ``patterns`` names each
    bar's pattern, else they alternate."""
    bars = [
        Bar(
            label=str(label),
            value=value or 0,
            href=href,
            pattern=patterns[i] if patterns else PATTERNS[i % len(PATTERNS)],
        )
        for i, (label, value, href) in enumerate(rows)
    ]
    chart = BarChart(
        key=key,
        title=title,
        summary=summary,
        bars=bars,
        unit=unit,
        maximum=maximum,
        detail_url=detail_url,
    )
    return chart.layout()
