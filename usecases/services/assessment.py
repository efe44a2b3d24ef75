from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from rolloutplanner.roles import UNRESTRICTED_ROLES, role_of
from usecases.models import AgreedRating, AssessmentItem, AssessmentRound, Rating


def _check(user, round_: AssessmentRound, item: AssessmentItem, level: int) -> None:
    if role_of(user) not in UNRESTRICTED_ROLES:
        raise PermissionDenied("Only the SEA project team rates the self-assessment.")
    if item.dimension.instrument_id != round_.instrument_id:
        raise ValidationError("That item is not part of this round's instrument.")
    if level not in (1, 2, 3, 4):
        raise ValidationError("A rating is a level from 1 to 4.")


@transaction.atomic
def rate_item(
    *, round: AssessmentRound, item: AssessmentItem, rater, level: int, note: str = ""
) -> Rating:
    """Record (or replace) one rater's level for one item of a round."""
    _check(rater, round, item, level)
    rating, _ = Rating.objects.update_or_create(
        round=round, item=item, rater=rater, defaults={"level": level, "note": note}
    )
    return rating


@transaction.atomic
def agree_rating(
    *, round: AssessmentRound, item: AssessmentItem, user, level: int, rationale: str = ""
) -> AgreedRating:
    """Record the level the team agreed on for an item; needs at least one rating first."""
    _check(user, round, item, level)
    if not Rating.objects.filter(round=round, item=item).exists():
        raise ValidationError("Collect the raters' ratings before agreeing on a level.")
    agreed, _ = AgreedRating.objects.update_or_create(
        round=round, item=item, defaults={"level": level, "rationale": rationale}
    )
    return agreed
