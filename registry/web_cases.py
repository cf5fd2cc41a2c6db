"""The case page of the applicant's cabinet, at /cabinet/cases/<id>/ (SPEC R-FIL-8, R-ACT-4).

The parties see the case, its judge, their filings in it, the published judicial acts with the
day each appeared in the cabinet (the day of receipt, R-ACT-4) and download links (the file
and the printable copy with the QR code), the writs and the history. Access is the case card's
(`case_for`: 404 to anyone else); the lists come from the same selectors as the API card.
Opening the page marks the case's notices read, so new acts stop being highlighted.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from sotkabinet.accounts.access import can
from sotkabinet.core.models import Notification
from sotkabinet.errors import NotFound

from .act_selectors import (
    acts_visible_to,
    case_for,
    case_history_visible_to,
    case_writs,
    filings_visible_to,
)
from .closed_cases import CLOSED_GROUNDS


@require_GET
@login_required
def cabinet_case(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = case_for(request.user, case_id)
    except NotFound:
        raise Http404 from None
    unread = Notification.objects.filter(user=request.user, case_id=case.pk, read_at__isnull=True)
    new_links = set(unread.values_list("link", flat=True))
    acts = []
    for act in acts_visible_to(request.user, case):
        act.is_new = f"/api/v1/acts/{act.pk}/" in new_links
        act.received_on = timezone.localdate(act.published_at) if act.published_at else None
        acts.append(act)
    response = render(
        request,
        "registry/cabinet_case.html",
        {
            "case": case,
            "acts": acts,
            "filings": list(filings_visible_to(request.user, case)),
            "writs": case_writs(request.user, case),
            "events": list(case_history_visible_to(request.user, case)),
            # The case's judge marks closed proceedings here too (issue 9).
            "may_close": can(request.user, "close", case),
            "closed_grounds": CLOSED_GROUNDS,
        },
    )
    unread.update(read_at=timezone.now())
    return response


urlpatterns = [
    path("cabinet/cases/<int:case_id>/", cabinet_case, name="cabinet_case"),
]
