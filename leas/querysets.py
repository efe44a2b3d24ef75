from rolloutplanner.permissions import RestrictedQuerySet


class LEAQuerySet(RestrictedQuerySet):
    def with_sis(self):
        return self.select_related("sis_vendor")
