from rest_framework import serializers

from vendors.models import Vendor


class VendorSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:vendor-detail")

    class Meta:
        model = Vendor
        fields = ["id", "url", "name", "product_name", "product_type", "website"]
