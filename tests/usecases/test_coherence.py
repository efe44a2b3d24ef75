"""Coherence checks across use cases, inventory, stakeholders and scope; the flow diagram."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.usecases import factories as f
from usecases.diagrams import flow_diagram
from usecases.selectors.coherence import coherence_problems


@pytest.mark.django_db
def test_each_inconsistency_is_reported_and_clears_when_fixed(world):
    user = world.users[Role.SEA_TEAM]
    document = f.PlanningDocumentFactory(title="Exiting use case")
    missing = f.DataRequirementFactory(
        document=document, data_system=None, source_name="Dispute resolution database"
    )
    f.DataRequirementFactory(document=document, data_system=None, source_name="Known IEP")
    f.DataSystemFactory(name="Known IEP")
    lonely = f.StakeholderFactory(name="SLDS analyst")
    reviewer = f.StakeholderFactory(name="EDFacts coordinator")
    document.reviewers.add(reviewer)
    unserved = f.ScopeItemFactory(text="Discipline files")
    f.ScopeItemFactory(category="out_of_scope", text="Personnel files")  # needs no use case
    ownerless = f.RiskFactory(document=document, owner=None, description="No ETL developer")

    checks = {(p.check, p.url) for p in coherence_problems(user)}
    expected = {
        ("Data source missing from the inventory", missing.get_absolute_url()),
        ("Stakeholder with no review role", lonely.get_absolute_url()),
        ("Scope item not served by a use case", unserved.get_absolute_url()),
        ("Risk without an owner", ownerless.get_absolute_url()),
    }
    assert expected <= checks
    assert not any("EDFacts coordinator" in p.message for p in coherence_problems(user))
    assert not any("Known IEP" in p.message for p in coherence_problems(user))
    assert not any("Personnel files" in p.message for p in coherence_problems(user))

    f.DataSystemFactory(name="Dispute resolution database")
    document.reviewers.add(lonely)
    unserved.use_cases.add(document)
    ownerless.owner = reviewer
    ownerless.save()
    # Only the owner of the risks made by the factory (never a reviewer) remains.
    assert not {c for c, _ in {(p.check, p.url) for p in coherence_problems(user)}} - {
        "Stakeholder with no review role"
    }


@pytest.mark.django_db
def test_coherence_page_lists_problems(client, world):
    f.RiskFactory(owner=None, description="Unowned risk")
    client.force_login(world.users[Role.LEADERSHIP])
    page = client.get(reverse("usecases:coherence")).content.decode()
    assert "Risk without an owner" in page and "Unowned risk" in page


@pytest.mark.django_db
def test_flow_diagram_is_generated_from_the_inventory(client, world):
    flow = f.DataFlowFactory(data="Child count <file>", method="manual")
    svg = flow_diagram([flow.source, flow.target], [flow])
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f".//{ns}rect")) == 2
    path = root.find(f".//{ns}path[@stroke-dasharray]")
    assert path is not None  # manual flows are dashed, not only coloured
    assert "Child count &lt;file&gt; (Manual" in svg
    client.force_login(world.users[Role.VENDOR_CONTACT])
    page = client.get(reverse("usecases:datasystem-diagram")).content.decode()
    assert "<svg" in page and flow.source.name in page
