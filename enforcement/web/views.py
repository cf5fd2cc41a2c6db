"""Executive documents in the cabinet, server-rendered (SPEC R-ENF-3: the bailiff's statuses
reach the parties' cabinets; R-FIL-8 "My cases").

The same access rule as the API (``policies.writ_policy``): a writ the user may not see is 404.
The assigned bailiff reports a status here; a party or the court resubmits a returned writ.
Both go through the same services as the REST API.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sotkabinet.accounts.access import can
from sotkabinet.errors import DomainError

from .. import selectors, services
from ..chamber import services as chamber
from ..models import BAILIFF_STATUSES, Writ, WritStatus

RESUBMITTABLE = frozenset({WritStatus.RETURNED, WritStatus.BY_TERRITORY})


class BailiffStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[(status, WritStatus(status).label) for status in BAILIFF_STATUSES],
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=2000, widget=forms.Textarea
    )


def _writ_for(request, pk: int, action: str | None = None) -> Writ:
    writ = selectors.writ_detail(pk)
    if writ is None or not can(request.user, "view", writ):
        raise Http404
    if action is not None and not can(request.user, action, writ):
        raise Http404
    return writ


@login_required
@require_GET
def writ_list(request):
    writs = selectors.writs_visible_to(request.user)[:200]
    return render(request, "enforcement/writ_list.html", {"writs": writs})


@login_required
@require_GET
def writ_detail(request, pk: int):
    writ = _writ_for(request, pk)
    context = {
        "writ": writ,
        "events": writ.events.all(),
        "status_form": BailiffStatusForm() if can(request.user, "report_status", writ) else None,
        "may_resubmit": writ.status in RESUBMITTABLE and can(request.user, "resubmit", writ),
    }
    return render(request, "enforcement/writ_detail.html", context)


@login_required
@require_POST
def writ_status(request, pk: int):
    """The assigned bailiff's status (000 п.58)."""
    writ = _writ_for(request, pk, "report_status")
    form = BailiffStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("enforcement_web:writ_detail", pk=writ.pk)
    try:
        chamber.registration_report_status(
            bailiff=request.user,
            source_writ_id=writ.pk,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The status is recorded; the parties are notified."))
    return redirect("enforcement_web:writ_detail", pk=writ.pk)


@login_required
@require_POST
def writ_resubmit(request, pk: int):
    """Send a returned writ again (002 п.5, п.11)."""
    writ = _writ_for(request, pk, "resubmit")
    try:
        services.writ_resubmit(acting_user=request.user, writ=writ)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The executive document is sent for enforcement again."))
    return redirect("enforcement_web:writ_detail", pk=writ.pk)
