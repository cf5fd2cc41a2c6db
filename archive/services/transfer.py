"""The transfer of a case to the archive (SPEC R-ARC-1..3).

Transfer order of work (STYLE "State changes"): the slow and idempotent part runs first and
outside the transaction: verifying the judge's inventory ЭЦҚ, copying each item into archive
storage under its SHA-256 (a copy whose transaction later rolls back is a harmless orphan: same
name, same bytes), and collecting the validation evidence (may fetch CRLs). Then one transaction
locks the case row, checks again that the case is not archived and the inventory still has the
signed bytes, and writes the transfer, its items, signatures, ledger entries, the case's
`archived_at`, the case event, the audit row and the archivists' notices.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Case, CaseEvent
from sotkabinet.accounts.access import can, has_role
from sotkabinet.accounts.models import Role, User
from sotkabinet.core.services import Text, audit, notify
from sotkabinet.courts.calendar import archive_transfer_date
from sotkabinet.courts.services import calendar_for, court_today
from sotkabinet.documents.upload import open_blob
from sotkabinet.ecp.cms import decode_cms_input
from sotkabinet.errors import Conflict, DomainError, Forbidden, NotFound
from sotkabinet.signatures.services import require_valid_signature

from .. import evidence as evidence_module
from .. import storage
from ..inventory import CaseMaterials, SourceItem, case_materials, content_type, inventory_payload
from ..models import ArchiveItem, ArchiveTransfer, ItemKind, LedgerKind, SignatureRecord
from .common import archivists_of, ledger_append
from .retention import retention_rule_for, retention_until

# -- who may transfer -----------------------------------------------------------------------------


def may_prepare_inventory(user: User, case: Case) -> bool:
    """The case's judge and secretary, and the court's session secretaries (R-ARC-3)."""
    return user.pk in (case.judge_id, case.secretary_id) or has_role(
        user, Role.SECRETARY, case.court_id
    )


def may_transfer(user: User, case: Case) -> bool:
    """The case's secretary or a session secretary of its court (R-ARC-3)."""
    return user.pk == case.secretary_id or has_role(user, Role.SECRETARY, case.court_id)


def require_case_for(user: User, case_id: int, check) -> Case:
    """The case if `user` may see it (else 404) and passes `check` (else 403)."""
    case = Case.objects.select_related("court", "judge").filter(pk=case_id).first()
    if case is None or not (can(user, "view", case) or check(user, case)):
        raise NotFound()
    if not check(user, case):
        raise Forbidden()
    return case


def transfer_allowed_from(case: Case) -> date | None:
    """The first day the case may be transferred (R-ARC-3), or None without legal force."""
    if case.legal_force_date is None:
        return None
    return archive_transfer_date(case.legal_force_date, calendar_for(case.court))


def check_transfer_date(case: Case) -> None:
    """409 `too_early` before the 3rd working day after legal force, or with none (R-ARC-3)."""
    allowed_from = transfer_allowed_from(case)
    if allowed_from is None:
        raise Conflict("too_early", details={"reason": "no_legal_force"})
    if court_today(case.court) < allowed_from:
        raise Conflict("too_early", details={"allowed_from": allowed_from.isoformat()})


# -- transfer -------------------------------------------------------------------------------------


def _copy_item(item: SourceItem) -> None:
    """Copy one item into archive storage, checking its recorded SHA-256 (R-ARC-1)."""
    try:
        if item.content is not None:
            storage.store_bytes(item.content)
            return
        with open_blob(item.blob) as handle:
            storage.store_stream(handle, item.sha256)
    except FileNotFoundError:
        raise Conflict(
            "item_missing", details={"item": item.title, "source": item.source}
        ) from None
    except storage.ContentMismatch:
        raise Conflict(
            "document_tampered", details={"item": item.title, "source": item.source}
        ) from None


def _item_bytes(materials: CaseMaterials, key: str) -> bytes:
    content = materials.item(key).content
    if content is None:  # signatures and signed data are always kept in rows
        raise ValueError(f"{key} has no inline content")
    return content


def _collect_evidence(materials: CaseMaterials) -> list[tuple[Any, dict, bytes]]:
    collected = []
    for signature in materials.signatures:
        verdict, evidence = evidence_module.collect(
            _item_bytes(materials, signature.signature_key),
            _item_bytes(materials, signature.data_key),
            at=signature.at,
            required_identity=signature.required_identity,
        )
        if not verdict.valid:
            raise Conflict(
                "signature_unverifiable",
                details={"item": signature.title, "reason": verdict.reason},
            )
        collected.append((verdict, evidence, evidence_module.evidence_bytes(evidence)))
    return collected


def archive_transfer(
    *, acting_user: User, case: Case, inventory_cms: str | bytes
) -> ArchiveTransfer:
    """Transfer a case to the archive with the judge-signed inventory (SPEC R-ARC-1..3).

    Refusals: 409 `already_archived`; 409 `too_early` before the 3rd working day after legal
    force or without it; 400 `signature_invalid` (with the reason) or `signer_mismatch` unless
    the CMS is the case judge's valid signature over the current inventory bytes; 409
    `item_missing` / `document_tampered` when a cabinet file is gone or no longer has its
    recorded hash; 409 `signature_unverifiable` when a signature among the materials does not
    verify as of its signing time (the archive could not prove it later). A second call gives
    409 `already_archived`; nothing is written twice.
    """
    if not may_transfer(acting_user, case):
        raise Forbidden()
    if case.archived_at is not None or ArchiveTransfer.objects.filter(case=case).exists():
        raise Conflict("already_archived")
    check_transfer_date(case)
    materials = case_materials(case)
    payload = inventory_payload(case, materials)
    require_valid_signature(inventory_cms, payload, identities={case.judge.login})
    cms_der = decode_cms_input(inventory_cms)
    now = timezone.now()

    for item in materials.items:
        _copy_item(item)
    collected = _collect_evidence(materials)
    inventory_verdict, inventory_evidence = evidence_module.collect(
        cms_der, payload, at=now, required_identity=case.judge.login
    )
    if not inventory_verdict.valid:  # valid a moment ago; a CRL published meanwhile says no
        raise DomainError("signature_invalid", details={"reason": inventory_verdict.reason})
    inventory_evidence_bytes = evidence_module.evidence_bytes(inventory_evidence)
    for data in (payload, cms_der, inventory_evidence_bytes, *(c[2] for c in collected)):
        storage.store_bytes(data)

    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("court", "judge").get(pk=case.pk)
        if case.archived_at is not None or ArchiveTransfer.objects.filter(case=case).exists():
            raise Conflict("already_archived")
        if inventory_payload(case) != payload:
            # The materials changed while the judge was signing: the signature covers old ones.
            raise DomainError("signature_invalid", details={"reason": "tampered"})
        transfer = _create_transfer(
            acting_user, case, materials, payload, cms_der, now, retention_rule_for(case)
        )
        _create_items(
            transfer,
            materials,
            collected,
            payload,
            cms_der,
            (inventory_verdict, inventory_evidence_bytes),
        )
        Case.objects.filter(pk=case.pk).update(archived_at=now)
        CaseEvent.objects.create(
            case=case,
            at=now,
            kind="archived",
            note=_("Transferred to the electronic archive with the inventory signed by the judge."),
            actor=acting_user,
        )
        audit(
            acting_user,
            "archive.transfer",
            transfer,
            case=case.number,
            inventory_sha256=transfer.inventory_sha256,
            items=transfer.items.count(),
        )
        for archivist in archivists_of(case.court_id):
            notify(
                archivist,
                "archive_transferred",
                Text(
                    gettext_lazy("Case %(number)s was transferred to the archive."),
                    number=case.number,
                ),
                link=f"/api/v1/archive/{transfer.pk}/",
                case_id=case.pk,
            )
    transfer.refresh_from_db()
    return transfer


def _create_transfer(acting_user, case, materials, payload, cms_der, now, rule) -> ArchiveTransfer:
    years = rule.years if rule is not None else None
    transfer = ArchiveTransfer.objects.create(
        case=case,
        court=case.court,
        transferred_at=now,
        transferred_by=acting_user,
        inventory_signer=case.judge,
        inventory_sha256=hashlib.sha256(payload).hexdigest(),
        legal_force_date=case.legal_force_date,
        retention_years=years,
        retention_basis=rule.basis if rule is not None else _("No rule: permanent storage."),
        retention_until=retention_until(case.legal_force_date, years),
    )
    ledger_append(
        transfer.pk,
        LedgerKind.TRANSFER,
        {
            "case": case.number,
            "court": case.court.code,
            "by": acting_user.login,
            "inventory_sha256": transfer.inventory_sha256,
            "inventory_signer": case.judge.login,
            "inventory_cms_sha256": hashlib.sha256(cms_der).hexdigest(),
            "legal_force_date": case.legal_force_date.isoformat(),
            "items": len(materials.items),
            "retention_until": transfer.retention_until.isoformat()
            if transfer.retention_until
            else None,
        },
    )
    return transfer


def _add_item(transfer, position, *, kind, title, data_sha, size, ext, source, listed=True):
    item = ArchiveItem.objects.create(
        transfer=transfer,
        position=position,
        kind=kind,
        title=title[:500],
        sha256=data_sha,
        size=size,
        extension=ext,
        content_type=content_type(ext),
        source=source,
        in_inventory=listed,
    )
    ledger_append(
        transfer.pk,
        LedgerKind.ITEM,
        {
            "item": item.pk,
            "position": position,
            "kind": kind,
            "title": item.title,
            "sha256": data_sha,
            "size": size,
        },
    )
    return item


def _create_items(transfer, materials, collected, payload, cms_der, inventory_signature) -> None:
    sha = hashlib.sha256
    by_key: dict[str, ArchiveItem] = {}
    position = 0
    for source in materials.items:
        position += 1
        by_key[source.key] = _add_item(
            transfer,
            position,
            kind=source.kind,
            title=source.title,
            data_sha=source.sha256,
            size=source.size,
            ext=source.extension,
            source=source.source,
        )
    # The inventory and its signature: not listed in themselves, kept like the others.
    unlisted = {"listed": False, "source": f"registry.Case:{transfer.case_id}"}
    inventory = _add_item(
        transfer,
        position + 1,
        kind=ItemKind.INVENTORY,
        title=f"Іс тізімдемесі / inventory {transfer.case.number}",
        data_sha=sha(payload).hexdigest(),
        size=len(payload),
        ext="json",
        **unlisted,
    )
    inventory_cms = _add_item(
        transfer,
        position + 2,
        kind=ItemKind.INVENTORY_SIGNATURE,
        title=f"Іс тізімдемесі / inventory {transfer.case.number}: ЭЦҚ",
        data_sha=sha(cms_der).hexdigest(),
        size=len(cms_der),
        ext="p7s",
        **unlisted,
    )
    position += 2
    pending = [
        (signature.title, by_key[signature.signature_key], by_key[signature.data_key], verdict, ev)
        for signature, (verdict, _evidence, ev) in zip(materials.signatures, collected, strict=True)
    ]
    pending.append(
        (
            inventory_cms.title,
            inventory_cms,
            inventory,
            inventory_signature[0],
            inventory_signature[1],
        )
    )
    for title, signature_item, data_item, verdict, evidence_bytes in pending:
        position += 1
        evidence_item = _add_item(
            transfer,
            position,
            kind=ItemKind.EVIDENCE,
            title=f"{title}: validation evidence",
            data_sha=sha(evidence_bytes).hexdigest(),
            size=len(evidence_bytes),
            ext="json",
            listed=False,
            source=signature_item.source,
        )
        evidence = evidence_module.load(evidence_bytes)
        SignatureRecord.objects.create(
            transfer=transfer,
            title=title[:500],
            signature_item=signature_item,
            data_item=data_item,
            evidence_item=evidence_item,
            validated_at=datetime.fromisoformat(evidence["validated_at"]),
            required_identity=evidence.get("required_identity") or "",
            archived_verdict=evidence_module.verdict_record(verdict),
        )
