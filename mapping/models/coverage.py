"""Coverage runs: every run of the coverage job is kept so the trend is visible."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from mapping.querysets import CoverageRunQuerySet
from rolloutplanner.permissions import ObjectPolicy


class CoverageRun(models.Model):
    """The result of one coverage job over a mapping plan."""

    permission_policy = ObjectPolicy(shared=True)

    plan = models.ForeignKey(
        "mapping.MappingPlan", on_delete=models.CASCADE, related_name="coverage_runs"
    )
    job = models.OneToOneField(
        "rolloutplanner.Job",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coverage_run",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    element_count = models.PositiveIntegerField(default=0)
    mapped_percent = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    result = models.JSONField(default=dict)

    history = HistoricalRecords()
    objects = CoverageRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Coverage of {self.plan} at {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:coveragerun-detail", args=[self.pk])
