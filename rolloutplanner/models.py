import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from rolloutplanner.job_registry import job_kind_label
from rolloutplanner.permissions import ObjectPolicy, RestrictedQuerySet
from rolloutplanner.roles import Role


class UserProfile(models.Model):
    """A user's role and, for scoped roles, the organisations they act for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    title = models.CharField(max_length=200, blank=True)
    leas = models.ManyToManyField(
        "leas.LEA",
        blank=True,
        related_name="coordinators",
        verbose_name="LEAs",
        help_text="LEA coordinators only.",
    )
    vendor = models.ForeignKey(
        "vendors.Vendor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        help_text="Vendor contacts only.",
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"

    @cached_property
    def _lea_ids(self) -> frozenset[int]:
        return frozenset(self.leas.values_list("pk", flat=True))

    def lea_ids(self) -> frozenset[int]:
        return self._lea_ids if self.role == Role.LEA_COORDINATOR else frozenset()

    def vendor_ids(self) -> frozenset[int]:
        if self.role == Role.VENDOR_CONTACT and self.vendor_id:
            return frozenset({self.vendor_id})
        return frozenset()


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


TERMINAL_JOB_STATES = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED})


class Job(models.Model):
    """A background operation: its parameters, state and progress live here, not in Celery."""

    permission_policy = ObjectPolicy(lea_path="lea", vendor_path="vendor")

    kind = models.CharField(max_length=64, db_index=True)
    parameters = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=16, choices=JobState.choices, default=JobState.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=255, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_url = models.CharField("result URL", max_length=500, blank=True)
    error = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Jobs that concern one LEA or vendor are visible to that organisation's users.
    lea = models.ForeignKey(
        "leas.LEA", null=True, blank=True, on_delete=models.CASCADE, verbose_name="LEA"
    )
    vendor = models.ForeignKey("vendors.Vendor", null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("job-detail", args=[self.pk])

    def get_kind_display(self) -> str:
        return job_kind_label(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.state in TERMINAL_JOB_STATES

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class APITokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class APIToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the key is shown once."""

    KEY_PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=KEY_PREFIX_LENGTH, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = APITokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(key: str) -> str:
        # Keys are 256-bit random values, so an unsalted fast hash cannot be brute-forced.
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


__all__ = [
    "APIToken",
    "Job",
    "JobState",
    "UserProfile",
]
