"""One FilterSet per list, shared by the pages, the Gantt view and the REST API."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q

from leas.models import LEA
from rolloutplanner.timeline.models import ChangeNotice, Milestone, Phase, Scope, Status
from rolloutplanner.timeline.widgets import FastSelect
from vendors.models import Vendor


def visible(model):
    """Filter choices limited to the rows the requesting user may view (none without one)."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.restrict(request.user)

    return queryset


def _owners(request):
    """Owners of milestones the user may see (not of other LEAs' milestones)."""
    users = get_user_model().objects.order_by("username")
    if request is None:
        return users.none()
    owned = Milestone.objects.restrict(request.user).exclude(owner=None).values("owner_id")
    return users.filter(pk__in=owned)


class MilestoneFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    phase = django_filters.ModelChoiceFilter(queryset=Phase.objects.all())
    lea = django_filters.ModelChoiceFilter(
        queryset=visible(LEA),
        widget=FastSelect,
        method="concerning_lea",
        label="LEA",
        help_text="Statewide milestones and those of the LEA or its waves.",
    )
    vendor = django_filters.ModelChoiceFilter(
        queryset=visible(Vendor), widget=FastSelect, method="concerning_vendor", label="Vendor"
    )
    owner = django_filters.ModelChoiceFilter(queryset=_owners, widget=FastSelect)
    scope = django_filters.ChoiceFilter(choices=Scope.choices)
    status = django_filters.ChoiceFilter(
        choices=Status.choices, method="with_status", label="Status"
    )
    starts_after = django_filters.DateFilter(
        field_name="planned_end", lookup_expr="gte", label="Ends on or after"
    )
    ends_before = django_filters.DateFilter(
        field_name="planned_start", lookup_expr="lte", label="Starts on or before"
    )
    due_before = django_filters.DateFilter(
        field_name="planned_end", lookup_expr="lte", label="Ends on or before"
    )
    open = django_filters.BooleanFilter(
        field_name="actual_end", lookup_expr="isnull", label="Not done yet"
    )
    changed_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed since"
    )

    class Meta:
        model = Milestone
        fields = ["q", "phase", "lea", "vendor", "owner", "scope", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value))

    def concerning_lea(self, queryset, name, value):
        return queryset.for_lea(value) if value else queryset

    def concerning_vendor(self, queryset, name, value):
        return queryset.for_vendor(value) if value else queryset

    def with_status(self, queryset, name, value):
        if "status" not in queryset.query.annotations:
            queryset = queryset.with_status()
        return queryset.filter(status=value)


class ChangeNoticeFilterSet(django_filters.FilterSet):
    lea = django_filters.ModelChoiceFilter(queryset=visible(LEA), widget=FastSelect, label="LEA")
    vendor = django_filters.ModelChoiceFilter(queryset=visible(Vendor), widget=FastSelect)
    pending = django_filters.BooleanFilter(
        field_name="emailed_at", lookup_expr="isnull", label="Not yet e-mailed"
    )
    created_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="Made on or after"
    )

    class Meta:
        model = ChangeNotice
        fields = ["lea", "vendor", "pending", "created_after"]
