from django.db.models import Count, Q

from rolloutplanner.permissions import RestrictedQuerySet


class VendorQuerySet(RestrictedQuerySet):
    def with_lea_counts(self):
        """Vendors with how many LEAs run them as SIS and as another source system."""
        return self.annotate(
            sis_lea_count=Count("sis_leas", distinct=True),
            source_lea_count=Count("source_leas", distinct=True),
        )


class VendorRowQuerySet(RestrictedQuerySet):
    pass


class APICredentialQuerySet(RestrictedQuerySet):
    def active(self, *, on):
        return self.filter(revoked_on__isnull=True).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gt=on)
        )

    def flagged_for_rotation(self):
        return self.filter(revoked_on__isnull=True, rotation_flagged_on__isnull=False)
