"""The integrity audit of the archive (SPEC R-ARC-2; README "Operations": `integrity_audit`).

For one archive it checks, without trusting anything the database says about itself:

- items: each stored file is hashed again and compared with the item's SHA-256 and size, and
  with the SHA-256 the ledger recorded when the item was stored (a row changed to match a
  changed file is caught there);
- the inventory: the stored inventory hashes to the transfer's `inventory_sha256` and lists
  exactly the archived materials, in order;
- signatures: every CMS is re-verified over its stored data, at its original signing / receipt
  time, against a TrustStore made only from its stored evidence (`archive.evidence`), so the
  answer does not change when certificates expire or the portal's trust store changes;
- the ledger: the whole chain is recomputed (`archive.ledger.verify_chain`), and the first
  broken sequence number is reported as `break_at`.

Each run is itself appended to the archive's ledger (`audit`), and the archive remembers the
outcome. A break is logged, written to the audit log and sent to the court's archivists.
A run changes nothing else, so running it twice, or concurrently, is harmless.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy

from sotkabinet.core.services import Text, audit, notify

from . import evidence as evidence_module
from . import storage
from .inventory import INVENTORY_PURPOSE
from .ledger import GENESIS, Entry, verify_chain
from .models import ArchiveItem, ArchiveTransfer, ItemKind, LedgerEntry, LedgerKind
from .services import archivists_of, ledger_append

logger = logging.getLogger(__name__)


def _ledger(transfer_id: int):
    """The chain and the recorded head, read together under the head's lock (a concurrent
    append cannot make the two disagree)."""
    with transaction.atomic():
        head = (
            ArchiveTransfer.objects.select_for_update()
            .only("pk", "ledger_length", "ledger_head")
            .get(pk=transfer_id)
        )
        entries = [
            Entry(
                archive=row.transfer_id,
                seq=row.seq,
                at=row.at,
                kind=row.kind,
                payload=row.payload,
                prev_hash=row.prev_hash,
                hash=row.hash,
            )
            for row in head.ledger.order_by("seq")
        ]
    report = verify_chain(
        entries,
        archive=transfer_id,
        expected_length=head.ledger_length,
        expected_head=head.ledger_head or GENESIS,
    )
    return report, entries


def _check_items(items: list[ArchiveItem], recorded: dict[int, str]) -> tuple[list, dict]:
    results, intact = [], {}
    for item in items:
        if item.disposed_at is not None:
            results.append(
                {
                    "id": item.pk,
                    "sha256": item.sha256,
                    "ok": True,
                    "problem": None,
                    "disposed": True,
                }
            )
            continue
        problem = None
        digest = storage.stored_digest(item.sha256)
        if digest is None:
            problem = "missing"
        elif digest != (item.sha256, item.size):
            problem = "hash_mismatch"
        elif recorded.get(item.pk) != item.sha256:
            problem = "ledger_mismatch"
        intact[item.pk] = problem is None
        results.append(
            {
                "id": item.pk,
                "title": item.title,
                "kind": item.kind,
                "sha256": item.sha256,
                "ok": problem is None,
                "problem": problem,
            }
        )
    return results, intact


def _check_inventory(transfer, items: list[ArchiveItem], intact: dict[int, bool], entries):
    inventory = next((item for item in items if item.kind == ItemKind.INVENTORY), None)
    transfer_entry = next((e for e in entries if e.kind == LedgerKind.TRANSFER), None)
    if inventory is None:
        return {"ok": False, "problem": "inventory missing"}
    if inventory.sha256 != transfer.inventory_sha256 or (
        transfer_entry is not None
        and transfer_entry.payload.get("inventory_sha256") != transfer.inventory_sha256
    ):
        return {"ok": False, "problem": "inventory hash differs from the transfer record"}
    if not intact.get(inventory.pk):
        return {"ok": False, "problem": "inventory file damaged"}
    try:
        listed = json.loads(storage.read_bytes(inventory.sha256).decode("utf-8"))
    except (AttributeError, UnicodeDecodeError, ValueError):
        return {"ok": False, "problem": "inventory does not decode"}
    if listed.get("purpose") != INVENTORY_PURPOSE:
        return {"ok": False, "problem": "not an inventory"}
    archived = [
        {"n": n, "kind": item.kind, "title": item.title, "sha256": item.sha256, "size": item.size}
        for n, item in enumerate((item for item in items if item.in_inventory), start=1)
    ]
    if listed.get("items") != archived:
        return {"ok": False, "problem": "archived items differ from the signed inventory"}
    return {"ok": True, "problem": None}


def _check_signatures(transfer, items_by_id: dict[int, ArchiveItem], intact: dict[int, bool]):
    results = []
    for record in transfer.signatures.order_by("pk"):
        parts = [record.signature_item_id, record.data_item_id, record.evidence_item_id]
        if any(items_by_id[part].disposed_at is not None for part in parts):
            results.append(
                {
                    "item": record.signature_item_id,
                    "valid": None,
                    "reason": "disposed",
                    "title": record.title,
                }
            )
            continue
        if not all(intact.get(part) for part in parts):
            valid, reason = False, "tampered"
        else:
            try:
                evidence = evidence_module.load(storage.read_bytes(items_by_id[parts[2]].sha256))
                verdict = evidence_module.reverify(
                    storage.read_bytes(items_by_id[parts[0]].sha256),
                    storage.read_bytes(items_by_id[parts[1]].sha256),
                    evidence,
                )
                valid, reason = verdict.valid, verdict.reason
            except evidence_module.EvidenceError:
                valid, reason = False, "malformed"
        results.append(
            {
                "item": record.signature_item_id,
                "valid": valid,
                "reason": reason,
                "title": record.title,
                "validated_at": record.validated_at.isoformat(),
            }
        )
    return results


def audit_transfer(
    transfer: ArchiveTransfer, *, trigger: str, acting_user=None, record: bool = True
) -> dict[str, Any]:
    """Audit one archive and return its report (module docstring). With `record`, the run is
    appended to the ledger and a break is alerted."""
    chain, entries = _ledger(transfer.pk)
    recorded = {
        entry.payload.get("item"): entry.payload.get("sha256")
        for entry in entries
        if entry.kind == LedgerKind.ITEM
    }
    items = list(transfer.items.order_by("position"))
    item_results, intact = _check_items(items, recorded)
    inventory = _check_inventory(transfer, items, intact, entries)
    signatures = _check_signatures(transfer, {item.pk: item for item in items}, intact)
    ok = (
        chain.ok
        and inventory["ok"]
        and all(result["ok"] for result in item_results)
        and all(result["valid"] is not False for result in signatures)
    )
    report = {
        "id": transfer.pk,
        "case": transfer.case.number,
        "ok": ok,
        "checked_at": timezone.now().isoformat(),
        "items": item_results,
        "signatures": signatures,
        "inventory": inventory,
        "ledger": chain.as_dict(),
    }
    if record:
        _record(transfer, report, trigger=trigger, acting_user=acting_user)
    return report


def _record(transfer: ArchiveTransfer, report: dict, *, trigger: str, acting_user) -> None:
    failed_items = [result["id"] for result in report["items"] if not result["ok"]]
    failed_signatures = [s["item"] for s in report["signatures"] if s["valid"] is False]
    summary = {
        "ok": report["ok"],
        "trigger": trigger,
        "failed_items": failed_items,
        "failed_signatures": failed_signatures,
        "inventory_ok": report["inventory"]["ok"],
        "break_at": report["ledger"]["break_at"],
    }
    with transaction.atomic():
        ledger_append(
            transfer.pk,
            LedgerKind.AUDIT,
            {"by": getattr(acting_user, "login", "") or "", **summary},
        )
        ArchiveTransfer.objects.filter(pk=transfer.pk).update(
            last_audit_at=timezone.now(), last_audit_ok=report["ok"]
        )
        audit(acting_user, "archive.audit", transfer, **summary)
        if not report["ok"]:
            logger.error("Archive #%s integrity break: %s", transfer.pk, summary)
            audit(None, "archive.integrity_break", transfer, **summary)
            text = Text(
                gettext_lazy(
                    "Integrity break in the archive of case %(number)s: items %(items)s, "
                    "signatures %(signatures)s, ledger break at %(break_at)s."
                ),
                number=transfer.case.number,
                items=failed_items or "-",
                signatures=failed_signatures or "-",
                break_at=summary["break_at"] or "-",
            )
            for archivist in archivists_of(transfer.court_id):
                notify(
                    archivist,
                    "archive_integrity_break",
                    text,
                    link=f"/api/v1/archive/{transfer.pk}/verify/",
                    case_id=transfer.case_id,
                )


def least_recently_audited(limit: int) -> list[int]:
    """Ids of the `limit` archives whose last integrity audit is oldest (never audited first).

    The nightly job audits this slice, so at national volume every archive is still re-checked
    in turn (every ceil(archives / limit) nights) without one night re-hashing everything.
    """
    last_audit = (
        LedgerEntry.objects.filter(transfer=OuterRef("pk"), kind=LedgerKind.AUDIT)
        .order_by("-seq")
        .values("at")[:1]
    )
    return list(
        ArchiveTransfer.objects.annotate(last_audit=Subquery(last_audit))
        .order_by(F("last_audit").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )


def audit_archives(*, trigger: str, transfer_ids=None, acting_user=None) -> dict[str, Any]:
    """Audit several archives (all when `transfer_ids` is None): the command's JSON report."""
    queryset = ArchiveTransfer.objects.select_related("case").order_by("pk")
    if transfer_ids is not None:
        queryset = queryset.filter(pk__in=list(transfer_ids))
    reports = [
        audit_transfer(transfer, trigger=trigger, acting_user=acting_user)
        for transfer in queryset.iterator(chunk_size=100)
    ]
    return {
        "ok": all(report["ok"] for report in reports),
        "checked_at": timezone.now().isoformat(),
        "archives": reports,
    }
