"""REST endpoints for ЭЦҚ: verification and sign-in (docs/api.md)."""

from __future__ import annotations

import base64
import binascii

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sotkabinet.accounts.language import remember_language, request_language
from sotkabinet.accounts.services import token_for
from sotkabinet.signatures import signin
from sotkabinet.signatures.services import check_verify_request, verify_signature
from sotkabinet.throttling import (
    AddressRateThrottle,
    ClientRateThrottle,
    EcpLoginRateThrottle,
)

# A CMS over a canonical payload is a few KiB; 8 MiB of base64 leaves room for attached documents
# while staying under DATA_UPLOAD_MAX_MEMORY_SIZE-sized bodies being refused earlier anyway.
MAX_CMS_CHARS = 8 * 1024 * 1024


class Base64Field(serializers.CharField):
    """Standard base64 text, decoded to bytes."""

    def to_internal_value(self, data) -> bytes:
        text = super().to_internal_value(data)
        try:
            return base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("Not valid base64.") from None


SIGNER_FIELDS = {
    "iin": serializers.CharField(allow_null=True),
    "bin": serializers.CharField(allow_null=True),
    "full_name": serializers.CharField(allow_null=True),
    "organization": serializers.CharField(allow_null=True),
    "certificate_serial": serializers.CharField(),
    "issuer": serializers.CharField(),
    "not_before": serializers.DateTimeField(),
    "not_after": serializers.DateTimeField(),
    "key_usage": serializers.ChoiceField(choices=["sign", "auth"]),
    "signing_time": serializers.DateTimeField(allow_null=True),
    "algorithm": serializers.CharField(),
}
verdict_schema = inline_serializer(
    "SignatureVerdict",
    {
        "valid": serializers.BooleanField(),
        "reason": serializers.CharField(allow_null=True),
        "signers": inline_serializer("SignatureVerdictSigner", SIGNER_FIELDS, many=True),
    },
)


class SignatureVerifyInput(serializers.Serializer):
    cms = serializers.CharField(max_length=MAX_CMS_CHARS, trim_whitespace=True)
    data = Base64Field(required=False, allow_null=True, default=None)
    purpose = serializers.ChoiceField(choices=["sign", "auth"], default="sign")


class VerifyView(APIView):
    """Verify a CMS against the portal's trust store now (SPEC R-ECP-1). Any signed-in user."""

    throttle_classes = [ClientRateThrottle]
    throttle_scope = "signature_verify"

    @extend_schema(request=SignatureVerifyInput, responses={200: verdict_schema})
    def post(self, request):
        data = SignatureVerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        check_verify_request(data.validated_data["cms"], data.validated_data["data"])
        verdict = verify_signature(
            data.validated_data["cms"],
            data=data.validated_data["data"],
            purpose=data.validated_data["purpose"],
        )
        return Response(verdict.to_dict())


class EcpChallengeView(APIView):
    """A single-use challenge for sign-in and registration (R-FIL-1): sign its UTF-8 bytes as an
    attached CMS. The text names the portal and the purpose (signin.py); it has no browser
    session, so the web pages refuse it."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "sign_in"

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "EcpChallenge",
                {"nonce": serializers.CharField(), "expires_at": serializers.DateTimeField()},
            )
        },
    )
    def post(self, request):
        nonce = signin.challenge_issue(request=request)
        return Response({"nonce": nonce.value, "expires_at": nonce.expires_at.isoformat()})


class EcpSignInInput(serializers.Serializer):
    nonce = serializers.CharField(max_length=signin.MAX_NONCE_CHARS)
    cms = serializers.CharField(max_length=MAX_CMS_CHARS)


class EcpSignInView(APIView):
    """Sign in with ЭЦҚ; the account is created on first sign-in (R-FIL-1)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AddressRateThrottle, EcpLoginRateThrottle]
    throttle_scope = "sign_in"

    @extend_schema(
        request=EcpSignInInput,
        responses={
            200: inline_serializer(
                "EcpToken", {"token": serializers.CharField(), "login": serializers.CharField()}
            )
        },
    )
    def post(self, request):
        data = EcpSignInInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = signin.ecp_sign_in(**data.validated_data)
        if result.created:  # an account made at the first sign-in (issue 10)
            remember_language(result.user, request_language(request))
        return Response({"token": token_for(result.user), "login": result.user.login})
