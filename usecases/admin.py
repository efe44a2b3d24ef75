from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from usecases import models as m

for model in (
    m.Stakeholder,
    m.DataSystem,
    m.DataFlow,
    m.PlanningDocument,
    m.DocumentSection,
    m.Risk,
    m.DataRequirement,
    m.StakeholderImpact,
    m.ScopeItem,
    m.SectionComment,
    m.DocumentVersion,
    m.Approval,
    m.Decision,
    m.CommunicationItem,
    m.CommunicationLog,
    m.ChecklistTask,
    m.Instrument,
    m.Dimension,
    m.AssessmentItem,
    m.AssessmentRound,
    m.Rating,
    m.AgreedRating,
):
    admin.site.register(model, SimpleHistoryAdmin)

admin.site.register(m.Notification)
