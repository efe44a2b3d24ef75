import datetime

import factory
from factory.django import DjangoModelFactory

from usecases import models as m


class StakeholderFactory(DjangoModelFactory):
    class Meta:
        model = m.Stakeholder

    name = factory.Sequence(lambda n: f"Stakeholder {n}")
    category = m.StakeholderCategory.PART_B_DATA_MANAGER
    role_title = "Part B Data Manager"
    organisation = "State Department of Education"
    interest = "Accurate child count and exiting files."
    influence = m.Level.HIGH
    data_access = "EDFacts submission reports"


class DataSystemFactory(DjangoModelFactory):
    class Meta:
        model = m.DataSystem

    name = factory.Sequence(lambda n: f"System {n}")
    system_type = m.SystemType.IEP
    owner = "Office of Special Education"
    hosting = m.Hosting.VENDOR


class DataFlowFactory(DjangoModelFactory):
    class Meta:
        model = m.DataFlow

    source = factory.SubFactory(DataSystemFactory)
    target = factory.SubFactory(DataSystemFactory, system_type=m.SystemType.ODS)
    data = "Special education program associations"
    frequency = "nightly"
    method = m.FlowMethod.API


class PlanningDocumentFactory(DjangoModelFactory):
    class Meta:
        model = m.PlanningDocument
        skip_postgeneration_save = True

    kind = m.DocumentKind.USE_CASE
    title = factory.Sequence(lambda n: f"IDEA Part B integration use case {n}")

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        if not create:
            return
        from usecases.templates_data import section_templates

        for position, template in enumerate(section_templates(self.kind)):
            m.DocumentSection.objects.create(document=self, position=position, **template)


class ScopeDocumentFactory(PlanningDocumentFactory):
    kind = m.DocumentKind.SCOPE
    title = factory.Sequence(lambda n: f"Scope {n}")


def section_of(document, key="need"):
    return document.sections.get(key=key)


class RiskFactory(DjangoModelFactory):
    class Meta:
        model = m.Risk

    document = factory.SubFactory(PlanningDocumentFactory)
    description = "Shortage of technical staff to support LEAs"
    likelihood = m.Level.MEDIUM
    impact = m.Level.HIGH
    mitigation = "Virtual training modules for LEAs"
    owner = factory.SubFactory(StakeholderFactory)


class DataRequirementFactory(DjangoModelFactory):
    class Meta:
        model = m.DataRequirement

    document = factory.SubFactory(PlanningDocumentFactory)
    data_system = factory.SubFactory(DataSystemFactory)
    elements = "Exit reason, exit date, disability category"


class StakeholderImpactFactory(DjangoModelFactory):
    class Meta:
        model = m.StakeholderImpact

    document = factory.SubFactory(PlanningDocumentFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)
    impact = "Fewer manual file preparations"
    data_access = "Annual internal reports"


class ScopeItemFactory(DjangoModelFactory):
    class Meta:
        model = m.ScopeItem

    document = factory.SubFactory(ScopeDocumentFactory)
    category = m.ScopeCategory.IN_SCOPE
    text = "Child count (FS002/FS089) from the integrated source"


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = m.Decision

    category = m.DecisionCategory.OTHER
    title = factory.Sequence(lambda n: f"Decision {n}")
    question = "Which vendor certification level is required?"


class CommunicationItemFactory(DjangoModelFactory):
    class Meta:
        model = m.CommunicationItem

    audience = "LEA special-education directors"
    message = "Changes to the exiting data submission"
    channel = "Webinar"
    frequency = "monthly"
    owner = "Part B Data Manager"
    next_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))


class ChecklistTaskFactory(DjangoModelFactory):
    class Meta:
        model = m.ChecklistTask

    number = factory.Sequence(lambda n: f"9.{n}")
    level = m.ChecklistLevel.TASK
    title = "Extra project task"


class InstrumentFactory(DjangoModelFactory):
    class Meta:
        model = m.Instrument

    name = factory.Sequence(lambda n: f"Instrument {n}")


class DimensionFactory(DjangoModelFactory):
    class Meta:
        model = m.Dimension

    instrument = factory.SubFactory(InstrumentFactory)
    title = "Communication processes"


class AssessmentItemFactory(DjangoModelFactory):
    class Meta:
        model = m.AssessmentItem

    dimension = factory.SubFactory(DimensionFactory)
    text = "LEAs receive timely information about data changes."
    level_1 = "Never"
    level_2 = "Sometimes"
    level_3 = "Usually"
    level_4 = "Always, with feedback"


class AssessmentRoundFactory(DjangoModelFactory):
    class Meta:
        model = m.AssessmentRound

    instrument = factory.SubFactory(InstrumentFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
