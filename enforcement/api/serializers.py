"""Input and output shapes of the enforcement API (docs/api.md)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from rest_framework import serializers

from sotkabinet.accounts.identity import is_valid_identity_number
from sotkabinet.courts.models import District

from ..models import BAILIFF_STATUSES, OutboxStatus, Writ, WritCategory
from ..policies import is_court_side

# Categories whose writ is for a sum of money (002 п.4): the amount is required.
SUM_CATEGORIES = frozenset(
    {WritCategory.INDIVIDUAL_SUM, WritCategory.LEGAL_ENTITY_SUM, WritCategory.STATE_SUM}
)


def validate_identity(value: str) -> str:
    if not is_valid_identity_number(value):
        raise serializers.ValidationError("12 digits with a correct control digit are required.")
    return value


def validate_district(value: str) -> str:
    if not District.objects.filter(code=value).exists():
        raise serializers.ValidationError("Unknown district code (see GET /api/v1/districts/).")
    return value


class ClaimantInput(serializers.Serializer):
    name = serializers.CharField(max_length=500)
    iin_bin = serializers.CharField(max_length=12, validators=[validate_identity])
    district = serializers.CharField(max_length=32, required=False, validators=[validate_district])


class DebtorInput(ClaimantInput):
    district = serializers.CharField(max_length=32, validators=[validate_district])


class WritCreateInput(serializers.Serializer):
    claimant = ClaimantInput()
    debtor = DebtorInput()
    category = serializers.ChoiceField(choices=WritCategory.choices)
    amount = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
    )
    immediate = serializers.BooleanField(default=False)
    state_interest = serializers.BooleanField(
        default=False, help_text="Non-property writ executed in the state's interest (002 п.4)."
    )

    def validate(self, attrs: dict) -> dict:
        if attrs["category"] in SUM_CATEGORIES and attrs.get("amount") is None:
            raise serializers.ValidationError({"amount": "Required for a sum of money."})
        return attrs


class CmsInput(serializers.Serializer):
    cms = serializers.CharField(help_text="Base64 CMS over the signing payload.")


class BailiffStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(BAILIFF_STATUSES))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


def _person(user) -> dict | None:
    return user.as_person() if user is not None else None


def _signature(signer, signed_at, verdict) -> dict | None:
    if signer is None:
        return None
    return {
        "signer": signer.as_person(),
        "signed_at": signed_at.isoformat() if signed_at else None,
        "verdict": verdict,
    }


def writ_representation(writ: Writ, user) -> dict:
    """The writ object (docs/api.md), plus the signatures, the act's copy and the dispatch state."""
    base_url = settings.PORTAL_BASE_URL.rstrip("/")
    data = {
        "id": writ.pk,
        "number": writ.number,
        "act": writ.act_id,
        "case": writ.case_id,
        "court": writ.court.code,
        "status": writ.status,
        "category": writ.category,
        "debtor": writ.debtor,
        "claimant": writ.claimant,
        "amount": None if writ.amount is None else f"{writ.amount:.2f}",
        "immediate": writ.immediate,
        "state_interest": writ.state_interest,
        "enforcement_number": writ.enforcement_number or None,
        "registered_at": writ.registered_at.isoformat() if writ.registered_at else None,
        "bailiff": _person(writ.bailiff),
        "distributed_at": writ.distributed_at.isoformat() if writ.distributed_at else None,
        "distribution_deadline": (
            writ.distribution_deadline.isoformat() if writ.distribution_deadline else None
        ),
        "distribution_overdue": writ.distribution_overdue_at is not None,
        "act_copy": {
            "id": writ.act_id,
            "sha256": writ.act_sha256,
            "document_url": f"{base_url}/api/v1/acts/{writ.act_id}/document/",
        },
        "signatures": {
            "judge": _signature(
                writ.judge_signer, writ.judge_signed_at, writ.judge_signature_verdict
            ),
            "secretary": _signature(
                writ.secretary_signer, writ.secretary_signed_at, writ.secretary_signature_verdict
            ),
        },
        "created_at": writ.created_at.isoformat(),
        "history": [
            {"at": event.at.isoformat(), "status": event.status, "note": event.note}
            for event in writ.events.all()
        ],
    }
    if is_court_side(user, writ):
        message = writ.outbox_messages.order_by("-created_at", "-id").first()
        data["dispatch"] = (
            None
            if message is None
            else {
                "status": message.status,
                "attempts": message.attempts,
                "next_attempt_at": (
                    message.next_attempt_at.isoformat()
                    if message.status == OutboxStatus.PENDING
                    else None
                ),
                "last_error": message.last_error or None,
                "delivered_at": (
                    message.delivered_at.isoformat() if message.delivered_at else None
                ),
            }
        )
    return data
