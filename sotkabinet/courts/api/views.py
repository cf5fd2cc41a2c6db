from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from sotkabinet.courts.models import Court, District


class CourtSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Court
        fields = ["id", "code", "name", "instance", "timezone", "district"]


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name", "region"]


class CourtList(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CourtSerializer
    queryset = Court.objects.select_related("district").order_by("code")


class DistrictList(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = DistrictSerializer
    queryset = District.objects.order_by("code")
