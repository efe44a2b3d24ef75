from rolloutplanner.permissions import RestrictedQuerySet


class ReportDefinitionQuerySet(RestrictedQuerySet):
    pass


class CollectionCycleQuerySet(RestrictedQuerySet):
    def with_definition(self):
        return self.select_related("report_definition")


class SubmissionFileQuerySet(RestrictedQuerySet):
    def unpurged(self):
        return self.filter(purged_at__isnull=True)


class ReconciliationRunQuerySet(RestrictedQuerySet):
    def complete(self):
        return self.filter(state="complete")


class LEARunSummaryQuerySet(RestrictedQuerySet):
    def worst_first(self):
        return self.select_related("lea").order_by("match_rate", "lea__name")


class AggregateDifferenceQuerySet(RestrictedQuerySet):
    def outside_tolerance(self):
        return self.filter(within_tolerance=False)


class DiscrepancyGroupQuerySet(RestrictedQuerySet):
    def with_related(self):
        return self.select_related("lea", "run__cycle", "responsible_vendor")


class DiscrepancyQuerySet(RestrictedQuerySet):
    pass


class DownloadLogQuerySet(RestrictedQuerySet):
    pass


class EdFiConnectionQuerySet(RestrictedQuerySet):
    pass


class EdFiPullQuerySet(RestrictedQuerySet):
    pass


class PurgeLogQuerySet(RestrictedQuerySet):
    pass
