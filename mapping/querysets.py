"""Reusable reads of the mapping app; every queryset has ``restrict(user, action)``."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Coalesce

from rolloutplanner.permissions import RestrictedQuerySet


class CatalogQuerySet(RestrictedQuerySet):
    """Ed-Fi catalog rows: read by everyone signed in, changed only by imports.

    Several Data Standard versions live side by side; whatever a plan offers or accepts comes
    from its own version only (``for_version``/``for_plan``).
    """

    version_path = "pk"  # the lookup from a row to its DataStandardVersion

    def for_version(self, version):
        return self.filter(**{self.version_path: version})

    def for_plan(self, plan):
        return self.for_version(plan.data_standard_version_id)


class EdFiResourceQuerySet(CatalogQuerySet):
    version_path = "version"

    def with_property_counts(self):
        return self.select_related("version").annotate(property_count=Count("properties"))


class EdFiPropertyQuerySet(CatalogQuerySet):
    version_path = "resource__version"

    def with_resource(self):
        return self.select_related("resource", "resource__version", "descriptor")


class DescriptorQuerySet(CatalogQuerySet):
    version_path = "version"

    def with_value_counts(self):
        return self.select_related("version").annotate(value_count=Count("values"))


class DescriptorValueQuerySet(CatalogQuerySet):
    version_path = "descriptor__version"


class MappingPlanQuerySet(RestrictedQuerySet):
    pass


class StateCollectionQuerySet(RestrictedQuerySet):
    def with_element_counts(self):
        return self.select_related("plan").annotate(element_count=Count("elements"))


# Where an element stands for coverage. Only an approved decision counts as mapped; an element
# without a decision ("not_mapped", or no mapping row) is not mapped whatever its review status.
# Values are MappingStatus / MappingKind values (the models import this module).
COVERAGE_STATUSES = ("approved", "in_review", "draft", "not_mapped")


class StateElementQuerySet(RestrictedQuerySet):
    def with_mapping(self):
        return self.select_related("collection", "collection__plan", "code_set", "mapping")

    def coverage_counts(self):
        """Elements counted by collection, coverage status and mapping kind, in one query."""
        undecided = Q(mapping__isnull=True) | Q(mapping__kind="not_mapped")
        return (
            self.annotate(
                coverage_status=Case(
                    When(undecided, then=Value("not_mapped")),
                    default=F("mapping__status"),
                    output_field=CharField(),
                ),
                coverage_kind=Coalesce("mapping__kind", Value("not_mapped")),
            )
            .values("collection__name", "coverage_status", "coverage_kind")
            .annotate(n=Count("pk"))
            .order_by()
        )


class StateCodeSetQuerySet(RestrictedQuerySet):
    def with_code_counts(self):
        return self.select_related("plan", "descriptor").annotate(
            code_count=Count("codes", distinct=True),
            mapped_count=Count("codes", filter=Q(codes__descriptor_mapping__isnull=False)),
        )


class StateCodeQuerySet(RestrictedQuerySet):
    pass


class ElementMappingQuerySet(RestrictedQuerySet):
    def for_list(self):
        """Everything the mapping list page and API show per row, in a fixed number of queries."""
        return (
            self.select_related(
                "element",
                "element__collection",
                "element__collection__plan",
                "owner",
                "target_value__descriptor",  # the target in words and its URI
            )
            .prefetch_related("targets__resource")
            .annotate(
                open_feedback=Count("feedback", filter=Q(feedback__status="open"), distinct=True)
            )
            .order_by(*self.model._meta.ordering, "pk")
        )


class MappingFeedbackQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status="open")


class DescriptorMappingQuerySet(RestrictedQuerySet):
    def for_list(self):
        return self.select_related(
            "state_code", "state_code__code_set", "descriptor_value", "descriptor_value__descriptor"
        )


class LocalCodeSetQuerySet(RestrictedQuerySet):
    pass


class LocalCodeQuerySet(RestrictedQuerySet):
    pass


class CoverageRunQuerySet(RestrictedQuerySet):
    def counting_approved(self):
        """Runs that counted only approved mappings as mapped (earlier runs counted drafts)."""
        return self.filter(result__counting="approved")


class SeedDataElementQuerySet(RestrictedQuerySet):
    pass


class ExtensionQuerySet(RestrictedQuerySet):
    pass


class PracticeChangeQuerySet(RestrictedQuerySet):
    pass


class LineageAssignmentQuerySet(RestrictedQuerySet):
    def with_resource(self):
        return self.select_related("resource", "plan")
