from leas.filtersets import LEAFilterSet
from leas.forms import LEAForm
from leas.models import LEA
from rolloutplanner.views import generic

LEA_DETAIL_FIELDS = [
    "state_lea_id",
    "nces_id",
    "enrollment",
    "capacity",
    "urbanicity",
    "region",
    "poverty_level",
    "sis_vendor",
]


class LEAListView(generic.ObjectListView):
    model = LEA
    filterset_class = LEAFilterSet
    select_related = ("sis_vendor",)
    columns = [
        ("name", "Name"),
        ("state_lea_id", "State LEA id"),
        ("enrollment", "Enrollment"),
        ("get_urbanicity_display", "Urbanicity"),
        ("region", "Region"),
        ("get_poverty_level_display", "Poverty level"),
        ("sis_vendor", "SIS"),
    ]


class LEADetailView(generic.ObjectDetailView):
    model = LEA
    select_related = ("sis_vendor",)
    detail_fields = LEA_DETAIL_FIELDS


class LEACreateView(generic.ObjectCreateView):
    model = LEA
    form_class = LEAForm


class LEAUpdateView(generic.ObjectUpdateView):
    model = LEA
    form_class = LEAForm


class LEADeleteView(generic.ObjectDeleteView):
    model = LEA
