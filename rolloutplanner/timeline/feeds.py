"""iCalendar (RFC 5545) feeds of the timeline, read through a private, revocable URL key.

The key stands for its user: every feed is built from ``Milestone.objects.restrict(user)``, so
an LEA coordinator's calendar can hold statewide milestones and their own LEA's, never another
LEA's. The LEA and vendor feeds narrow that further to one organisation.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from icalendar import Calendar, Event

from leas.models import LEA
from rolloutplanner.timeline.models import Milestone
from rolloutplanner.timeline.services import user_for_feed_key
from vendors.models import Vendor

FEED_LIMIT = 5000


def build_calendar(milestones, *, name: str, host: str) -> bytes:
    """All-day events spanning each milestone's planned dates (DTEND is exclusive)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Rollout Planner//Timeline//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for milestone in milestones:
        event = Event()
        event.add("uid", f"milestone-{milestone.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("last-modified", milestone.updated_at)
        event.add("summary", f"{milestone} [{milestone.status_label}]")
        event.add("dtstart", milestone.planned_start)
        event.add("dtend", milestone.planned_end + timedelta(days=1))
        event.add(
            "description",
            f"Phase {milestone.phase}. Status: {milestone.status_label}. "
            f"{milestone.status_rule}\n{milestone.description}".strip(),
        )
        event.add("categories", [milestone.phase.name])
        calendar.add_component(event)
    return calendar.to_ical()


def _feed_response(milestones, name: str, request) -> HttpResponse:
    rows = (
        milestones.with_status()
        .select_related("phase")
        .order_by("planned_start", "pk")[:FEED_LIMIT]
    )
    host = request.get_host().split(":")[0] or "rolloutplanner"
    body = build_calendar(rows, name=name, host=host)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _user(key: str):
    user = user_for_feed_key(key)
    if user is None:
        raise Http404("Unknown or revoked calendar key.")
    return user


def statewide_feed(request, key):
    user = _user(key)
    milestones = Milestone.objects.restrict(user).filter(scope="statewide")
    return _feed_response(milestones, "Rollout timeline (statewide)", request)


def my_feed(request, key):
    user = _user(key)
    return _feed_response(Milestone.objects.restrict(user), "Rollout timeline", request)


def lea_feed(request, key, pk):
    user = _user(key)
    lea = get_object_or_404(LEA.objects.restrict(user), pk=pk)
    milestones = Milestone.objects.restrict(user).for_lea(lea)
    return _feed_response(milestones, f"Rollout timeline: {lea}", request)


def vendor_feed(request, key, pk):
    user = _user(key)
    vendor = get_object_or_404(Vendor.objects.restrict(user), pk=pk)
    milestones = Milestone.objects.restrict(user).for_vendor(vendor)
    return _feed_response(milestones, f"Rollout timeline: {vendor}", request)
