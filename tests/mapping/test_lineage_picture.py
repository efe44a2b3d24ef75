"""The lineage picture is readable (labels fit, arrows avoid boxes, every write drawn) and
its checks understand overwrites and identities, on the real Ed-Fi 5.2 catalog."""

import pytest
from django.urls import reverse

from mapping.models import EdFiProperty, EdFiResource, MappingKind
from mapping.services import mappings as services
from mapping.services.lineage import (
    TEXT_CHAR,
    TITLE_CHAR,
    lineage_conflicts,
    lineage_graph,
)
from rolloutplanner.roles import Role
from tests.mapping import factories as f

LONG = "StudentSpecialEducationProgramEligibilityAssociation"


@pytest.fixture
def busy_plan(catalog):
    """Five steps, long names, a resource written by two systems in two steps."""
    plan = f.MappingPlanFactory(data_standard_version=catalog)

    def write(name, step, system="sis", properties=""):
        resource = EdFiResource.objects.get(version=catalog, name=name)
        f.LineageAssignmentFactory(
            plan=plan,
            resource=resource,
            load_order=step,
            source_system=system,
            properties=properties,
        )

    write("School", 1, "state")
    write("Program", 1, "state")
    write("Student", 2)
    write("StudentSchoolAssociation", 3)
    write("StudentEducationOrganizationAssociation", 3)
    write("StudentSpecialEducationProgramAssociation", 4, "iep")
    write("StudentSpecialEducationProgramAssociation", 5, "sis", "EndDate")
    write(LONG, 4, "iep")
    return plan


def _inside(x, y, node, margin=0):
    return (
        node.x - margin < x < node.x + node.width + margin
        and node.y - margin < y < node.y + node.height + margin
    )


def _segment_crosses(a, b, node) -> bool:
    """Whether the axis-parallel segment a→b passes through the inside of ``node``'s box."""
    (x1, y1), (x2, y2) = a, b
    if x1 == x2:
        low, high = sorted((y1, y2))
        return node.x < x1 < node.x + node.width and low < node.y + node.height and high > node.y
    low, high = sorted((x1, x2))
    return node.y < y1 < node.y + node.height and low < node.x + node.width and high > node.x


def test_every_write_has_a_box_wide_enough_for_its_labels(busy_plan):
    graph = lineage_graph(plan=busy_plan)
    writes = {(n.resource, n.step) for n in graph.nodes}
    assert ("StudentSpecialEducationProgramAssociation", 4) in writes
    assert ("StudentSpecialEducationProgramAssociation", 5) in writes
    assert len(writes) == 8
    for node in graph.nodes:
        assert node.width >= len(node.resource) * TITLE_CHAR
        assert node.width >= len(node.systems_text) * TEXT_CHAR
        assert node.x + node.width <= graph.width and node.y + node.height <= graph.height
    boxes = sorted(graph.nodes, key=lambda n: (n.x, n.y))
    for a in boxes:
        for b in boxes:
            if a is not b:
                assert not _inside(b.x + 1, b.y + 1, a), f"{a} overlaps {b}"


def test_arrows_never_cross_a_box_they_do_not_join(busy_plan):
    graph = lineage_graph(plan=busy_plan)
    kinds = {(e.source.resource, e.target.resource, e.kind) for e in graph.arrows}
    assert ("StudentSchoolAssociation", "School", "reference") in kinds
    assert (
        "StudentSpecialEducationProgramAssociation",
        "StudentSpecialEducationProgramAssociation",
        "again",
    ) in kinds
    for edge in graph.arrows:
        assert edge.points[0] == (edge.source.x + edge.source.width, edge.points[0][1])
        assert edge.points[-1] == (edge.target.x, edge.points[-1][1])
        for a, b in zip(edge.points, edge.points[1:], strict=False):
            assert a[0] == b[0] or a[1] == b[1], "segments are horizontal or vertical"
            for node in graph.nodes:
                if node is edge.source and a == edge.points[0]:
                    continue
                assert not _segment_crosses(a, b, node), (
                    f"{edge.source.resource}→{edge.target.resource} crosses {node.resource}"
                )
        assert all(0 <= x <= graph.width and 0 <= y <= graph.height for x, y in edge.points)


def test_a_system_overwriting_another_in_a_later_step_is_reported(busy_plan):
    messages = [c.message for c in lineage_conflicts(plan=busy_plan)]
    assert (
        "IEP / special education writes StudentSpecialEducationProgramAssociation (EndDate) in "
        "step 4, then Student information system writes it again in step 5: the later values "
        "replace the earlier ones."
    ) in messages


def test_the_page_draws_full_names_and_routed_arrows(client, world, busy_plan):
    client.force_login(world.users[Role.SEA_TEAM])
    page = client.get(reverse("mapping:mappingplan-lineage", args=[busy_plan.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert f">{LONG}</text>" in body  # never truncated
    assert body.count("<polyline") == len(lineage_graph(plan=busy_plan).arrows)
    assert "Conflict (written again later)" in body


def test_a_mapped_student_identifier_feeds_every_student_reference(catalog, sea_user):
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    collection = f.StateCollectionFactory(plan=plan)

    def map_to(name, *paths):
        mapping = f.ElementMappingFactory(
            element=f.StateElementFactory(collection=collection, name=name)
        )
        targets = [
            EdFiProperty.objects.get(resource__version=catalog, resource__name=r, path=p)
            for r, p in (path.split(".", 1) for path in paths)
        ]
        services.update_mapping(
            mapping=mapping, user=sea_user, kind=MappingKind.ONE_TO_ONE, targets=targets
        )

    map_to("ENTRY_DATE", "StudentSchoolAssociation.EntryDate")
    gaps = {(g.resource, g.property_path) for g in services.identity_gaps(plan=plan)}
    assert ("StudentSchoolAssociation", "StudentReference") in gaps

    map_to("STUDENT_ID", "Student.StudentUniqueId")
    gaps = {(g.resource, g.property_path) for g in services.identity_gaps(plan=plan)}
    assert ("StudentSchoolAssociation", "StudentReference") not in gaps
    assert ("StudentSchoolAssociation", "SchoolReference") in gaps  # no school id mapped yet
