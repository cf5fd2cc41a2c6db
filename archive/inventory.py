"""The case materials that go to the archive, and the inventory (іс тізімдемесі) the judge signs.

SPEC R-ARC-3: "the secretary transfers the case materials to the archive electronically, with an
inventory signed by the judge's ЭЦҚ". The materials of a case are, in this order:

1. every registered filing of the case (the claim and its supplements), oldest first: the
   signed manifest (the exact bytes the applicant signed), its CMS, and every valid attachment;
2. every signed judicial act, by date: the file, the signing payload and the judge's CMS, and
   when it has one, the legal-force mark's payload and CMS (R-ACT-5).

The inventory payload (docs/conventions.md "Signing": canonical JSON) names the case, the court, the
legal-force date and every item with its title, kind, SHA-256 and size. Titles are fixed text,
never translated, so the bytes do not depend on the caller's language: the judge signs the
same bytes the secretary later submits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from filings.models import AttachmentStatus, Filing, FilingStatus
from registry.models import ActStatus, Case
from sotkabinet.signatures.services import canonical_payload

from .models import ItemKind

INVENTORY_PURPOSE = "archive_inventory"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpeg": "image/jpeg",
    "json": "application/json",
    "p7s": "application/pkcs7-signature",
}


def content_type(extension: str) -> str:
    return CONTENT_TYPES.get(extension, "application/octet-stream")


@dataclass(frozen=True)
class SourceItem:
    """One thing to archive: a cabinet blob (`blob`) or bytes kept in a row (`content`)."""

    key: str
    kind: str
    title: str
    sha256: str
    size: int
    extension: str
    source: str
    blob: str | None = None
    content: bytes | None = field(default=None, repr=False)

    def listing(self, number: int) -> dict:
        return {
            "n": number,
            "kind": self.kind,
            "title": self.title,
            "sha256": self.sha256,
            "size": self.size,
        }


@dataclass(frozen=True)
class SignatureSource:
    """A signature among the materials: which item is the CMS, which the signed bytes."""

    title: str
    signature_key: str
    data_key: str
    at: datetime
    required_identity: str


@dataclass
class CaseMaterials:
    items: list[SourceItem] = field(default_factory=list)
    signatures: list[SignatureSource] = field(default_factory=list)

    def item(self, key: str) -> SourceItem:
        return next(item for item in self.items if item.key == key)

    def add_bytes(self, key: str, kind: str, title: str, content: bytes, ext: str, source: str):
        self.items.append(
            SourceItem(
                key=key,
                kind=kind,
                title=title,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                extension=ext,
                source=source,
                content=content,
            )
        )


def _filing_materials(materials: CaseMaterials, filing: Filing) -> None:
    label = f"{filing.title} ({filing.number})"
    source = f"filings.Filing:{filing.pk}"
    if filing.manifest and filing.signature_cms:
        manifest_key, cms_key = f"filing:{filing.pk}:manifest", f"filing:{filing.pk}:cms"
        materials.add_bytes(
            manifest_key,
            ItemKind.FILING_MANIFEST,
            f"{label}: manifest",
            filing.manifest.encode("utf-8"),
            "json",
            source,
        )
        materials.add_bytes(
            cms_key,
            ItemKind.FILING_SIGNATURE,
            f"{label}: ЭЦҚ",
            bytes(filing.signature_cms),
            "p7s",
            source,
        )
        materials.signatures.append(
            SignatureSource(
                title=f"{label}: ЭЦҚ",
                signature_key=cms_key,
                data_key=manifest_key,
                at=filing.submitted_at,
                required_identity=filing.signer_bin or filing.signer_iin,
            )
        )
    for attachment in filing.attachments.filter(status=AttachmentStatus.VALID).order_by("pk"):
        materials.items.append(
            SourceItem(
                key=f"attachment:{attachment.pk}",
                kind=ItemKind.ATTACHMENT,
                title=attachment.title,
                sha256=attachment.sha256,
                size=attachment.size,
                extension=attachment.detected_format,
                source=f"filings.Attachment:{attachment.pk}",
                blob=attachment.blob,
            )
        )


def _act_materials(materials: CaseMaterials, act) -> None:
    source = f"registry.Act:{act.pk}"
    materials.items.append(
        SourceItem(
            key=f"act:{act.pk}",
            kind=ItemKind.ACT,
            title=act.title,
            sha256=act.sha256,
            size=act.size,
            extension=act.detected_format,
            source=source,
            blob=act.blob,
        )
    )
    payload_key, cms_key = f"act:{act.pk}:payload", f"act:{act.pk}:cms"
    materials.add_bytes(
        payload_key,
        ItemKind.ACT_PAYLOAD,
        f"{act.title}: signing payload",
        act.signature_payload.encode("utf-8"),
        "json",
        source,
    )
    materials.add_bytes(
        cms_key,
        ItemKind.ACT_SIGNATURE,
        f"{act.title}: ЭЦҚ",
        bytes(act.signature_cms),
        "p7s",
        source,
    )
    materials.signatures.append(
        SignatureSource(
            title=f"{act.title}: ЭЦҚ",
            signature_key=cms_key,
            data_key=payload_key,
            at=act.signed_at,
            required_identity=act.signer.login,
        )
    )
    if act.legal_force_date is not None and act.legal_force_cms:
        mark_key, mark_cms_key = f"act:{act.pk}:legal_force", f"act:{act.pk}:legal_force_cms"
        materials.add_bytes(
            mark_key,
            ItemKind.LEGAL_FORCE_PAYLOAD,
            f"{act.title}: legal-force mark {act.legal_force_date.isoformat()}",
            act.legal_force_payload.encode("utf-8"),
            "json",
            source,
        )
        materials.add_bytes(
            mark_cms_key,
            ItemKind.LEGAL_FORCE_SIGNATURE,
            f"{act.title}: legal-force mark ЭЦҚ",
            bytes(act.legal_force_cms),
            "p7s",
            source,
        )
        materials.signatures.append(
            SignatureSource(
                title=f"{act.title}: legal-force mark ЭЦҚ",
                signature_key=mark_cms_key,
                data_key=mark_key,
                at=act.legal_force_signed_at or act.signed_at,
                required_identity=act.legal_force_signer.login,
            )
        )


def case_materials(case: Case) -> CaseMaterials:
    """Everything of `case` that goes to the archive, in inventory order (module docstring)."""
    materials = CaseMaterials()
    filings = Filing.objects.filter(case=case, status=FilingStatus.REGISTERED).order_by(
        "submitted_at", "pk"
    )
    for filing in filings:
        _filing_materials(materials, filing)
    acts = case.acts.filter(status=ActStatus.SIGNED).select_related("signer", "legal_force_signer")
    for act in acts.order_by("date", "pk"):
        _act_materials(materials, act)
    return materials


def inventory_payload(case: Case, materials: CaseMaterials | None = None) -> bytes:
    """The inventory bytes the judge signs (docs/api.md: `GET cases/{id}/inventory/`)."""
    materials = materials if materials is not None else case_materials(case)
    return canonical_payload(
        {
            "purpose": INVENTORY_PURPOSE,
            "case": case.number,
            "court": case.court.code,
            "proceeding": case.proceeding,
            "category": case.category,
            "judge": case.judge.login,
            "legal_force_date": case.legal_force_date.isoformat()
            if case.legal_force_date
            else None,
            "items": [item.listing(n) for n, item in enumerate(materials.items, start=1)],
        }
    )
