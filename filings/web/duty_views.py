"""Cabinet pages of the state duty and the sandbox payment gateway (R-FIL-5, R-FIL-6, R-FIL-9).

- `/cabinet/filings/<id>/duty/`: the duty due (from the tariff), what confirmed payments
  cover and what is still due (issue 9), its status, the payments and receipts, and three
  ways to settle it: pay online, upload a bank receipt, ask for a deferral (refused for a
  large business, R-FIL-6). Additional payments work on registered filings too.
- `/cabinet/duty/check/`: "check payment receipt" by the receipt's unique code.
- `/sandbox-gateway/pay/<reference>/`: the sandbox gateway's payment page (see filings.gateway).
Views parse the form, check access and call `filings.duty`; rule errors become messages.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sotkabinet.accounts.access import can
from sotkabinet.documents.upload import limited_upload, open_blob, posted_file
from sotkabinet.errors import DomainError

from .. import duty as duty_services
from ..gateway import sandbox_complete, sandbox_enabled
from ..models import (
    AttachmentKind,
    DeferralGround,
    DutyStatus,
    Filing,
    Payment,
    PaymentStatus,
)


def _filing(request, pk: int, action: str = "view") -> Filing:
    filing = get_object_or_404(Filing.objects.select_related("court", "author", "principal"), pk=pk)
    if not can(request.user, "view", filing):
        raise Http404
    if action != "view" and not can(request.user, action, filing):
        raise PermissionDenied
    return filing


def _error_text(error: DomainError) -> str:
    details = error.details or {}
    extra = "; ".join(
        str(value) for key, value in details.items() if key not in ("allowed", "errors")
    )
    return f"{error.message} {extra}".strip()


@login_required
def filing_duty(request, pk: int):
    """The duty section of a filing (applicant) — the clerk sees the same facts on the card."""
    filing = _filing(request, pk)
    is_applicant = can(request.user, "edit", filing)
    quote = duty_services.duty_quote_details(
        filing.proceeding, filing.kind, filing.claim_amount, filing.applicant.kind
    )
    context = {
        "filing": filing,
        "quote": quote,
        "status_label": DutyStatus(filing.duty_status).label,
        # Issue 9: what the confirmed payments cover and what is still due.
        "summary": duty_services.duty_summary(filing),
        "payments": filing.payments.order_by("-created_at"),
        "receipts": filing.attachments.filter(kind=AttachmentKind.DUTY_RECEIPT),
        "deferral": getattr(filing, "deferral", None),
        "grounds": DeferralGround.choices,
        "is_applicant": is_applicant,
        "deferral_allowed": duty_services.deferral_allowed(filing.applicant),
        "payable": filing.status in duty_services.PAYABLE_STATUSES,
        "is_draft": filing.status == "draft",
    }
    return render(request, "filings/duty/filing_duty.html", context)


@login_required
@require_POST
def duty_pay(request, pk: int):
    """Start an online payment and send the payer to the gateway (R-FIL-5, R-FIL-9)."""
    filing = _filing(request, pk, "edit")
    amount = None
    raw = (request.POST.get("amount") or "").strip().replace(",", ".").replace(" ", "")
    if raw:
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            messages.error(request, _("The amount is not a number."))
            return redirect("web:filing_duty", pk=pk)
    try:
        payment = duty_services.payment_start(
            acting_user=request.user, filing=filing, amount=amount
        )
    except DomainError as error:
        messages.error(request, _error_text(error))
        return redirect("web:filing_duty", pk=pk)
    return redirect(duty_services.payment_redirect_url(payment))


@login_required
@limited_upload()
def duty_receipt(request, pk: int):
    """Upload a bank receipt scan with the "attach receipt" mark (R-FIL-5)."""
    filing = _filing(request, pk, "edit")
    if request.method != "POST":
        return redirect("web:filing_duty", pk=pk)
    uploaded = posted_file(request, "file", _("Choose the scan of the receipt."))
    if uploaded is None:
        return redirect("web:filing_duty", pk=pk)
    try:
        duty_services.receipt_upload(
            acting_user=request.user,
            filing=filing,
            uploaded=uploaded,
            code=request.POST.get("code", ""),
        )
    except DomainError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The receipt is attached; the court will check it."))
    return redirect("web:filing_duty", pk=pk)


@login_required
@limited_upload()
def duty_deferral(request, pk: int):
    """Ask for a deferral on one of the seven grounds, with the proof (R-FIL-6)."""
    filing = _filing(request, pk, "edit")
    if request.method != "POST":
        return redirect("web:filing_duty", pk=pk)
    uploaded = posted_file(request, "proof", _("Attach the proof."))
    if uploaded is None:
        return redirect("web:filing_duty", pk=pk)
    try:
        duty_services.deferral_request_with_upload(
            acting_user=request.user,
            filing=filing,
            ground=request.POST.get("ground", ""),
            explanation=request.POST.get("explanation", ""),
            uploaded=uploaded,
        )
    except DomainError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The deferral request is sent with the filing."))
    return redirect("web:filing_duty", pk=pk)


@login_required
def duty_receipt_file(request, pk: int, attachment_id: int):
    """Download a receipt of the filing (the e-receipt PDF or the uploaded scan)."""
    filing = _filing(request, pk)
    attachment = get_object_or_404(
        filing.attachments, pk=attachment_id, kind=AttachmentKind.DUTY_RECEIPT
    )
    if attachment.purged_at is not None:
        raise Http404
    return FileResponse(
        open_blob(attachment.blob), as_attachment=True, filename=attachment.filename
    )


@login_required
def receipt_check(request):
    """ "Check payment receipt" (R-FIL-5): search by the receipt's unique code."""
    code = (request.GET.get("code") or "").strip()
    result = None
    if code:
        try:
            result = duty_services.receipt_check(code, viewer=request.user)
        except DomainError:
            result = None
    return render(
        request,
        "filings/duty/check.html",
        {"code": code, "result": result},
        status=404 if code and result is None else 200,
    )


def sandbox_pay(request, reference: str):
    """The sandbox gateway's payment page: Pay or Decline (R-FIL-5; DEMO/DEBUG only).

    The random reference is the capability, as on a real gateway page: no portal sign-in is
    needed. Pressing a button signs the gateway notice and hands it to the callback service
    (filings.gateway.sandbox_complete), then returns the payer to the filing's duty page.
    """
    if not sandbox_enabled():
        raise Http404
    payment = get_object_or_404(
        Payment.objects.select_related("filing__court", "payer"), reference=reference
    )
    if request.method == "POST":
        if payment.status == PaymentStatus.PENDING:
            paid = request.POST.get("action") == "pay"
            payment = sandbox_complete(payment, paid=paid)
            if payment.status == PaymentStatus.PAID:
                messages.success(
                    request,
                    _("Paid. Receipt code: %(code)s.") % {"code": payment.receipt_code},
                )
            else:
                messages.warning(request, _("The payment was declined."))
        return redirect("web:filing_duty", pk=payment.filing_id)
    return render(request, "gateway/pay.html", {"payment": payment})
