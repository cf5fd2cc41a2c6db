"""Cabinet pages of the electronic power of attorney: "Сенімхат" (R-FIL-10, R-FIL-11).

One section for both sides: the powers the user gave (principal) and the powers they hold
(attorney). The principal creates, attaches the head order (legal entity), signs with ЭЦҚ
(NCALayer in the browser; the demo key when DEMO is on) and revokes. Both download the signed
power: a printable PDF, or the JSON bundle of the exact signed payload and the CMS.
Views parse the form, check access and call `filings.powers`; rule errors become messages.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sotkabinet.accounts.access import can
from sotkabinet.documents.upload import limited_upload, posted_file
from sotkabinet.errors import DomainError

from .. import powers as power_services
from ..models import FilingStatus, PowerOfAttorney, PowerScope, PowerStatus


class PowerForm(forms.Form):
    attorneys = forms.CharField(
        label=gettext_lazy("Attorneys' IINs"),
        help_text=gettext_lazy("One or more IINs, separated by commas or new lines."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    powers = forms.MultipleChoiceField(
        label=gettext_lazy("Powers"),
        choices=PowerScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[PowerScope.FILE_CLAIMS, PowerScope.SIGN_DOCUMENTS],
    )
    valid_from = forms.DateField(
        label=gettext_lazy("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    fabula = forms.CharField(
        label=gettext_lazy("Case summary (фабула)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
    )

    def clean_attorneys(self) -> list[str]:
        raw = self.cleaned_data["attorneys"].replace(",", " ").split()
        return [value.strip() for value in raw if value.strip()]


def _power(request, pk: int, action: str = "view") -> PowerOfAttorney:
    power = get_object_or_404(
        PowerOfAttorney.objects.select_related("principal").prefetch_related("attorneys__user"),
        pk=pk,
    )
    if not can(request.user, "view", power):
        raise Http404
    if action != "view" and not can(request.user, action, power):
        raise PermissionDenied
    return power


def _attorneys(power: PowerOfAttorney) -> list[dict]:
    return [
        {"login": a.iin, "full_name": a.user.full_name if a.user else ""}
        for a in power.attorneys.all()
    ]


@login_required
def power_list(request):
    """ "Сенімхат": powers given and powers held (R-FIL-10)."""
    given = power_services.powers_visible_to(request.user, as_role="principal")
    held = power_services.powers_visible_to(request.user, as_role="attorney")
    rows = {
        "given": [(power, power_services.power_status(power)) for power in given[:200]],
        "held": [(power, power_services.power_status(power)) for power in held[:200]],
    }
    return render(request, "filings/powers/list.html", {"rows": rows})


@login_required
def power_new(request):
    form = PowerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            power = power_services.power_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, f"{error.message} {_details(error)}".strip())
        else:
            messages.success(request, _("The power of attorney is created. Now sign it."))
            return redirect("web:power_detail", pk=power.pk)
    elif request.method == "GET":
        today = timezone.localdate()
        form.initial.update({"valid_from": today, "valid_until": today + timedelta(days=365)})
    return render(request, "filings/powers/new.html", {"form": form})


def _details(error: DomainError) -> str:
    return "; ".join(f"{key}: {value}" for key, value in (error.details or {}).items())


@login_required
def power_detail(request, pk: int):
    power = _power(request, pk)
    is_principal = can(request.user, "edit", power)
    status = power_services.power_status(power)
    payload = power_services.power_signing_payload(power)
    context = {
        "power": power,
        "status": status,
        "status_label": PowerStatus(status).label,
        "attorneys": _attorneys(power),
        "power_labels": [PowerScope(value).label for value in power.powers],
        "is_principal": is_principal,
        "can_sign": is_principal and power.status == PowerStatus.DRAFT,
        "needs_head_order": power.principal.is_legal_entity,
        "can_revoke": is_principal and status in (PowerStatus.DRAFT, PowerStatus.ACTIVE),
        "payload_b64": base64.b64encode(payload).decode() if is_principal else "",
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        # Another attorney's unsent draft stays private to its author (issue 9).
        "filings": power.filings.filter(
            ~Q(status=FilingStatus.DRAFT) | Q(author=request.user) | Q(principal=request.user)
        ).order_by("-created_at")[:50],
    }
    return render(request, "filings/powers/detail.html", context)


@login_required
@limited_upload()
def power_head_order(request, pk: int):
    power = _power(request, pk, "edit")
    if request.method != "POST":
        return redirect("web:power_detail", pk=pk)
    uploaded = posted_file(request, "file", _("Choose the scan of the order."))
    if uploaded is None:
        return redirect("web:power_detail", pk=pk)
    try:
        power_services.power_attach_head_order(
            acting_user=request.user, power=power, uploaded=uploaded
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The order appointing the head is attached."))
    return redirect("web:power_detail", pk=pk)


@login_required
@require_POST
def power_sign(request, pk: int):
    """Sign with the CMS made by NCALayer, or with the demo key (DEMO only)."""
    power = _power(request, pk, "edit")
    cms = request.POST.get("cms", "")
    if request.POST.get("demo") and settings.DEMO:
        from sotkabinet.signatures.services import demo_sign

        cms = demo_sign(request.user, power_services.power_signing_payload(power))
    if not cms:
        messages.error(request, _("Sign with your ЭЦҚ first."))
        return redirect("web:power_detail", pk=pk)
    try:
        power_services.power_sign(acting_user=request.user, power=power, cms=cms)
    except DomainError as error:
        reason = (error.details or {}).get("reason")
        messages.error(request, f"{error.message}{f' ({reason})' if reason else ''}")
    else:
        messages.success(request, _("The power of attorney is signed and active."))
    return redirect("web:power_detail", pk=pk)


@login_required
@require_POST
def power_revoke(request, pk: int):
    power = _power(request, pk, "edit")
    try:
        power_services.power_revoke(acting_user=request.user, power=power)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The power of attorney is revoked."))
    return redirect("web:power_detail", pk=pk)


@login_required
def power_download(request, pk: int, fmt: str):
    """The signed power for the principal and the attorneys: PDF, or JSON payload + CMS."""
    from ..api.power_views import power_bundle

    power = _power(request, pk)
    if not power.signed_at:
        raise Http404
    if fmt == "json":
        body = json.dumps(power_bundle(power), ensure_ascii=False, indent=2, default=str)
        response = HttpResponse(body.encode("utf-8"), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="power-{power.pk}.json"'
        return response
    if fmt != "pdf":
        raise Http404
    from sotkabinet.documents.pdf import render_pdf

    payload = power_services.power_signing_payload(power)
    pdf = render_pdf(
        "filings/powers/power_pdf.html",
        {
            "power": power,
            "attorneys": _attorneys(power),
            "power_labels": [PowerScope(value).label for value in power.powers],
            "status_label": PowerStatus(power_services.power_status(power)).label,
            "signers": (power.signature_verdict or {}).get("signers", []),
            "payload_sha256": hashlib.sha256(payload).hexdigest(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="power-{power.pk}.pdf"'
    return response
