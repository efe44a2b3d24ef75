"""List/detail/add/edit/delete pages of the planning registers, on the platform's base views."""

from rolloutplanner.views import generic
from usecases import filtersets, forms
from usecases import models as m

STAKEHOLDER = generic.crud_views(
    m.Stakeholder,
    form=forms.StakeholderForm,
    filterset=filtersets.StakeholderFilterSet,
    columns=[
        ("name", "Name"),
        ("get_category_display", "Category"),
        ("organisation", "Organisation"),
        ("get_influence_display", "Influence"),
        ("get_preferred_channel_display", "Preferred channel"),
    ],
    detail_fields=[
        "category",
        "role_title",
        "organisation",
        "interest",
        "influence",
        "data_access",
        "preferred_channel",
        "email",
        "user",
        "lea",
        "vendor",
    ],
)
DATA_SYSTEM = generic.crud_views(
    m.DataSystem,
    form=forms.DataSystemForm,
    filterset=filtersets.DataSystemFilterSet,
    columns=[
        ("name", "Name"),
        ("get_system_type_display", "Type"),
        ("owner", "Owner"),
        ("vendor", "Vendor"),
        ("get_hosting_display", "Hosting"),
    ],
    detail_fields=["system_type", "owner", "vendor", "hosting", "data_held"],
    select_related=("vendor",),
)
DATA_FLOW = generic.crud_views(
    m.DataFlow,
    form=forms.DataFlowForm,
    filterset=filtersets.DataFlowFilterSet,
    columns=[("__str__", "Flow"), ("get_method_display", "Method"), ("frequency", "Frequency")],
    detail_fields=["source", "target", "data", "frequency", "method"],
    select_related=("source", "target"),
)
RISK = generic.crud_views(
    m.Risk,
    form=forms.RiskForm,
    filterset=filtersets.RiskFilterSet,
    columns=[
        ("description", "Risk"),
        ("document", "Use case"),
        ("get_likelihood_display", "Likelihood"),
        ("get_impact_display", "Impact"),
        ("owner", "Owner"),
    ],
    detail_fields=["document", "description", "likelihood", "impact", "mitigation", "owner"],
    select_related=("document", "owner"),
)
DATA_REQUIREMENT = generic.crud_views(
    m.DataRequirement,
    form=forms.DataRequirementForm,
    filterset=filtersets.DataRequirementFilterSet,
    columns=[("source_label", "Source"), ("document", "Use case"), ("elements", "Elements")],
    detail_fields=["document", "data_system", "source_name", "elements"],
    select_related=("document", "data_system"),
)
STAKEHOLDER_IMPACT = generic.crud_views(
    m.StakeholderImpact,
    form=forms.StakeholderImpactForm,
    filterset=filtersets.StakeholderImpactFilterSet,
    columns=[("stakeholder.name", "Stakeholder"), ("document", "Use case"), ("impact", "Impact")],
    detail_fields=["document", "stakeholder", "impact", "data_access"],
    select_related=("document", "stakeholder"),
)
SCOPE_ITEM = generic.crud_views(
    m.ScopeItem,
    form=forms.ScopeItemForm,
    filterset=filtersets.ScopeItemFilterSet,
    columns=[("text", "Item"), ("get_category_display", "Category"), ("document", "Document")],
    detail_fields=["document", "category", "text"],
    select_related=("document",),
)
DECISION = generic.crud_views(
    m.Decision,
    form=forms.DecisionForm,
    filterset=filtersets.DecisionFilterSet,
    columns=[
        ("title", "Decision"),
        ("get_category_display", "Category"),
        ("get_status_display", "Status"),
        ("decided_by", "Decided by"),
        ("decided_on", "Date"),
    ],
    detail_fields=[
        "category",
        "question",
        "options_considered",
        "decision",
        "rationale",
        "decided_by",
        "decided_on",
        "status",
    ],
)
COMMUNICATION = generic.crud_views(
    m.CommunicationItem,
    form=forms.CommunicationItemForm,
    filterset=filtersets.CommunicationItemFilterSet,
    columns=[
        ("audience", "Audience"),
        ("message", "Message"),
        ("channel", "Channel"),
        ("owner", "Owner"),
        ("next_date", "Next date"),
        ("is_overdue", "Overdue"),
    ],
    detail_fields=["audience", "message", "channel", "frequency", "owner", "next_date", "active"],
)
CHECKLIST = generic.crud_views(
    m.ChecklistTask,
    form=forms.ChecklistTaskForm,
    filterset=filtersets.ChecklistTaskFilterSet,
    columns=[("__str__", "Task"), ("get_level_display", "Level"), ("get_status_display", "Status")],
    detail_fields=["number", "level", "title", "parent", "guidance", "status"],
)
INSTRUMENT = generic.crud_views(
    m.Instrument,
    form=forms.InstrumentForm,
    columns=[("name", "Name")],
    detail_fields=[
        "description",
        "level_1_label",
        "level_2_label",
        "level_3_label",
        "level_4_label",
    ],
)
DIMENSION = generic.crud_views(
    m.Dimension,
    form=forms.DimensionForm,
    columns=[("title", "Dimension"), ("instrument", "Instrument")],
    detail_fields=["instrument", "title", "position"],
)
ASSESSMENT_ITEM = generic.crud_views(
    m.AssessmentItem,
    form=forms.AssessmentItemForm,
    columns=[("text", "Item"), ("dimension", "Dimension")],
    detail_fields=["dimension", "text", "level_1", "level_2", "level_3", "level_4"],
    select_related=("dimension",),
)
ROUND = generic.crud_views(
    m.AssessmentRound,
    form=forms.AssessmentRoundForm,
    columns=[("name", "Round"), ("held_on", "Held on"), ("instrument", "Instrument")],
    detail_fields=["instrument", "held_on", "notes"],
)
