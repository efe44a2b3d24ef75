from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from usecases.models.common import SHARED_PLANNING
from usecases.querysets import AssessmentRoundQuerySet, PlanningQuerySet

LEVELS = (1, 2, 3, 4)
LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class Instrument(models.Model):
    """A self-assessment instrument: dimensions of items rated on a 4-level scale."""

    permission_policy = SHARED_PLANNING

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    level_1_label = models.CharField(max_length=40, default="Not started")
    level_2_label = models.CharField(max_length=40, default="Emerging")
    level_3_label = models.CharField(max_length=40, default="Established")
    level_4_label = models.CharField(max_length=40, default="Sustained")

    history = HistoricalRecords()
    objects = PlanningQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("usecases:instrument-detail", args=[self.pk])

    def level_label(self, level: int) -> str:
        return getattr(self, f"level_{level}_label")


class Dimension(models.Model):
    permission_policy = SHARED_PLANNING

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="dimensions")
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    objects = PlanningQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "position"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("usecases:dimension-detail", args=[self.pk])


class AssessmentItem(models.Model):
    """One statement rated 1–4, each level described."""

    permission_policy = SHARED_PLANNING

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="items")
    text = models.TextField()
    level_1 = models.TextField("level 1 description")
    level_2 = models.TextField("level 2 description")
    level_3 = models.TextField("level 3 description")
    level_4 = models.TextField("level 4 description")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    objects = PlanningQuerySet.as_manager()

    class Meta:
        ordering = ["dimension__position", "position"]
        verbose_name = "assessment item"

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("usecases:assessmentitem-detail", args=[self.pk])

    def level_descriptions(self) -> list[tuple[int, str]]:
        return [(level, getattr(self, f"level_{level}")) for level in LEVELS]


class AssessmentRound(models.Model):
    """One sitting of the self-assessment, rated by several people."""

    permission_policy = SHARED_PLANNING

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=200)
    held_on = models.DateField(default=timezone.localdate)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = AssessmentRoundQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = "assessment round"

    def __str__(self) -> str:
        return f"{self.name} ({self.held_on})"

    def get_absolute_url(self) -> str:
        return reverse("usecases:assessmentround-detail", args=[self.pk])


class Rating(models.Model):
    """One rater's level for one item in one round."""

    permission_policy = SHARED_PLANNING

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="ratings")
    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    note = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = PlanningQuerySet.as_manager()

    class Meta:
        ordering = ["round", "item", "rater"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item", "rater"], name="one_rating_per_rater"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="rating_level_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rater} rated {self.level}"

    def get_absolute_url(self) -> str:
        return self.round.get_absolute_url()


class AgreedRating(models.Model):
    """The level the team agrees on for one item after discussing the raters' spread."""

    permission_policy = SHARED_PLANNING

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="agreed")
    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="agreed")
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    rationale = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = PlanningQuerySet.as_manager()

    class Meta:
        ordering = ["round", "item"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="one_agreed_rating"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="agreed_level_1_to_4"
            ),
        ]
        verbose_name = "agreed rating"

    def __str__(self) -> str:
        return f"{self.item}: {self.level}"

    def get_absolute_url(self) -> str:
        return self.round.get_absolute_url()
