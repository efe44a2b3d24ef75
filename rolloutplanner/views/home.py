"""Each role's home: the tiles its apps register, and for leadership the dashboard itself."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from rolloutplanner.dashboard import dashboard_charts
from rolloutplanner.home import home_breakdowns, home_tiles, landing_object
from rolloutplanner.roles import Role, role_of
from rolloutplanner.selectors import home_summary

HEADINGS = {
    Role.SEA_TEAM: "The rollout at a glance",
    Role.ADMINISTRATOR: "The rollout at a glance",
    Role.LEA_COORDINATOR: "What is asked of your district",
    Role.VENDOR_CONTACT: "What is asked of your product",
}


@login_required
def home(request):
    """The home page of the user's role; every count on it links to the list it counts."""
    user = request.user
    role = role_of(user)
    if role == Role.LEADERSHIP:
        return render(
            request,
            "rolloutplanner/home_leadership.html",
            {
                "tiles": home_tiles(user),
                "charts": dashboard_charts(user),
                "generated_at": timezone.now(),
            },
        )
    return render(
        request,
        "rolloutplanner/home.html",
        {
            "heading": HEADINGS.get(role, "Home"),
            "tiles": home_tiles(user),
            "organisation": landing_object(user),
            "summary": home_summary(user),
            "breakdowns": home_breakdowns(user),
        },
    )
