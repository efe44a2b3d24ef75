import django_filters
from django.db.models import Q

from vendors.models import ProductType, Vendor


class VendorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    product_type = django_filters.ChoiceFilter(choices=ProductType.choices)

    class Meta:
        model = Vendor
        fields = ["q", "product_type"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(product_name__icontains=value))
