"""State duty (мемлекеттік баж): tariff, online payment, bank receipts, receipt check, deferral.

SPEC R-FIL-5 (000 п.20): online payment through a payment gateway whose e-receipt (PDF) is
attached to the filing automatically; or a scanned bank receipt with the "attach receipt" mark;
and a "check payment receipt" search by the receipt's unique code.
SPEC R-REG-4 (000 п.38): a payment counts as verified only through the gateway integration,
i.e. a callback whose HMAC signature checks out (`payment_callback`).
SPEC R-FIL-6 (000 п.20-1): deferral on one of seven grounds; large businesses are not eligible.
SPEC R-FIL-9 (000 п.25): additional payments to an existing filing or case, so payments are
accepted on submitted and registered filings too.

The tariff is data (DutyTariff, MciValue), edited in the admin; nothing here hard-codes a rate.

Threat model: the callback body and its signature header come from the network. The signature is
checked over the exact raw bytes with a constant-time compare before anything is parsed or
written; replays are harmless because a payment in a final state is never changed again.

Modules: `tariff` (the quote), `payments` (gateway payment and its callback), `settlement`
(what is paid and still due; the status is `paid` only when confirmed payments cover the duty,
issue 9), `receipts` (the receipt check and bank receipts), `deferral`. Callers import from
`filings.duty`.
"""

from .deferral import deferral_allowed, deferral_request, deferral_request_with_upload
from .payments import (
    PAYABLE_STATUSES,
    SIGNATURE_HEADER,
    callback_signature,
    payment_callback,
    payment_redirect_url,
    payment_start,
    render_e_receipt,
)
from .receipts import receipt_check, receipt_code_taken, receipt_mark, receipt_upload
from .settlement import (
    DutySummary,
    duty_due,
    duty_paid,
    duty_resettle,
    duty_summary,
    settled_status,
)
from .tariff import DutyQuote, duty_quote, duty_quote_details, duty_status_for, mci_for

__all__ = [
    "PAYABLE_STATUSES",
    "SIGNATURE_HEADER",
    "DutyQuote",
    "DutySummary",
    "callback_signature",
    "deferral_allowed",
    "deferral_request",
    "deferral_request_with_upload",
    "duty_due",
    "duty_paid",
    "duty_quote",
    "duty_quote_details",
    "duty_resettle",
    "duty_status_for",
    "duty_summary",
    "mci_for",
    "payment_callback",
    "payment_redirect_url",
    "payment_start",
    "receipt_check",
    "receipt_code_taken",
    "receipt_mark",
    "receipt_upload",
    "render_e_receipt",
    "settled_status",
]
