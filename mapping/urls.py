from django.urls import path

from mapping import views
from mapping.models import DescriptorMapping
from rolloutplanner.urlpatterns import crud_urls

app_name = "mapping"


def _crud(prefix: str, name: str, stem: str, *, editable: bool = True):
    """crud_urls for the views named <stem>ListView, <stem>DetailView, … in mapping.views."""
    found = {
        suffix: getattr(views, f"{stem}{suffix}View", None)
        for suffix in ("List", "Detail", "Create", "Update", "Delete")
    }
    return crud_urls(
        prefix,
        name,
        list_view=found["List"],
        detail_view=found["Detail"],
        create_view=found["Create"] if editable else None,
        update_view=found["Update"] if editable else None,
        delete_view=found["Delete"] if editable else None,
    )


urlpatterns = [
    *_crud("", "mappingplan", "MappingPlan"),
    path("<int:pk>/import/", views.import_spec, name="mappingplan-import"),
    path("<int:pk>/import-own/", views.import_own_layout, name="mappingplan-import-own"),
    path("<int:pk>/properties/", views.property_search, name="mappingplan-property-search"),
    path("collections/<int:pk>/grid/", views.collection_grid, name="statecollection-grid"),
    path("<int:pk>/export.<str:fmt>", views.export_plan, name="mappingplan-export"),
    path("<int:pk>/coverage/", views.start_coverage, name="mappingplan-coverage"),
    path("<int:pk>/upgrade-impact/", views.start_upgrade_impact, name="mappingplan-upgrade"),
    path("spec-template.<str:fmt>", views.spec_template, name="spec-template"),
    path("upgrade-impact/<int:job_pk>/", views.upgrade_impact_result, name="upgrade-impact"),
    *_crud("catalog/versions", "datastandardversion", "DataStandardVersion", editable=False),
    *_crud("catalog/resources", "edfiresource", "EdFiResource", editable=False),
    *_crud("catalog/properties", "edfiproperty", "EdFiProperty", editable=False),
    *_crud("catalog/descriptors", "descriptor", "Descriptor", editable=False),
    *_crud("catalog/values", "descriptorvalue", "DescriptorValue", editable=False),
    *_crud("collections", "statecollection", "StateCollection"),
    *_crud("elements", "stateelement", "StateElement"),
    *_crud("code-sets", "statecodeset", "StateCodeSet"),
    *_crud("codes", "statecode", "StateCode"),
    path("codes/<int:pk>/accept/", views.accept_code_suggestion, name="statecode-accept"),
    *_crud("mappings", "elementmapping", "ElementMapping"),
    path("mappings/bulk/", views.bulk_update_mappings, name="elementmapping-bulk"),
    path(
        "mappings/<int:pk>/transition/",
        views.transition_mapping,
        name="elementmapping-transition",
    ),
    path(
        "mappings/<int:pk>/accept/",
        views.accept_property_suggestion,
        name="elementmapping-accept",
    ),
    path("mappings/<int:pk>/feedback/", views.add_feedback, name="elementmapping-feedback"),
    path(
        "mappings/<int:pk>/copy-to-sibling/",
        views.copy_to_sibling,
        name="elementmapping-copy",
    ),
    *_crud("feedback", "mappingfeedback", "MappingFeedback"),
    *_crud("descriptor-mappings", "descriptormapping", "DescriptorMapping"),
    path(
        "descriptor-mappings/<int:pk>/transition/",
        views.transition_mapping,
        {"model": DescriptorMapping},
        name="descriptormapping-transition",
    ),
    *_crud("local-code-sets", "localcodeset", "LocalCodeSet"),
    *_crud("local-codes", "localcode", "LocalCode"),
    *_crud("coverage", "coveragerun", "CoverageRun", editable=False),
    *_crud("seed-data", "seeddataelement", "SeedDataElement"),
    *_crud("extensions", "extension", "Extension"),
    *_crud("practice-changes", "practicechange", "PracticeChange"),
    *_crud("lineage", "lineageassignment", "LineageAssignment"),
    path("<int:pk>/lineage/", views.plan_lineage, name="mappingplan-lineage"),
]
