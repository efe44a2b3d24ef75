from rolloutplanner.views import generic
from vendors.filtersets import VendorFilterSet
from vendors.forms import VendorForm
from vendors.models import Vendor


class VendorListView(generic.ObjectListView):
    model = Vendor
    filterset_class = VendorFilterSet
    columns = [
        ("name", "Vendor"),
        ("product_name", "Product"),
        ("get_product_type_display", "Product type"),
    ]


class VendorDetailView(generic.ObjectDetailView):
    model = Vendor
    detail_fields = ["name", "product_name", "product_type", "website"]


class VendorCreateView(generic.ObjectCreateView):
    model = Vendor
    form_class = VendorForm


class VendorUpdateView(generic.ObjectUpdateView):
    model = Vendor
    form_class = VendorForm


class VendorDeleteView(generic.ObjectDeleteView):
    model = Vendor
