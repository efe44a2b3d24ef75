from rolloutplanner.api.viewsets import RestrictedModelViewSet
from vendors.api.serializers import VendorSerializer
from vendors.filtersets import VendorFilterSet
from vendors.models import Vendor


class VendorViewSet(RestrictedModelViewSet):
    model = Vendor
    serializer_class = VendorSerializer
    filterset_class = VendorFilterSet
    ordering_fields = ["name", "product_type"]
