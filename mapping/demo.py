"""The mapping part of the demo: the Ed-Fi Data Standard catalog shipped with the app and a
child-count mapping plan whose element mappings are approved, in review or still drafts.

Mappings move through the mapping services, so the four-eyes rule holds: ``sea`` submits and
``sea2`` approves. Idempotent: a plan that exists is left as it is.
"""

from __future__ import annotations

from django.conf import settings

from mapping.models import (
    DataStandardVersion,
    EdFiProperty,
    MappingKind,
    MappingPlan,
    StateCollection,
)
from mapping.models.state import DataType
from mapping.services.catalog import import_edfi_model
from mapping.services.mappings import transition_mapping, update_mapping
from mapping.services.state import create_element
from rolloutplanner.demo import demo_step

PLAN_NAME = "State collections to Ed-Fi 5.2"

S, SEOA = "Student", "StudentEducationOrganizationAssociation"
# (element, data type, kind, Ed-Fi target "Resource:path" or "", final status, logical map)
CHILD_COUNT_ELEMENTS = [
    (
        "Student state ID",
        DataType.STRING,
        MappingKind.ONE_TO_ONE,
        f"{S}:StudentUniqueId",
        "approved",
        "",
    ),
    ("First name", DataType.STRING, MappingKind.ONE_TO_ONE, f"{S}:Name.FirstName", "approved", ""),
    ("Last name", DataType.STRING, MappingKind.ONE_TO_ONE, f"{S}:Name.LastSurname", "approved", ""),
    (
        "Birth date",
        DataType.DATE,
        MappingKind.ONE_TO_ONE,
        f"{S}:BirthData.BirthDate",
        "approved",
        "",
    ),
    (
        "Sex",
        DataType.CODE,
        MappingKind.CLOSE,
        f"{SEOA}:Sex",
        "in_review",
        "State codes F/M map to the Ed-Fi Sex descriptor values Female/Male.",
    ),
    (
        "Race",
        DataType.CODE,
        MappingKind.CLOSE,
        f"{SEOA}:Race",
        "in_review",
        "The state's one race code becomes one or more Ed-Fi race descriptors.",
    ),
    ("English learner status", DataType.CODE, MappingKind.NOT_MAPPED, "", "draft", ""),
    ("Educational environment", DataType.CODE, MappingKind.NOT_MAPPED, "", "draft", ""),
    ("Primary disability", DataType.CODE, MappingKind.NOT_MAPPED, "", "draft", ""),
]


def seed_catalog() -> None:
    """The Ed-Fi Data Standard shipped with the app, so mapping starts from the real catalog."""
    if not DataStandardVersion.objects.exists():
        import_edfi_model(directory=settings.BASE_DIR / "mapping" / "data" / "edfi" / "5.2.0")


def seed_mapping_plan(*, author, approver) -> MappingPlan | None:
    """The child-count plan with approved, in-review and draft element mappings, once."""
    existing = MappingPlan.objects.filter(name=PLAN_NAME).first()
    version = DataStandardVersion.objects.order_by("-pk").first()
    if existing or version is None:
        return existing
    plan = MappingPlan.objects.create(
        name=PLAN_NAME,
        data_standard_version=version,
        description="The IDEA Part B child count and the enrollment data it depends on.",
    )
    collection = StateCollection.objects.create(
        plan=plan, name="Special education child count", description="Annual, 1 October."
    )
    properties = {
        f"{p.resource.name}:{p.path}": p
        for p in EdFiProperty.objects.filter(resource__version=version).select_related("resource")
    }
    for name, data_type, kind, target, status, logical_map in CHILD_COUNT_ELEMENTS:
        element = create_element(
            collection=collection, name=name, data_type=data_type, required=True
        )
        mapping = element.mapping
        if kind != MappingKind.NOT_MAPPED and target in properties:
            update_mapping(
                mapping=mapping,
                user=author,
                targets=[properties[target]],
                kind=kind,
                logical_map=logical_map,
                owner=author,
            )
        if status in ("in_review", "approved"):
            transition_mapping(mapping=mapping, transition="submit", user=author)
        if status == "approved":
            transition_mapping(mapping=mapping, transition="approve", user=approver)
    return plan


@demo_step(80)
def seed_mapping_step(world: dict) -> None:
    seed_catalog()
    world["mapping_plan"] = seed_mapping_plan(
        author=world["users"]["sea"], approver=world["users"]["sea2"]
    )
