"""The judge's web page for judicial acts (SPEC R-ACT-1..5), mounted at /judge/.

One page lists the drafts to sign, the executive documents (writs) awaiting the judge's ЭЦҚ,
the signed acts whose legal-force mark is due (for a chairman
also those of the court's judges who are absent today) and the judge's cases, with a form to
place a new act. Signing happens in the browser: the page fetches the exact payload bytes from
the API, signs them with NCALayer through static/js/signing.js (or, in DEMO mode, with the demo
signer of the signatures area), and posts the CMS to the same API endpoints REST clients use,
so the web and the API share one code path and one set of checks.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sotkabinet.accounts.access import court_ids_of
from sotkabinet.accounts.models import Role
from sotkabinet.courts.services import court_today
from sotkabinet.documents.upload import limited_upload, upload_too_large
from sotkabinet.errors import DomainError, NotFound

from .act_selectors import acts_to_sign, case_for, legal_force_due
from .acts import act_upload
from .closed_cases import CLOSED_GROUNDS, case_set_closed
from .models import ActKind, Case

app_name = "judge"

JUDGE_PAGE_ROLES = (Role.JUDGE, Role.CHAIRMAN)


def _require_judge_or_chairman(request: HttpRequest) -> None:
    if not court_ids_of(request.user, JUDGE_PAGE_ROLES):
        raise PermissionDenied


def writs_to_sign(user) -> list:
    """Executive documents of the judge's cases awaiting the judge's ЭЦҚ (SPEC R-ENF-2).

    Enforcement is a later stage: its model is read through the app registry, never imported
    (STYLE "Which way imports run"); without the enforcement app there are none.
    """
    try:
        writ_model = apps.get_model("enforcement", "Writ")
    except LookupError:
        return []
    return list(
        writ_model.objects.filter(case__judge=user, status="draft")
        .select_related("case", "act")
        .order_by("pk")[:100]
    )


@require_GET
@login_required
def judge_acts(request: HttpRequest) -> HttpResponse:
    """The worklist: drafts to sign, legal-force marks due, and the judge's open cases."""
    _require_judge_or_chairman(request)
    due = [
        {"act": act, "today": court_today(act.case.court).isoformat()}
        for act in legal_force_due(request.user)
    ]
    cases = (
        Case.objects.filter(judge=request.user, legal_force_date__isnull=True)
        .select_related("court")
        .order_by("-created_at")[:100]
    )
    return render(
        request,
        "registry/judge_acts.html",
        {
            "to_sign": acts_to_sign(request.user),
            "writs_to_sign": writs_to_sign(request.user),
            "legal_force_due": due,
            "cases": cases,
            "kinds": ActKind.choices,
            "closed_grounds": CLOSED_GROUNDS,
        },
    )


@login_required
@limited_upload()
def judge_act_upload(request: HttpRequest, case_id: int) -> HttpResponse:
    """POST a new draft act to a case (multipart `file`, `kind`, `title`, `date`?)."""
    if request.method != "POST":
        return redirect("judge:acts")
    _require_judge_or_chairman(request)
    try:
        case = case_for(request.user, case_id)
    except NotFound:
        raise Http404 from None
    if upload_too_large(request):
        messages.error(request, _("The file is too large."))
        return redirect("judge:acts")
    uploaded = request.FILES.get("file")
    kind = request.POST.get("kind", "")
    title = request.POST.get("title", "").strip()
    raw_date = request.POST.get("date", "").strip()
    act_date = parse_date(raw_date) if raw_date else None
    if uploaded is None or kind not in ActKind.values or not title or (raw_date and not act_date):
        messages.error(request, _("Choose a file, the kind, the title and a valid date."))
        return redirect("judge:acts")
    try:
        act = act_upload(
            acting_user=request.user,
            case=case,
            uploaded=uploaded,
            kind=kind,
            title=title[:500],
            act_date=act_date,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("judge:acts")
    messages.success(
        request,
        _("Draft “%(title)s” placed in case %(case)s.") % {"title": act.title, "case": case.number},
    )
    return redirect("judge:acts")


@require_POST
@login_required
def judge_case_closed(request: HttpRequest, case_id: int) -> HttpResponse:
    """POST `closed` (checkbox) and `reason`: mark closed proceedings (issue 9; 004)."""
    _require_judge_or_chairman(request)
    try:
        case = case_for(request.user, case_id)
    except NotFound:
        raise Http404 from None
    try:
        case = case_set_closed(
            acting_user=request.user,
            case=case,
            closed=request.POST.get("closed") == "1",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from None
        messages.error(request, error.message)
        return _back(request, case)
    if case.closed:
        text = _("Case %(case)s is heard in closed proceedings.")
    else:
        text = _("Case %(case)s is heard in open proceedings.")
    messages.success(request, text % {"case": case.number})
    return _back(request, case)


def _back(request: HttpRequest, case: Case) -> HttpResponse:
    """Back to the page the form was on: the case page or the judge's worklist."""
    if request.POST.get("back") == "case":
        return redirect("cabinet_case", case_id=case.pk)
    return redirect("judge:acts")


urlpatterns = [
    path("acts/", judge_acts, name="acts"),
    path("cases/<int:case_id>/acts/", judge_act_upload, name="act_upload"),
    path("cases/<int:case_id>/closed/", judge_case_closed, name="case_closed"),
]
