"""Reads of the timeline that other pages embed."""

from __future__ import annotations

from django.db.models import Q

from leas.models import LEA
from rolloutplanner.timeline.models import ChangeNotice, Milestone
from rolloutplanner.timeline.services import affected_owners
from vendors.models import Vendor


def notices_for(*, user, organisation: LEA | Vendor, limit: int = 20) -> list[ChangeNotice]:
    """The latest change notices that concern an LEA or vendor (and statewide ones), as far as
    ``user`` may see them."""
    everybody = Q(lea__isnull=True, vendor__isnull=True)
    own = Q(lea=organisation) if isinstance(organisation, LEA) else Q(vendor=organisation)
    notices = ChangeNotice.objects.restrict(user).filter(own | everybody)
    return list(notices.select_related("milestone", "lea", "vendor")[:limit])


def notice_audience(*, milestone: Milestone, limit: int = 8) -> str:
    """Who a move of ``milestone`` would send change notices to, as a sentence part: the
    same owners :func:`~rolloutplanner.timeline.services.create_change_notices` uses."""
    owners = affected_owners(milestone=milestone)
    if (None, None) in owners:
        return "everybody (a statewide milestone moves)"
    lea_ids = [lea for lea, _vendor in owners if lea]
    vendor_ids = [vendor for _lea, vendor in owners if vendor]
    names = [str(lea) for lea in LEA.objects.filter(pk__in=lea_ids).order_by("name")[:limit]]
    names += [str(v) for v in Vendor.objects.filter(pk__in=vendor_ids).order_by("name")[:limit]]
    if not names:
        return "nobody (no LEA or vendor depends on it)"
    more = len(lea_ids) + len(vendor_ids) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")
