import django_filters
from django.db.models import Q

from vendors.models import (
    APICredential,
    AssistanceLevel,
    Certification,
    ClaimSet,
    DeploymentTimeline,
    EdFiExperience,
    FollowUp,
    MarketEvent,
    ProductType,
    Touchpoint,
    Vendor,
)


def id_filter(field_name: str, label: str):
    # An id, not a choice list: a list of every row would name rows the user may not see.
    return django_filters.NumberFilter(field_name=field_name, label=label)


class VendorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    product_type = django_filters.ChoiceFilter(choices=ProductType.choices)
    edfi_experience = django_filters.ChoiceFilter(choices=EdFiExperience.choices)
    assistance_level = django_filters.ChoiceFilter(choices=AssistanceLevel.choices)

    class Meta:
        model = Vendor
        fields = ["q", "product_type", "edfi_experience", "assistance_level"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(product_name__icontains=value))


class CertificationFilterSet(django_filters.FilterSet):
    vendor = id_filter("vendor", "Vendor id")

    class Meta:
        model = Certification
        fields = ["vendor", "status", "version"]


class TouchpointFilterSet(django_filters.FilterSet):
    vendor = id_filter("vendor", "Vendor id")
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")

    class Meta:
        model = Touchpoint
        fields = ["vendor", "held_after"]


class FollowUpFilterSet(django_filters.FilterSet):
    vendor = id_filter("touchpoint__vendor", "Vendor id")
    open = django_filters.BooleanFilter(field_name="done_on", lookup_expr="isnull", label="Open")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = FollowUp
        fields = ["vendor", "open", "due_before"]


class DeploymentTimelineFilterSet(django_filters.FilterSet):
    vendor = id_filter("vendor", "Vendor id")
    lea = id_filter("lea", "LEA id")

    class Meta:
        model = DeploymentTimeline
        fields = ["vendor", "lea"]


class MarketEventFilterSet(django_filters.FilterSet):
    vendor = id_filter("vendor", "Vendor id")

    class Meta:
        model = MarketEvent
        fields = ["vendor", "kind"]


class ClaimSetFilterSet(django_filters.FilterSet):
    class Meta:
        model = ClaimSet
        fields = ["name"]


class APICredentialFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    vendor = id_filter("vendor", "Vendor id")
    lea = id_filter("leas", "LEA id")
    revoked = django_filters.BooleanFilter(
        field_name="revoked_on", lookup_expr="isnull", exclude=True, label="Revoked"
    )
    flagged = django_filters.BooleanFilter(
        field_name="rotation_flagged_on",
        lookup_expr="isnull",
        exclude=True,
        label="Flagged for rotation",
    )
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte")

    class Meta:
        model = APICredential
        fields = ["q", "vendor", "lea", "school_year", "revoked", "flagged", "expires_before"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(application_name__icontains=value) | Q(key__iexact=value))
