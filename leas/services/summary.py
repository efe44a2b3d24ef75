"""The statewide LEA summary: LEAs and enrollment per stratum (a background job)."""

from __future__ import annotations

from django.db.models import Count, Sum

from leas.models import LEA
from rolloutplanner.display import field_value

STRATA = ("urbanicity", "poverty_level", "capacity", "region", "sis_vendor__name")
STATE_SUMMARY_JOB_KIND = "state_summary"


def compute_state_summary(*, progress) -> dict:
    """Count LEAs and enrollment per stratum (the variety a pilot cohort must cover)."""
    leas = LEA.objects.all()
    summary: dict = {
        "lea_count": leas.count(),
        "total_enrollment": leas.aggregate(total=Sum("enrollment"))["total"] or 0,
        "strata": {},
    }
    for step, field in enumerate(STRATA, start=1):
        rows = leas.values(field).annotate(leas=Count("pk"), enrollment=Sum("enrollment"))
        summary["strata"][field] = [
            {
                # The stored code for clients, the label for people.
                "value": row[field] or "(none)",
                "label": field_value(LEA, field, row[field]) or "(none)",
                "leas": row["leas"],
                "enrollment": row["enrollment"] or 0,
            }
            for row in rows.order_by(field)
        ]
        progress(100 * step / (len(STRATA) + 1), f"Counted LEAs by {field.split('__')[0]}")
    return summary
