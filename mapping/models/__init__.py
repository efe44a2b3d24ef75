from mapping.models.catalog import (
    DataStandardVersion,
    Descriptor,
    DescriptorValue,
    EdFiProperty,
    EdFiResource,
)
from mapping.models.coverage import CoverageRun
from mapping.models.mapping import (
    KINDS_WITH_TARGETS,
    DescriptorMapping,
    ElementMapping,
    FeedbackStatus,
    LocalCode,
    LocalCodeSet,
    MappingFeedback,
    MappingKind,
    MappingStatus,
)
from mapping.models.state import (
    DataType,
    MappingPlan,
    StateCode,
    StateCodeSet,
    StateCollection,
    StateElement,
)

__all__ = [
    "KINDS_WITH_TARGETS",
    "CoverageRun",
    "DataStandardVersion",
    "DataType",
    "Descriptor",
    "DescriptorMapping",
    "DescriptorValue",
    "EdFiProperty",
    "EdFiResource",
    "ElementMapping",
    "FeedbackStatus",
    "LocalCode",
    "LocalCodeSet",
    "MappingFeedback",
    "MappingKind",
    "MappingPlan",
    "MappingStatus",
    "StateCode",
    "StateCodeSet",
    "StateCollection",
    "StateElement",
]
