"""Coverage run pages (read-only; runs are created by the coverage job)."""

from __future__ import annotations

from mapping import filtersets
from mapping.models import (
    CoverageRun,
)
from mapping.views._common import (
    ReadOnlyDetailView,
    ReadOnlyListView,
)


class CoverageRunListView(ReadOnlyListView):
    model = CoverageRun
    filterset_class = filtersets.CoverageRunFilterSet
    select_related = ("plan",)
    columns = [
        ("__str__", "Run"),
        ("element_count", "Elements"),
        ("mapped_percent", "Mapped %"),
    ]


class CoverageRunDetailView(ReadOnlyDetailView):
    model = CoverageRun
    template_name = "mapping/coveragerun_detail.html"
    select_related = ("plan", "job")
    detail_fields = ["plan", "element_count", "mapped_percent", "created_at"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["trend"] = CoverageRun.objects.filter(plan=self.object.plan).order_by(
            "created_at", "pk"
        )[:100]
        return context
