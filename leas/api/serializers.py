from rest_framework import serializers

from leas.models import LEA


class LEASerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:lea-detail")
    sis_vendor = serializers.PrimaryKeyRelatedField(
        queryset=LEA._meta.get_field("sis_vendor").related_model.objects.filter(product_type="sis"),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = LEA
        fields = [
            "id",
            "url",
            "name",
            "state_lea_id",
            "nces_id",
            "enrollment",
            "capacity",
            "urbanicity",
            "region",
            "poverty_level",
            "sis_vendor",
        ]
