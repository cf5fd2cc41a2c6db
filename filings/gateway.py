"""The payment-gateway interface and the sandbox gateway served by the project (R-FIL-5, R-REG-4).

A gateway does two things for the portal:
- `redirect_url(payment)`: where to send the payer to pay a pending Payment;
- it later POSTs a notice to `/api/v1/payments/callback/` whose raw body is signed with
  HMAC-SHA256 (hex, header `X-Gateway-Signature`) under PAYMENT_GATEWAY_SECRET; the portal
  verifies it in `filings.duty.payment_callback`.

A real gateway (the e-government payment gateway, a bank) is a class with `redirect_url`, named
by the setting PAYMENT_GATEWAY_CLASS (dotted path; default the sandbox below).

The sandbox gateway is a page of this project, `/sandbox-gateway/pay/<reference>/`, with Pay and
Decline buttons. Pressing one builds the same signed notice a real gateway would send and hands it
to `payment_callback` in-process: the very function the callback endpoint calls after reading the
raw body and header. We chose the in-process call over an HTTP POST to PORTAL_BASE_URL because it
needs no network, no second worker thread (a single-threaded dev server would deadlock posting to
itself) and no reachable public URL, while still exercising the signature check and idempotency
path byte for byte. The endpoint itself is covered by the tests with the same signed bodies.

The sandbox is served only when `sandbox_enabled()`: DEMO on and PAYMENT_GATEWAY_SANDBOX not
turned off (it defaults to DEMO). Without DEMO it is off whatever else is set (issue 9: DEBUG or
PAYMENT_GATEWAY_SANDBOX alone do not switch it on; the production profile refuses to start with
the sandbox on and DEMO off), and its pages answer 404, so nobody can mark a duty paid for free.
"""

from __future__ import annotations

import json
import secrets
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Payment


class PaymentGateway(Protocol):
    """What the portal needs from a payment gateway."""

    name: str

    def redirect_url(self, payment: Payment) -> str:
        """The page where the payer pays `payment` (absolute URL)."""


class SandboxGateway:
    """The demo and test gateway served by the portal itself (see the module docstring)."""

    name = "sandbox"

    def redirect_url(self, payment: Payment) -> str:
        path = reverse("web:sandbox_gateway_pay", kwargs={"reference": payment.reference})
        return settings.PORTAL_BASE_URL.rstrip("/") + path


def get_gateway() -> PaymentGateway:
    path = getattr(settings, "PAYMENT_GATEWAY_CLASS", "filings.gateway.SandboxGateway")
    return import_string(path)()


def sandbox_enabled() -> bool:
    """Issue 9 "Demo safety": the sandbox gateway never runs without DEMO."""
    if not settings.DEMO:
        return False
    return bool(getattr(settings, "PAYMENT_GATEWAY_SANDBOX", True))


def sandbox_notice(payment: Payment, *, paid: bool) -> bytes:
    """The raw body the sandbox gateway sends for `payment` (UTF-8 JSON)."""
    body = {
        "reference": payment.reference,
        "status": "paid" if paid else "failed",
        "amount": str(Decimal(payment.amount).quantize(Decimal("0.01"))),
        "transaction_id": f"SBX-{secrets.token_hex(6).upper()}",
        "paid_at": timezone.now().isoformat() if paid else None,
    }
    if paid:
        body["receipt_code"] = f"SBX-{secrets.token_hex(8).upper()}"
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


def sandbox_complete(payment: Payment, *, paid: bool) -> Payment:
    """Press Pay or Decline: sign the notice and deliver it to the callback service."""
    from .duty import callback_signature, payment_callback

    body = sandbox_notice(payment, paid=paid)
    return payment_callback(body, callback_signature(body))
