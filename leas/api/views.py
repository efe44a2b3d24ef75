from leas.api.serializers import LEASerializer
from leas.filtersets import LEAFilterSet
from leas.models import LEA
from rolloutplanner.api.viewsets import RestrictedModelViewSet


class LEAViewSet(RestrictedModelViewSet):
    model = LEA
    serializer_class = LEASerializer
    filterset_class = LEAFilterSet
    ordering_fields = ["name", "enrollment", "state_lea_id"]
