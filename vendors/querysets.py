from django.db.models import Count

from rolloutplanner.permissions import RestrictedQuerySet


class VendorQuerySet(RestrictedQuerySet):
    def with_lea_counts(self):
        return self.annotate(sis_lea_count=Count("sis_leas", distinct=True))
