"""What leaves the archive: the paper copy (R-ARC-2) and the state-archive package (R-ARC-4).

Both are built from the archive's own storage, never from the cabinet, and both are logged by
the caller (`services.record_access`). The package is a zip:

    manifest.json      case, court, transfer, retention, every item (path, kind, title,
                       sha256, size), every signature (CMS, data and evidence paths, time,
                       verdict at archiving) and the ledger head
    documents/…        the materials in their original format (R-ARC-1), the signed
                       manifests and payloads, the inventory
    signatures/…       the CMS files (.p7s)
    evidence/…         the validation evidence of each signature (.json)
    ledger.json        the archive's hash chain, so the receiving archive can recompute it

Item files are named `<position>-<sha256>.<ext>`; the receiver checks each against the
manifest. Disposed items are not in the package.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from typing import IO, Any

from django.utils import timezone, translation

from sotkabinet.documents.pdf import render_pdf
from sotkabinet.documents.qr import qr_svg

from . import evidence as evidence_module
from . import storage
from .ledger import timestamp
from .models import ArchiveItem, ArchiveTransfer, ItemKind

EXPORT_FORMAT = "sotkabinet-archive-export/1"
PAPER_COPY_TEMPLATE = "archive/paper_copy.html"

_FOLDERS = {
    ItemKind.FILING_SIGNATURE: "signatures",
    ItemKind.ACT_SIGNATURE: "signatures",
    ItemKind.LEGAL_FORCE_SIGNATURE: "signatures",
    ItemKind.INVENTORY_SIGNATURE: "signatures",
    ItemKind.EVIDENCE: "evidence",
}


def item_path(item: ArchiveItem) -> str:
    folder = _FOLDERS.get(item.kind, "documents")
    return f"{folder}/{item.position:04d}-{item.sha256}.{item.extension}"


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def export_manifest(transfer: ArchiveTransfer, items: list[ArchiveItem]) -> dict[str, Any]:
    case = transfer.case
    paths = {item.pk: item_path(item) for item in items}
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "case": {
            "number": case.number,
            "proceeding": case.proceeding,
            "category": case.category,
            "judge": {"login": case.judge.login, "full_name": case.judge.full_name},
            "legal_force_date": transfer.legal_force_date.isoformat(),
        },
        "court": {"code": transfer.court.code, "name": transfer.court.name},
        "transfer": {
            "id": transfer.pk,
            "transferred_at": transfer.transferred_at.isoformat(),
            "inventory_sha256": transfer.inventory_sha256,
            "inventory_signer": transfer.inventory_signer.login,
        },
        "retention": {
            "until": transfer.retention_until.isoformat() if transfer.retention_until else None,
            "permanent": transfer.permanent,
            "basis": transfer.retention_basis,
        },
        "items": [
            {
                "id": item.pk,
                "position": item.position,
                "kind": item.kind,
                "title": item.title,
                "sha256": item.sha256,
                "size": item.size,
                "content_type": item.content_type,
                "in_inventory": item.in_inventory,
                "path": paths[item.pk],
            }
            for item in items
        ],
        "signatures": [
            {
                "title": record.title,
                "signature": paths.get(record.signature_item_id),
                "data": paths.get(record.data_item_id),
                "evidence": paths.get(record.evidence_item_id),
                "validated_at": record.validated_at.isoformat(),
                "required_identity": record.required_identity or None,
                "verdict_at_archiving": record.archived_verdict,
            }
            for record in transfer.signatures.order_by("pk")
        ],
        "ledger": {"length": transfer.ledger_length, "head": transfer.ledger_head},
    }


def export_package(transfer: ArchiveTransfer) -> IO[bytes]:
    """The zip for the state archive (R-ARC-4) as a temporary file positioned at 0.

    Items are streamed from archive storage into the zip; a file that no longer has its hash
    raises storage.ContentMismatch (an archive must not export a damaged item as authentic).
    """
    items = list(transfer.items.filter(disposed_at__isnull=True).order_by("position"))
    package = tempfile.TemporaryFile()  # noqa: SIM115 (returned to the caller, who closes it)
    with zipfile.ZipFile(package, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", _json(export_manifest(transfer, items)))
        for item in items:
            digest = storage.stored_digest(item.sha256)
            if digest != (item.sha256, item.size):
                raise storage.ContentMismatch(f"item {item.pk} does not match its hash")
            with (
                storage.open_item(item.sha256) as source,
                archive.open(item_path(item), "w") as target,
            ):
                shutil.copyfileobj(source, target, storage.CHUNK)
        ledger = [
            {
                "seq": entry.seq,
                "at": timestamp(entry.at),
                "kind": entry.kind,
                "payload": entry.payload,
                "prev_hash": entry.prev_hash,
                "hash": entry.hash,
            }
            for entry in transfer.ledger.order_by("seq")
        ]
        archive.writestr("ledger.json", _json({"archive": transfer.pk, "entries": ledger}))
    package.seek(0)
    return package


def _signature_rows(transfer: ArchiveTransfer) -> list[dict[str, Any]]:
    """Signers and verdicts for the paper copy: re-verified now from the stored evidence."""
    rows = []
    for record in transfer.signatures.select_related(
        "signature_item", "data_item", "evidence_item"
    ).order_by("pk"):
        parts = (record.signature_item, record.data_item, record.evidence_item)
        signers = (record.archived_verdict or {}).get("signers", [])
        if any(part.disposed_at is not None for part in parts):
            valid, reason = None, "disposed"
        else:
            try:
                evidence = evidence_module.load(storage.read_bytes(parts[2].sha256) or b"")
                cms, data = storage.read_bytes(parts[0].sha256), storage.read_bytes(parts[1].sha256)
                if cms is None or data is None:
                    valid, reason = False, "tampered"
                else:
                    verdict = evidence_module.reverify(cms, data, evidence)
                    valid, reason = verdict.valid, verdict.reason
                    signers = [signer.to_dict() for signer in verdict.signers] or signers
            except evidence_module.EvidenceError:
                valid, reason = False, "malformed"
        rows.append(
            {
                "title": record.title,
                "position": record.signature_item.position,
                "signers": signers,
                "validated_at": timezone.localtime(record.validated_at, transfer.court.tzinfo),
                "valid": valid,
                "reason": reason,
            }
        )
    return rows


def paper_copy_pdf(transfer: ArchiveTransfer, *, language: str = "kk") -> bytes:
    """The printable copy (R-ARC-2): the inventory with hashes, the signers and verdicts, and a
    QR code of the inventory hash (scan it, compare it with the stored inventory's SHA-256)."""
    items = list(transfer.items.order_by("position"))
    with translation.override(language):
        return render_pdf(
            PAPER_COPY_TEMPLATE,
            {
                "language": language,
                "transfer": transfer,
                "case": transfer.case,
                "court": transfer.court,
                "items": items,
                "signatures": _signature_rows(transfer),
                "transferred_at": timezone.localtime(
                    transfer.transferred_at, transfer.court.tzinfo
                ),
                "printed_at": timezone.localtime(timezone.now(), transfer.court.tzinfo),
                "qr": qr_svg(f"sha256:{transfer.inventory_sha256}", size="32mm"),
            },
        )
