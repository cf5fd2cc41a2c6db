"""REST endpoints of the state duty (docs/api.md).

SPEC R-FIL-5 (quote, online payment, bank receipt, receipt check), R-REG-4 (the signed gateway
callback), R-FIL-6 (deferral), R-FIL-9 (additional payments on existing filings).
Views parse input, check access and call `filings.duty`. Actions on a filing are the applicant's
(author or principal): court staff who may see the filing get 403, anyone else 404.
"""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sotkabinet.accounts.access import can
from sotkabinet.api import idempotent
from sotkabinet.documents.upload import (
    LimitedUploadMixin,
    ensure_not_too_large,
    set_upload_limit,
)
from sotkabinet.errors import DomainError, Forbidden, NotFound

from .. import duty as duty_services
from ..models import Attachment, DeferralGround, FilingKind, Proceeding
from ..models import Filing as FilingModel
from ..services import attachment_max_bytes


def _filing_for(request, pk: int) -> FilingModel:
    """The filing if the caller is its applicant; 404 if they may not see it, 403 if only see."""
    filing = get_object_or_404(FilingModel.objects.select_related("court"), pk=pk)
    if not can(request.user, "view", filing):
        raise NotFound()
    if not can(request.user, "edit", filing):
        raise Forbidden()
    return filing


# --- quote ----------------------------------------------------------------------------------


class DutyQuoteInput(serializers.Serializer):
    proceeding = serializers.ChoiceField(choices=Proceeding.choices)
    kind = serializers.ChoiceField(choices=FilingKind.choices)
    claim_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )
    applicant_kind = serializers.ChoiceField(
        choices=["individual", "legal_entity"],
        required=False,
        help_text="Defaults to the caller's own kind.",
    )


QuoteOutput = inline_serializer(
    "DutyQuote",
    {
        "amount": serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True),
        "basis": serializers.CharField(),
        "mci": serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True),
        "mci_year": serializers.IntegerField(allow_null=True),
    },
)


class DutyQuoteView(APIView):
    """The state duty for a document from the tariff table (R-FIL-5). `amount` null: no duty."""

    @extend_schema(parameters=[DutyQuoteInput], responses={200: QuoteOutput})
    def get(self, request):
        data = DutyQuoteInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        quote = duty_services.duty_quote_details(
            values["proceeding"],
            values["kind"],
            values.get("claim_amount"),
            values.get("applicant_kind") or request.user.kind,
        )
        return Response(
            {
                "amount": str(quote.amount) if quote.amount is not None else None,
                "basis": quote.basis,
                "mci": str(quote.mci.amount) if quote.mci else None,
                "mci_year": quote.mci.year if quote.mci else None,
            }
        )


# --- online payment -------------------------------------------------------------------------


class DutyPaymentInput(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        help_text="Defaults to what is still due (the duty less confirmed payments); a smaller "
        "amount is a part payment. Give it for an additional payment (R-FIL-9).",
    )


PaymentOutput = inline_serializer(
    "PaymentStarted",
    {
        "id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "amount": serializers.DecimalField(max_digits=18, decimal_places=2),
        "reference": serializers.CharField(),
        "redirect_url": serializers.URLField(),
    },
)


class FilingPaymentView(APIView):
    """Start an online payment; send the payer to `redirect_url` (R-FIL-5, R-FIL-9).

    Issue 9: the payment counts only when the gateway confirms exactly its `amount`, and the
    duty is `paid` only once the confirmed payments cover it.
    """

    @extend_schema(request=DutyPaymentInput, responses={201: PaymentOutput})
    @idempotent
    def post(self, request, pk: int):
        filing = _filing_for(request, pk)
        data = DutyPaymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        payment = duty_services.payment_start(
            acting_user=request.user, filing=filing, amount=data.validated_data.get("amount")
        )
        return Response(
            {
                "id": payment.pk,
                "status": payment.status,
                "amount": str(payment.amount),
                "reference": payment.reference,
                "redirect_url": duty_services.payment_redirect_url(payment),
            },
            status=status.HTTP_201_CREATED,
        )


CallbackInput = inline_serializer(
    "PaymentCallback",
    {
        "reference": serializers.CharField(),
        "status": serializers.ChoiceField(choices=["paid", "failed"]),
        "amount": serializers.DecimalField(max_digits=18, decimal_places=2),
        "receipt_code": serializers.CharField(required=False),
        "transaction_id": serializers.CharField(required=False),
        "paid_at": serializers.DateTimeField(required=False),
    },
)


class PaymentCallbackView(APIView):
    """The gateway's notice (R-REG-4). Public; authenticated by the HMAC signature header.

    `X-Gateway-Signature: <hex HMAC-SHA256 of the raw body under PAYMENT_GATEWAY_SECRET>`.
    Idempotent: replays return 200 and change nothing. A bad signature: 400 `bad_signature`.
    A `paid` notice whose amount differs from the payment's is not counted: the payment is
    recorded as `mismatch` and the answer is 409 `amount_mismatch` (issue 9).
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=CallbackInput,
        parameters=[
            OpenApiParameter(
                duty_services.SIGNATURE_HEADER,
                str,
                location=OpenApiParameter.HEADER,
                required=True,
                description="Hex HMAC-SHA256 of the raw body.",
            )
        ],
        responses={
            200: inline_serializer(
                "PaymentCallbackResult",
                {
                    "reference": serializers.CharField(),
                    "status": serializers.CharField(),
                    "receipt_code": serializers.CharField(allow_null=True),
                },
            )
        },
    )
    def post(self, request):
        payment = duty_services.payment_callback(
            request.body, request.headers.get(duty_services.SIGNATURE_HEADER)
        )
        return Response(
            {
                "reference": payment.reference,
                "status": payment.status,
                "receipt_code": payment.receipt_code,
            }
        )


# --- bank receipt and receipt check ---------------------------------------------------------


class DutyReceiptInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)  # `empty` in the attachment's errors
    code = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=500, required=False)


class FilingReceiptView(LimitedUploadMixin, APIView):
    """Upload a bank receipt scan with the "attach receipt" mark (R-FIL-5): duty status `receipt`.

    The file goes through the normal attachment path (stored, then validated in the worker), so
    the answer is the attachment object with `status: pending`.
    """

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": DutyReceiptInput},
        responses={201: inline_serializer("ReceiptAttachment", {"id": serializers.IntegerField()})},
    )
    @idempotent
    def post(self, request, pk: int):
        filing = _filing_for(request, pk)
        set_upload_limit(request, attachment_max_bytes(filing))
        data = DutyReceiptInput(data=request.data)
        ensure_not_too_large(request)
        data.is_valid(raise_exception=True)
        attachment = duty_services.receipt_upload(
            acting_user=request.user,
            filing=filing,
            uploaded=data.validated_data["file"],
            code=data.validated_data["code"],
            title=data.validated_data.get("title"),
        )
        return Response(attachment_data(attachment), status=status.HTTP_201_CREATED)


def attachment_data(attachment: Attachment) -> dict:
    """The attachment object (plus `receipt_code`)."""
    return {
        "id": attachment.pk,
        "kind": attachment.kind,
        "title": attachment.title,
        "filename": attachment.filename,
        "original_filename": attachment.original_filename,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "detected_format": attachment.detected_format,
        "status": attachment.status,
        "errors": attachment.errors,
        "receipt_code": attachment.receipt_code,
    }


class PaymentCheckView(APIView):
    """ "Check payment receipt" by the receipt's unique code (R-FIL-5). Unknown code: 404.

    Tells no more than the receipt's holder knows (issue 9): the filing, court, payer and
    gateway reference only to someone who may see the filing, null for everyone else
    (`filings.duty.receipts.receipt_check`).
    """

    @extend_schema(
        parameters=[OpenApiParameter("code", str, required=True)],
        responses={
            200: inline_serializer(
                "ReceiptDetails",
                {
                    "code": serializers.CharField(),
                    "source": serializers.ChoiceField(choices=["gateway", "bank_receipt"]),
                    "verified": serializers.BooleanField(),
                    "used": serializers.BooleanField(),
                    "status": serializers.CharField(),
                    "amount": serializers.CharField(allow_null=True),
                    "paid_at": serializers.DateTimeField(allow_null=True),
                    "reference": serializers.CharField(allow_null=True),
                    "payer": serializers.JSONField(allow_null=True),
                    "filing": serializers.IntegerField(allow_null=True),
                    "filing_number": serializers.CharField(allow_null=True),
                    "court": serializers.CharField(allow_null=True),
                    "uploaded_at": serializers.DateTimeField(allow_null=True),
                },
            )
        },
    )
    def get(self, request):
        code = request.query_params.get("code", "")
        return Response(duty_services.receipt_check(code, viewer=request.user))


# --- deferral -------------------------------------------------------------------------------


class DutyDeferralInput(serializers.Serializer):
    # A plain string, so an unknown ground reaches the service and gets `invalid_ground`.
    ground = serializers.CharField(
        max_length=32, help_text="One of: " + ", ".join(DeferralGround.values)
    )
    explanation = serializers.CharField(max_length=20000)
    proof = serializers.IntegerField(help_text="Id of an attachment of this filing.")


class FilingDeferralView(APIView):
    """Ask to defer the state duty on one of the seven grounds (R-FIL-6)."""

    @extend_schema(
        request=DutyDeferralInput,
        responses={
            201: inline_serializer(
                "Deferral",
                {
                    "id": serializers.IntegerField(),
                    "filing": serializers.IntegerField(),
                    "ground": serializers.CharField(),
                    "explanation": serializers.CharField(),
                    "proof": serializers.IntegerField(),
                    "duty_status": serializers.CharField(),
                    "created_at": serializers.DateTimeField(),
                },
            )
        },
    )
    @idempotent
    def post(self, request, pk: int):
        filing = _filing_for(request, pk)
        data = DutyDeferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        proof = Attachment.objects.filter(pk=data.validated_data["proof"], filing=filing).first()
        if proof is None:
            raise DomainError("invalid", details={"proof": "Attach the proof to this filing."})
        deferral = duty_services.deferral_request(
            acting_user=request.user,
            filing=filing,
            ground=data.validated_data["ground"],
            explanation=data.validated_data["explanation"],
            proof=proof,
        )
        return Response(
            {
                "id": deferral.pk,
                "filing": filing.pk,
                "ground": deferral.ground,
                "explanation": deferral.explanation,
                "proof": deferral.proof_id,
                "duty_status": deferral.filing.duty_status,
                "created_at": deferral.created_at,
            },
            status=status.HTTP_201_CREATED,
        )
