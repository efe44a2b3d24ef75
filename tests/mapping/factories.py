"""factory-boy factories for the mapping app, with realistic Ed-Fi and state values."""

import factory
from factory.django import DjangoModelFactory

from mapping import models
from tests.usecases.factories import DataSystemFactory
from usecases.models import SystemType


class DataStandardVersionFactory(DjangoModelFactory):
    class Meta:
        model = models.DataStandardVersion
        django_get_or_create = ("version",)

    version = "5.2.0"
    licence = "Apache-2.0"


class EdFiResourceFactory(DjangoModelFactory):
    class Meta:
        model = models.EdFiResource
        django_get_or_create = ("version", "name")

    version = factory.SubFactory(DataStandardVersionFactory)
    name = "Student"
    kind = "Domain Entity"
    primary_domain = "Student Identification and Demographics"
    api_endpoint = "/ed-fi/students"
    identity = ["StudentUniqueId"]


class DescriptorFactory(DjangoModelFactory):
    class Meta:
        model = models.Descriptor
        django_get_or_create = ("version", "name")

    version = factory.SubFactory(DataStandardVersionFactory)
    name = "SexDescriptor"
    namespace = factory.LazyAttribute(lambda d: f"uri://ed-fi.org/{d.name}")


class DescriptorValueFactory(DjangoModelFactory):
    class Meta:
        model = models.DescriptorValue
        django_get_or_create = ("descriptor", "code_value")

    descriptor = factory.SubFactory(DescriptorFactory)
    code_value = "Female"
    short_description = factory.LazyAttribute(lambda v: v.code_value)


class EdFiPropertyFactory(DjangoModelFactory):
    class Meta:
        model = models.EdFiProperty
        django_get_or_create = ("resource", "path")

    resource = factory.SubFactory(EdFiResourceFactory)
    path = "BirthDate"
    name = factory.LazyAttribute(lambda p: p.path.rsplit(".", 1)[-1])
    data_type = "date"
    required = True
    definition = "The month, day, and year on which an individual was born."
    api_path = "$.birthDate"


class MappingPlanFactory(DjangoModelFactory):
    class Meta:
        model = models.MappingPlan
        django_get_or_create = ("name",)

    name = "Statewide Ed-Fi mapping"
    data_standard_version = factory.SubFactory(DataStandardVersionFactory)


class StateCollectionFactory(DjangoModelFactory):
    class Meta:
        model = models.StateCollection
        django_get_or_create = ("plan", "name")

    plan = factory.SubFactory(MappingPlanFactory)
    name = "Fall Child Count"


class StateCodeSetFactory(DjangoModelFactory):
    class Meta:
        model = models.StateCodeSet
        django_get_or_create = ("plan", "name")

    plan = factory.SubFactory(MappingPlanFactory)
    name = "Sex"


class StateCodeFactory(DjangoModelFactory):
    class Meta:
        model = models.StateCode

    code_set = factory.SubFactory(StateCodeSetFactory)
    code = factory.Sequence(lambda n: f"C{n:03d}")
    description = "Female"


class StateElementFactory(DjangoModelFactory):
    class Meta:
        model = models.StateElement

    collection = factory.SubFactory(StateCollectionFactory)
    name = factory.Sequence(lambda n: f"Student Birth Date {n}")
    definition = "The student's date of birth."
    data_type = models.DataType.DATE
    required = True


class ElementMappingFactory(DjangoModelFactory):
    class Meta:
        model = models.ElementMapping
        skip_postgeneration_save = True

    element = factory.SubFactory(StateElementFactory)
    kind = models.MappingKind.NOT_MAPPED

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if create and extracted:
            self.targets.set(extracted)


class MappingFeedbackFactory(DjangoModelFactory):
    class Meta:
        model = models.MappingFeedback

    mapping = factory.SubFactory(ElementMappingFactory)
    body = "This does not match our practice: we record the date from the birth certificate."


class DescriptorMappingFactory(DjangoModelFactory):
    class Meta:
        model = models.DescriptorMapping

    state_code = factory.SubFactory(StateCodeFactory)
    descriptor_value = factory.SubFactory(DescriptorValueFactory)


class LocalCodeSetFactory(DjangoModelFactory):
    class Meta:
        model = models.LocalCodeSet

    lea = factory.SubFactory("tests.factories.LEAFactory")
    state_code_set = factory.SubFactory(StateCodeSetFactory)
    name = factory.Sequence(lambda n: f"Local incident codes {n}")


class LocalCodeFactory(DjangoModelFactory):
    class Meta:
        model = models.LocalCode

    local_code_set = factory.SubFactory(LocalCodeSetFactory)
    code = factory.Sequence(lambda n: f"L{n:03d}")
    description = "Vaping on campus"
    state_code = factory.SubFactory(
        StateCodeFactory, code_set=factory.SelfAttribute("..local_code_set.state_code_set")
    )


class CoverageRunFactory(DjangoModelFactory):
    class Meta:
        model = models.CoverageRun

    plan = factory.SubFactory(MappingPlanFactory)
    element_count = 10
    mapped_percent = 50
    result = factory.LazyFunction(lambda: {"counting": "approved"})


class SeedDataElementFactory(DjangoModelFactory):
    class Meta:
        model = models.SeedDataElement

    plan = factory.SubFactory(MappingPlanFactory)
    category = models.SeedCategory.EDUCATION_ORGANIZATIONS
    element = "Schools and LEAs"
    authoritative_source = factory.SubFactory(
        DataSystemFactory,
        name=factory.Sequence(lambda n: f"State education directory {n}"),
        system_type=SystemType.OTHER,
    )
    delivery = "The SEA loads the directory into each year's ODS before LEA loads open."


class ExtensionFactory(DjangoModelFactory):
    class Meta:
        model = models.Extension

    plan = factory.SubFactory(MappingPlanFactory)
    name = "Student dyslexia screening"
    proposed_elements = "StudentDyslexiaScreening.ScreeningDate"
    category = models.ExtensionCategory.LIKELY_SHARED
    justification = "State law requires dyslexia screening results."


class PracticeChangeFactory(DjangoModelFactory):
    class Meta:
        model = models.PracticeChange

    plan = factory.SubFactory(MappingPlanFactory)
    description = "Attendance aggregation moves from vendors to the state."


class LineageAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = models.LineageAssignment

    plan = factory.SubFactory(MappingPlanFactory)
    resource = factory.SubFactory(EdFiResourceFactory)
    source_system = models.SourceSystemType.SIS
    load_order = 1
