"""Reads of the timeline that other pages embed."""

from __future__ import annotations

from django.db.models import Q

from leas.models import LEA
from rolloutplanner.timeline.models import ChangeNotice
from vendors.models import Vendor


def notices_for(*, user, organisation: LEA | Vendor, limit: int = 20) -> list[ChangeNotice]:
    """The latest change notices that concern an LEA or vendor (and statewide ones), as far as
    ``user`` may see them."""
    everybody = Q(lea__isnull=True, vendor__isnull=True)
    own = Q(lea=organisation) if isinstance(organisation, LEA) else Q(vendor=organisation)
    notices = ChangeNotice.objects.restrict(user).filter(own | everybody)
    return list(notices.select_related("milestone", "lea", "vendor")[:limit])
