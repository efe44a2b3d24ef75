"""Charts keep their look outside the browser: the dashboard's PDF (WeasyPrint) ignores the
page's CSS classes inside inline SVG, so every shape carries its own fill and stroke."""

import io
import re
from datetime import date, timedelta

import pypdfium2
import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.rolloutplanner.factories import MilestoneDependencyFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

SHAPES = re.compile(r"<(rect|line|polyline|path|circle|text)\b([^>]*)>")


def _statuses_of_every_kind():
    today = date.today()
    MilestoneFactory()  # on track
    started = today - timedelta(days=20)
    MilestoneFactory(planned_start=started, planned_end=today + timedelta(days=3))  # at risk
    overdue = today - timedelta(days=40)
    MilestoneFactory(planned_start=overdue, planned_end=today - timedelta(days=5))  # late
    MilestoneFactory(
        planned_start=today - timedelta(days=60),
        planned_end=today - timedelta(days=30),
        actual_end=today - timedelta(days=31),
    )


def _unpainted_shapes(svg: str) -> list[str]:
    """Shapes that would be painted black (or not at all) without the page's stylesheet."""
    missing = []
    for tag, attributes in SHAPES.findall(svg):
        # A line is only ever stroked; every other shape is filled (perhaps with "none").
        painted = 'stroke="' in attributes if tag == "line" else 'fill="' in attributes
        if not painted or (tag == "polyline" and 'stroke="' not in attributes):
            missing.append(f"<{tag}{attributes}>")
    return missing


def _svgs(body: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", body, flags=re.S)


def test_dashboard_pdf_charts_are_drawn_with_patterns_not_black_blocks(client, world):
    _statuses_of_every_kind()
    client.force_login(world.users[Role.LEADERSHIP])
    response = client.get(reverse("rolloutplanner:timeline-dashboard-pdf"))
    assert response.status_code == 200
    page = pypdfium2.PdfDocument(io.BytesIO(response.content))[0]
    image = page.render(scale=1).to_pil().convert("RGB")
    width, height = image.size
    # The charts take the page below the title; the tables and labels are small black text.
    chart_area = image.crop((0, height // 8, width, height))
    counts = chart_area.getcolors(maxcolors=chart_area.width * chart_area.height)
    total = sum(count for count, _ in counts)
    black = sum(count for count, (r, g, b) in counts if r < 40 and g < 40 and b < 40)
    assert black / total < 0.03, f"{black / total:.1%} of the chart area is black"
    # The bars keep their patterns: the solid bar's blue and the dots' and hatches' colours.
    colours = {colour for _, colour in counts if max(colour) - min(colour) > 60}
    assert (29, 78, 216) in colours  # #1d4ed8, the "on track"/solid pattern
    assert len(colours) > 5


def test_every_shape_of_the_dashboard_and_gantt_carries_its_own_paint(client, world):
    _statuses_of_every_kind()
    first, second = MilestoneFactory(), MilestoneFactory()
    MilestoneDependencyFactory(predecessor=first, successor=second)
    client.force_login(world.users[Role.LEADERSHIP])
    for name in ("timeline-dashboard", "timeline-gantt"):
        body = client.get(reverse(f"rolloutplanner:{name}")).content.decode()
        svgs = _svgs(body)
        assert svgs, name
        for svg in svgs:
            assert _unpainted_shapes(svg) == [], name
    gantt = _svgs(client.get(reverse("rolloutplanner:timeline-gantt")).content.decode())[0]
    for status, pattern in (("on_track", "solid"), ("at_risk", "dots"), ("late", "hatch")):
        assert re.search(rf'class="bar bar-{status}"[^>]*fill="url\(#pat-{pattern}\)"', gantt)
