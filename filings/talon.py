"""The talon (талон, the sending receipt) of a filing as a PDF, in Kazakh and Russian (R-FIL-7).

It confirms sending (000 п.23, 001 п.14, 21): the unique number, the date and time of sending in
UTC and in the court's local time (000 п.41), the sender's and the recipient's details, and every
attached file with its SHA-256. A QR code leads to the public talon check
(`/verify/talon/<number>/`), which shows only the number, the time, the court and the hashes.
Rendered once, lazily, by `tasks.talon_render`, and kept in storage (`Filing.talon_pdf`).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.conf import settings
from django.urls import reverse

from .models import Filing


def talon_verify_url(filing: Filing) -> str:
    """The absolute URL of the public talon check the QR code carries."""
    path = reverse("web:talon_verify", args=[filing.number])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def talon_download_path(filing: Filing) -> str:
    """Where the applicant downloads the talon PDF (the filing's `talon.url`)."""
    return reverse("api-filing-talon", args=[filing.pk])


def talon_context(filing: Filing) -> dict[str, Any]:
    """Everything the talon shows; also the data of the public check (a subset)."""
    submitted_at = filing.submitted_at
    applicant = filing.applicant
    return {
        "filing": filing,
        "number": filing.number,
        "court": filing.court,
        "submitted_at_utc": submitted_at.astimezone(UTC) if submitted_at else None,
        "submitted_at_local": submitted_at.astimezone(filing.court.tzinfo)
        if submitted_at
        else None,
        "court_timezone": filing.court.timezone,
        "applicant": applicant,
        "attorney": filing.author if filing.principal_id else None,
        "signer_iin": filing.signer_iin,
        "signer_bin": filing.signer_bin,
        "attachments": list(filing.attachments.order_by("id")),
        "manifest_sha256": filing.manifest_sha256,
        "registration_deadline_local": filing.registration_deadline.astimezone(filing.court.tzinfo)
        if filing.registration_deadline
        else None,
        "verify_url": talon_verify_url(filing),
    }


def render_talon_pdf(filing: Filing) -> bytes:
    """The talon PDF bytes. Deterministic in its content; rendering takes about a second."""
    from sotkabinet.documents.pdf import render_pdf
    from sotkabinet.documents.qr import qr_svg

    context = talon_context(filing)
    context["qr_svg"] = qr_svg(context["verify_url"], size="32mm")
    context["language"] = "kk"
    return render_pdf("filings/talon.html", context)
