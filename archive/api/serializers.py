"""Input and output shapes of the archive API (docs/api.md)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import ArchiveItem, ArchiveTransfer, DisposalAct


class TransferInput(serializers.Serializer):
    inventory_cms = serializers.CharField(
        help_text="Base64 CMS by the case's judge over the inventory bytes (R-ARC-3)."
    )


class DisposalInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000, help_text="Why: the expert commission's decision and its number."
    )


def item_representation(item: ArchiveItem) -> dict:
    return {
        "id": item.pk,
        "position": item.position,
        "title": item.title,
        "kind": item.kind,
        "sha256": item.sha256,
        "size": item.size,
        "content_type": item.content_type,
        "in_inventory": item.in_inventory,
        "disposed": item.disposed_at is not None,
    }


def transfer_representation(transfer: ArchiveTransfer) -> dict:
    """The transfer object, plus the court, the case number and the retention basis."""
    case = transfer.case
    return {
        "id": transfer.pk,
        "case": case.pk,
        "case_number": case.number,
        "court": transfer.court.code,
        "transferred_at": transfer.transferred_at.isoformat(),
        "transferred_by": transfer.transferred_by.as_person(),
        "inventory_signer": transfer.inventory_signer.as_person(),
        "legal_force_date": transfer.legal_force_date.isoformat(),
        "retention_until": transfer.retention_until.isoformat()
        if transfer.retention_until
        else None,
        "permanent": transfer.permanent,
        "retention_basis": transfer.retention_basis,
        "inventory_sha256": transfer.inventory_sha256,
        "ledger_head": transfer.ledger_head,
        "ledger_length": transfer.ledger_length,
        "last_audit_at": transfer.last_audit_at.isoformat() if transfer.last_audit_at else None,
        "last_audit_ok": transfer.last_audit_ok,
        "disposed_at": transfer.disposed_at.isoformat() if transfer.disposed_at else None,
        "items": [item_representation(item) for item in transfer.items.order_by("position")],
    }


def transfer_summary(transfer: ArchiveTransfer) -> dict:
    return {
        "id": transfer.pk,
        "case": transfer.case_id,
        "case_number": transfer.case.number,
        "court": transfer.court.code,
        "transferred_at": transfer.transferred_at.isoformat(),
        "retention_until": transfer.retention_until.isoformat()
        if transfer.retention_until
        else None,
        "disposed_at": transfer.disposed_at.isoformat() if transfer.disposed_at else None,
    }


def disposal_representation(act: DisposalAct) -> dict:
    return {
        "id": act.pk,
        "archive": act.transfer_id,
        "decided_by": act.decided_by.as_person(),
        "reason": act.reason,
        "basis": act.basis,
        "created_at": act.created_at.isoformat(),
        "items_disposed": act.items_disposed,
        "ledger_seq": act.ledger_seq,
    }
