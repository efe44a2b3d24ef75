"""List/detail/add/edit/delete pages of the planning registers, on the platform's base views.

One class per model and page. The detail pages with their own template (stakeholders, data
systems, communications, assessment rounds) are in ``usecases.views.planning``.
"""

from rolloutplanner.views import generic
from usecases import filtersets, forms
from usecases import models as m


class StakeholderListView(generic.ObjectListView):
    model = m.Stakeholder
    filterset_class = filtersets.StakeholderFilterSet
    columns = [
        ("name", "Name"),
        ("get_category_display", "Category"),
        ("organisation", "Organisation"),
        ("get_influence_display", "Influence"),
        ("get_preferred_channel_display", "Preferred channel"),
    ]


class StakeholderCreateView(generic.ObjectCreateView):
    model = m.Stakeholder
    form_class = forms.StakeholderForm


class StakeholderUpdateView(generic.ObjectUpdateView):
    model = m.Stakeholder
    form_class = forms.StakeholderForm


class StakeholderDeleteView(generic.ObjectDeleteView):
    model = m.Stakeholder


class DataSystemListView(generic.ObjectListView):
    model = m.DataSystem
    select_related = ("vendor",)
    filterset_class = filtersets.DataSystemFilterSet
    columns = [
        ("name", "Name"),
        ("get_system_type_display", "Type"),
        ("owner", "Owner"),
        ("vendor", "Vendor"),
        ("get_hosting_display", "Hosting"),
    ]


class DataSystemCreateView(generic.ObjectCreateView):
    model = m.DataSystem
    form_class = forms.DataSystemForm


class DataSystemUpdateView(generic.ObjectUpdateView):
    model = m.DataSystem
    select_related = ("vendor",)
    form_class = forms.DataSystemForm


class DataSystemDeleteView(generic.ObjectDeleteView):
    model = m.DataSystem
    select_related = ("vendor",)


class DataFlowListView(generic.ObjectListView):
    model = m.DataFlow
    select_related = ("source", "target")
    filterset_class = filtersets.DataFlowFilterSet
    columns = [("__str__", "Flow"), ("get_method_display", "Method"), ("frequency", "Frequency")]


class DataFlowDetailView(generic.ObjectDetailView):
    model = m.DataFlow
    select_related = ("source", "target")
    detail_fields = ["source", "target", "data", "frequency", "method"]


class DataFlowCreateView(generic.ObjectCreateView):
    model = m.DataFlow
    form_class = forms.DataFlowForm


class DataFlowUpdateView(generic.ObjectUpdateView):
    model = m.DataFlow
    select_related = ("source", "target")
    form_class = forms.DataFlowForm


class DataFlowDeleteView(generic.ObjectDeleteView):
    model = m.DataFlow
    select_related = ("source", "target")


class RiskListView(generic.ObjectListView):
    model = m.Risk
    select_related = ("document", "owner")
    filterset_class = filtersets.RiskFilterSet
    columns = [
        ("description", "Risk"),
        ("document", "Use case"),
        ("get_likelihood_display", "Likelihood"),
        ("get_impact_display", "Impact"),
        ("owner", "Owner"),
    ]


class RiskDetailView(generic.ObjectDetailView):
    model = m.Risk
    select_related = ("document", "owner")
    detail_fields = ["document", "description", "likelihood", "impact", "mitigation", "owner"]


class RiskCreateView(generic.ObjectCreateView):
    model = m.Risk
    form_class = forms.RiskForm


class RiskUpdateView(generic.ObjectUpdateView):
    model = m.Risk
    select_related = ("document", "owner")
    form_class = forms.RiskForm


class RiskDeleteView(generic.ObjectDeleteView):
    model = m.Risk
    select_related = ("document", "owner")


class DataRequirementListView(generic.ObjectListView):
    model = m.DataRequirement
    select_related = ("document", "data_system")
    filterset_class = filtersets.DataRequirementFilterSet
    columns = [("source_label", "Source"), ("document", "Use case"), ("elements", "Elements")]


class DataRequirementDetailView(generic.ObjectDetailView):
    model = m.DataRequirement
    select_related = ("document", "data_system")
    detail_fields = ["document", "data_system", "source_name", "elements"]


class DataRequirementCreateView(generic.ObjectCreateView):
    model = m.DataRequirement
    form_class = forms.DataRequirementForm


class DataRequirementUpdateView(generic.ObjectUpdateView):
    model = m.DataRequirement
    select_related = ("document", "data_system")
    form_class = forms.DataRequirementForm


class DataRequirementDeleteView(generic.ObjectDeleteView):
    model = m.DataRequirement
    select_related = ("document", "data_system")


class StakeholderImpactListView(generic.ObjectListView):
    model = m.StakeholderImpact
    select_related = ("document", "stakeholder")
    filterset_class = filtersets.StakeholderImpactFilterSet
    columns = [("stakeholder.name", "Stakeholder"), ("document", "Use case"), ("impact", "Impact")]


class StakeholderImpactDetailView(generic.ObjectDetailView):
    model = m.StakeholderImpact
    select_related = ("document", "stakeholder")
    detail_fields = ["document", "stakeholder", "impact", "data_access"]


class StakeholderImpactCreateView(generic.ObjectCreateView):
    model = m.StakeholderImpact
    form_class = forms.StakeholderImpactForm


class StakeholderImpactUpdateView(generic.ObjectUpdateView):
    model = m.StakeholderImpact
    select_related = ("document", "stakeholder")
    form_class = forms.StakeholderImpactForm


class StakeholderImpactDeleteView(generic.ObjectDeleteView):
    model = m.StakeholderImpact
    select_related = ("document", "stakeholder")


class ScopeItemListView(generic.ObjectListView):
    model = m.ScopeItem
    select_related = ("document",)
    filterset_class = filtersets.ScopeItemFilterSet
    columns = [("text", "Item"), ("get_category_display", "Category"), ("document", "Document")]


class ScopeItemDetailView(generic.ObjectDetailView):
    model = m.ScopeItem
    select_related = ("document",)
    detail_fields = ["document", "category", "text"]


class ScopeItemCreateView(generic.ObjectCreateView):
    model = m.ScopeItem
    form_class = forms.ScopeItemForm


class ScopeItemUpdateView(generic.ObjectUpdateView):
    model = m.ScopeItem
    select_related = ("document",)
    form_class = forms.ScopeItemForm


class ScopeItemDeleteView(generic.ObjectDeleteView):
    model = m.ScopeItem
    select_related = ("document",)


class DecisionListView(generic.ObjectListView):
    model = m.Decision
    filterset_class = filtersets.DecisionFilterSet
    columns = [
        ("title", "Decision"),
        ("get_category_display", "Category"),
        ("get_status_display", "Status"),
        ("decided_by", "Decided by"),
        ("decided_on", "Date"),
    ]


class DecisionDetailView(generic.ObjectDetailView):
    model = m.Decision
    detail_fields = [
        "category",
        "question",
        "options_considered",
        "decision",
        "rationale",
        "decided_by",
        "decided_on",
        "status",
    ]


class DecisionCreateView(generic.ObjectCreateView):
    model = m.Decision
    form_class = forms.DecisionForm


class DecisionUpdateView(generic.ObjectUpdateView):
    model = m.Decision
    form_class = forms.DecisionForm


class DecisionDeleteView(generic.ObjectDeleteView):
    model = m.Decision


class CommunicationItemListView(generic.ObjectListView):
    model = m.CommunicationItem
    filterset_class = filtersets.CommunicationItemFilterSet
    columns = [
        ("audience", "Audience"),
        ("message", "Message"),
        ("channel", "Channel"),
        ("owner", "Owner"),
        ("next_date", "Next date"),
        ("is_overdue", "Overdue"),
    ]


class CommunicationItemCreateView(generic.ObjectCreateView):
    model = m.CommunicationItem
    form_class = forms.CommunicationItemForm


class CommunicationItemUpdateView(generic.ObjectUpdateView):
    model = m.CommunicationItem
    form_class = forms.CommunicationItemForm


class CommunicationItemDeleteView(generic.ObjectDeleteView):
    model = m.CommunicationItem


class ChecklistTaskDetailView(generic.ObjectDetailView):
    model = m.ChecklistTask
    detail_fields = ["number", "level", "title", "parent", "guidance", "status"]


class ChecklistTaskCreateView(generic.ObjectCreateView):
    model = m.ChecklistTask
    form_class = forms.ChecklistTaskForm


class ChecklistTaskUpdateView(generic.ObjectUpdateView):
    model = m.ChecklistTask
    form_class = forms.ChecklistTaskForm


class ChecklistTaskDeleteView(generic.ObjectDeleteView):
    model = m.ChecklistTask


class InstrumentListView(generic.ObjectListView):
    model = m.Instrument
    columns = [("name", "Name")]


class InstrumentDetailView(generic.ObjectDetailView):
    model = m.Instrument
    detail_fields = [
        "description",
        "level_1_label",
        "level_2_label",
        "level_3_label",
        "level_4_label",
    ]


class InstrumentCreateView(generic.ObjectCreateView):
    model = m.Instrument
    form_class = forms.InstrumentForm


class InstrumentUpdateView(generic.ObjectUpdateView):
    model = m.Instrument
    form_class = forms.InstrumentForm


class InstrumentDeleteView(generic.ObjectDeleteView):
    model = m.Instrument


class DimensionListView(generic.ObjectListView):
    model = m.Dimension
    columns = [("title", "Dimension"), ("instrument", "Instrument")]


class DimensionDetailView(generic.ObjectDetailView):
    model = m.Dimension
    detail_fields = ["instrument", "title", "position"]


class DimensionCreateView(generic.ObjectCreateView):
    model = m.Dimension
    form_class = forms.DimensionForm


class DimensionUpdateView(generic.ObjectUpdateView):
    model = m.Dimension
    form_class = forms.DimensionForm


class DimensionDeleteView(generic.ObjectDeleteView):
    model = m.Dimension


class AssessmentItemListView(generic.ObjectListView):
    model = m.AssessmentItem
    select_related = ("dimension",)
    columns = [("text", "Item"), ("dimension", "Dimension")]


class AssessmentItemDetailView(generic.ObjectDetailView):
    model = m.AssessmentItem
    select_related = ("dimension",)
    detail_fields = ["dimension", "text", "level_1", "level_2", "level_3", "level_4"]


class AssessmentItemCreateView(generic.ObjectCreateView):
    model = m.AssessmentItem
    form_class = forms.AssessmentItemForm


class AssessmentItemUpdateView(generic.ObjectUpdateView):
    model = m.AssessmentItem
    select_related = ("dimension",)
    form_class = forms.AssessmentItemForm


class AssessmentItemDeleteView(generic.ObjectDeleteView):
    model = m.AssessmentItem
    select_related = ("dimension",)


class AssessmentRoundListView(generic.ObjectListView):
    model = m.AssessmentRound
    columns = [("name", "Round"), ("held_on", "Held on"), ("instrument", "Instrument")]


class AssessmentRoundCreateView(generic.ObjectCreateView):
    model = m.AssessmentRound
    form_class = forms.AssessmentRoundForm


class AssessmentRoundUpdateView(generic.ObjectUpdateView):
    model = m.AssessmentRound
    form_class = forms.AssessmentRoundForm


class AssessmentRoundDeleteView(generic.ObjectDeleteView):
    model = m.AssessmentRound
