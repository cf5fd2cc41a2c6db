"""What is signed and what is sent (SPEC R-ENF-2, R-ENF-3; docs/conventions.md "Signing").

``signing_document``: the writ's fields and the act's SHA-256, which the judge and the session
secretary certify (000 п.52). ``dispatch_payload``: the message to АИС ОИП with everything of
000 п.56. Pure functions of a loaded writ: no queries beyond its relations, no writes.
"""

from __future__ import annotations

import base64
from datetime import datetime

from django.conf import settings

from .models import Writ


def _b64(data: bytes | memoryview | None) -> str | None:
    return base64.b64encode(bytes(data)).decode("ascii") if data else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def signing_document(writ: Writ) -> dict:
    """What the judge and the secretary certify (R-ENF-2): the writ's fields and the act's hash.

    docs/conventions.md "Signing": the payload holds the SHA-256 of every document it covers,
    here the act whose copy goes with the writ (000 п.52).
    """
    case, act = writ.case, writ.act
    return {
        "document": "executive_document",
        "writ": {
            "number": writ.number,
            "issued_on": writ.created_at.astimezone(writ.court.tzinfo).date().isoformat(),
            "court": {"code": writ.court.code, "name": writ.court.name},
            "case": case.number,
            "judge": case.judge.as_person(),
            "category": writ.category,
            "amount": None if writ.amount is None else f"{writ.amount:.2f}",
            "immediate": writ.immediate,
            "state_interest": writ.state_interest,
            "claimant": writ.claimant,
            "debtor": writ.debtor,
        },
        "act": {
            "id": act.pk,
            "kind": act.kind,
            "title": act.title,
            "date": act.date.isoformat(),
            "legal_force_date": act.legal_force_date.isoformat() if act.legal_force_date else None,
            "sha256": writ.act_sha256,
        },
    }


def dispatch_payload(writ: Writ, *, resubmission: bool = False) -> dict:
    """The message to АИС ОИП (SPEC R-ENF-3, 000 п.56).

    Claimant and debtor data, the case number, the judge's name, the court's name, the
    registration details, the signed act (its SHA-256, the judge's CMS and a link to the
    document) and the signed writ (the exact payload bytes and both CMS, base64).
    """
    case, act = writ.case, writ.act
    base_url = settings.PORTAL_BASE_URL.rstrip("/")
    return {
        "schema": "sotkabinet.writ/1",
        "resubmission": resubmission,
        "writ": {
            "id": writ.pk,
            "number": writ.number,
            "issued_at": _iso(writ.created_at),
            "category": writ.category,
            "amount": None if writ.amount is None else f"{writ.amount:.2f}",
            "immediate": writ.immediate,
            "state_interest": writ.state_interest,
            "payload": base64.b64encode(writ.signing_payload_bytes).decode("ascii"),
            "signatures": [
                {
                    "role": "judge",
                    "signer": writ.judge_signer.as_person() if writ.judge_signer else None,
                    "signed_at": _iso(writ.judge_signed_at),
                    "cms": _b64(writ.judge_signature_cms),
                },
                {
                    "role": "secretary",
                    "signer": writ.secretary_signer.as_person() if writ.secretary_signer else None,
                    "signed_at": _iso(writ.secretary_signed_at),
                    "cms": _b64(writ.secretary_signature_cms),
                },
            ],
            "url": f"{base_url}/api/v1/writs/{writ.pk}/",
        },
        "claimant": writ.claimant,
        "debtor": writ.debtor,
        "case": {"number": case.number, "proceeding": case.proceeding},
        "judge": case.judge.as_person(),
        "court": {"code": writ.court.code, "name": writ.court.name},
        "registration": {
            "case_number": case.number,
            "case_registered_at": _iso(case.created_at),
            "writ_number": writ.number,
            "writ_issued_at": _iso(writ.created_at),
        },
        "act": {
            "id": act.pk,
            "kind": act.kind,
            "title": act.title,
            "date": act.date.isoformat(),
            "legal_force_date": act.legal_force_date.isoformat() if act.legal_force_date else None,
            "sha256": writ.act_sha256,
            "document": writ.act_document,
            "document_url": f"{base_url}/api/v1/acts/{act.pk}/document/",
            "signer": act.signer.as_person() if act.signer_id else None,
            "signed_at": _iso(act.signed_at),
            "signing_payload": act.signature_payload or None,
            "cms": _b64(act.signature_cms),
        },
    }
