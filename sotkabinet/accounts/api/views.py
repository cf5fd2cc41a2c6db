from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sotkabinet.accounts import services
from sotkabinet.accounts.access import court_ids_of, roles_of
from sotkabinet.accounts.language import remember_language, request_language
from sotkabinet.accounts.models import User
from sotkabinet.api import idempotent
from sotkabinet.courts.models import Court
from sotkabinet.throttling import AddressRateThrottle, LoginRateThrottle


class RegisterInput(serializers.Serializer):
    login = serializers.CharField(max_length=12)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    full_name = serializers.CharField(max_length=500)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=User.Kind.choices)
    business_size = serializers.ChoiceField(
        choices=User.BusinessSize.choices, required=False, allow_blank=True, default=""
    )
    # The proof of the holder's key (issue 9): missing ones give `ecp_required`, not a 400 list.
    nonce = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    cms = serializers.CharField(
        max_length=1024 * 1024, required=False, allow_blank=True, default="", trim_whitespace=True
    )


class RegisterView(APIView):
    """Register with ИИН/БИН, a password and the holder's ЭЦҚ over a challenge (R-FIL-1)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=RegisterInput,
        responses={
            201: inline_serializer(
                "Registered",
                {
                    "id": serializers.IntegerField(),
                    "login": serializers.CharField(),
                    "kind": serializers.CharField(),
                },
            )
        },
    )
    @idempotent
    def post(self, request):
        data = RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.account_register(**data.validated_data)
        remember_language(user, request_language(request))  # issue 10: from Accept-Language
        return Response(
            {"id": user.pk, "login": user.login, "kind": user.kind}, status=status.HTTP_201_CREATED
        )


class TokenInput(serializers.Serializer):
    login = serializers.CharField(max_length=64)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenView(APIView):
    """Password sign-in (R-FIL-1). Throttled per client address and per login (issue 9)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AddressRateThrottle, LoginRateThrottle]
    throttle_scope = "sign_in"

    @extend_schema(
        request=TokenInput,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
    )
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.password_sign_in(request=request, **data.validated_data)
        return Response({"token": services.token_for(user)})


class MeView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "Me",
                {
                    "login": serializers.CharField(),
                    "kind": serializers.CharField(),
                    "full_name": serializers.CharField(),
                    "roles": serializers.ListField(child=serializers.CharField()),
                    "courts": serializers.ListField(child=serializers.CharField()),
                },
            )
        }
    )
    def get(self, request):
        user = request.user
        court_codes = list(
            Court.objects.filter(pk__in=court_ids_of(user)).values_list("code", flat=True)
        )
        return Response(
            {
                "login": user.login,
                "kind": user.kind,
                "full_name": user.full_name,
                "roles": sorted(roles_of(user)),
                "courts": sorted(court_codes),
            }
        )
