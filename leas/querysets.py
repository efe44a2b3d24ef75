from django.db.models import Count, Q

from rolloutplanner.permissions import RestrictedQuerySet


class LEAQuerySet(RestrictedQuerySet):
    def with_sis(self):
        return self.select_related("sis_vendor")

    def with_readiness(self):
        """Each LEA with its count of readiness items and of items done (one query)."""
        return self.annotate(
            readiness_total=Count("readiness_items", distinct=True),
            readiness_done=Count(
                "readiness_items", filter=Q(readiness_items__status="done"), distinct=True
            ),
        )


class LEAPersonQuerySet(RestrictedQuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)

    def to_notify(self):
        """Current contacts with an e-mail address whose role is told of their LEA's notices
        (``leas.models.NOTIFIED_REPORTING_ROLES``)."""
        from leas.models import NOTIFIED_REPORTING_ROLES  # the models import this module

        return self.current().exclude(email="").filter(reporting_role__in=NOTIFIED_REPORTING_ROLES)


class ReadinessItemQuerySet(RestrictedQuerySet):
    def open(self):
        return self.exclude(status__in=["done", "not_applicable"])


class SupportQuerySet(RestrictedQuerySet):
    pass


class CohortQuerySet(RestrictedQuerySet):
    pass
