"""The user's private calendar-feed keys: create (shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from leas.models import LEA
from rolloutplanner.timeline import services
from rolloutplanner.timeline.models import (
    CalendarFeedToken,
)
from vendors.models import Vendor


# Calendar feed keys.
@login_required
def calendar_feeds(request):
    """The user's private calendar URLs; a new key is shown once, right after it is made."""
    new_key = None
    if request.method == "POST":
        _, new_key = services.create_feed_token(user=request.user)
    tokens = CalendarFeedToken.objects.filter(user=request.user)
    return render(
        request,
        "rolloutplanner/timeline/calendar_feeds.html",
        {
            "tokens": tokens,
            "new_key": new_key,
            "leas": _feed_leas(request.user),
            "vendors": _feed_vendors(request.user),
        },
    )


def _feed_leas(user):

    profile = getattr(user, "profile", None)
    if profile is None:
        return []
    return list(LEA.objects.filter(pk__in=profile.lea_ids()))


def _feed_vendors(user):

    profile = getattr(user, "profile", None)
    if profile is None:
        return []
    return list(Vendor.objects.filter(pk__in=profile.vendor_ids()))


@login_required
@require_POST
def calendar_feed_revoke(request, pk):
    token = get_object_or_404(CalendarFeedToken, pk=pk, user=request.user)
    services.revoke_feed_token(token=token)
    messages.success(request, "Calendar key revoked; its feed URLs no longer work.")
    return redirect("rolloutplanner:calendar-feeds")
