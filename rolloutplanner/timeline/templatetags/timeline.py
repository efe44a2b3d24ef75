"""``{% load timeline %}{% timeline_notices lea %}``: an LEA's or vendor's change notices, for
their home page (the LEA and vendor detail pages)."""

from django import template

from rolloutplanner.timeline.selectors import notices_for

register = template.Library()


@register.inclusion_tag("rolloutplanner/timeline/_notices.html", takes_context=True)
def timeline_notices(context, organisation):
    user = context["request"].user
    return {
        "organisation": organisation,
        "notices": notices_for(user=user, organisation=organisation),
    }
