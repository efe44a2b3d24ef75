"""CSV/XLSX export of the vendor inventory (what the user may see)."""

from __future__ import annotations

from rolloutplanner.exports import Table
from vendors.models import Vendor


def export_vendor_inventory(*, user) -> Table:
    """The vendors the user may see, with how many LEAs use each."""
    vendors = (
        Vendor.objects.restrict(user)
        .with_lea_counts()
        .prefetch_related("certifications")
        .order_by("product_type", "name", "product_name")
    )
    header = [
        "product_type",
        "vendor",
        "product",
        "leas_using_as_sis",
        "leas_using_other",
        "edfi_experience",
        "certifications",
        "technical_assistance",
        "release_cadence",
    ]
    rows = (
        [
            vendor.get_product_type_display(),
            vendor.name,
            vendor.product_name,
            vendor.sis_lea_count,
            vendor.source_lea_count,
            vendor.get_edfi_experience_display(),
            vendor.certification_summary,
            vendor.get_assistance_level_display(),
            vendor.release_cadence,
        ]
        for vendor in vendors
    )
    return Table("vendor-inventory", "Vendor inventory", header, rows)
