"""The timeline's chart conventions; the bar charts themselves are the platform's
(``rolloutplanner/charts.py``), drawn by every app's dashboard panels."""

# The Gantt chart draws its bars with the platform's pattern fills (re-exported for it).
from rolloutplanner.charts import pattern_fill  # noqa: F401

# The Gantt chart's status patterns, so a status looks the same on every chart.
STATUS_PATTERNS = {"on_track": "solid", "at_risk": "dots", "late": "hatch", "done": "cross"}
