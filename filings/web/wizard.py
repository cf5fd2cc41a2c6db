"""The guided filing wizard: court, kind, parties, annex, files, duty, review, sign (R-FIL-4).

Every step is server-side. Until the annex is known the answers are kept in the session (the
draft cannot exist before it has parties and an annex: `filing_create` requires them); the
annex step creates the draft with `filing_create`, and from then on every step reads and
changes that draft (`filing_update_draft`, `attachment_add`, `filing_submit`), so a draft left
half-way is in My cases and opens again at the step where something is missing.

Each page shows what is still missing, per step. The files step uploads one file per annex
entry with a progress bar (static/js/upload.js): the browser checks size and format at once,
the server decides (R-DOC-1, R-DOC-3), and the validation result arrives without a reload
(htmx polls the attachment row while it is being checked).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sotkabinet.courts.models import Court
from sotkabinet.documents.issues import message_for
from sotkabinet.documents.upload import limited_upload, upload_too_large
from sotkabinet.errors import DomainError

from .. import services
from ..duty.settlement import DutySummary, duty_summary
from ..models import Attachment, AttachmentKind, AttachmentStatus, DutyStatus, Filing, FilingStatus
from ..services.draft_edit import filing_update_draft
from .views import _error_text, _filing_for, _upload_limit
from .wizard_forms import AnnexStepForm, CourtStepForm, KindStepForm, PartiesStepForm

SESSION_KEY = "filing_wizard"
STEPS: list[tuple[str, str]] = [
    ("court", gettext_lazy("Court")),
    ("kind", gettext_lazy("Document")),
    ("parties", gettext_lazy("Parties")),
    ("annex", gettext_lazy("Annex")),
    ("files", gettext_lazy("Files")),
    ("duty", gettext_lazy("State duty")),
    ("review", gettext_lazy("Review")),
    ("sign", gettext_lazy("Sign")),
]
STEP_NAMES = [name for name, _label in STEPS]
DRAFT_STEPS = STEP_NAMES[:4]  # answered before the draft exists
#: File name endings the browser accepts before sending (R-DOC-1); the server sniffs content.
ACCEPT = {
    "default": [".pdf", ".doc", ".docx", ".xls", ".xlsx"],
    "criminal": [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg"],
}


@dataclass
class Missing:
    """Something a step still needs. `blocking` ones stop the signing; others are advice."""

    step: str
    text: str
    blocking: bool = True


# --- the answers: the session before the draft exists, the draft afterwards ------------------


def _answers_of(filing: Filing) -> dict:
    return {
        "court": filing.court_id,
        "proceeding": filing.proceeding,
        "instance": filing.instance,
        "kind": filing.kind,
        "title": filing.title,
        "language": filing.language,
        "claim_amount": str(filing.claim_amount) if filing.claim_amount is not None else "",
        "case": filing.case_id,
        "parties": filing.parties,
        "annex": filing.annex,
        "principal": filing.principal.login if filing.principal_id else "",
        "power": filing.power_id,
    }


def _session_answers(request) -> dict:
    return dict(request.session.get(SESSION_KEY) or {})


def _save_session_answers(request, answers: dict) -> None:
    request.session[SESSION_KEY] = answers
    request.session.modified = True


def _missing(answers: dict, filing: Filing | None) -> list[Missing]:
    """What each step still needs, in step order (shown on every page of the wizard)."""
    missing: list[Missing] = []
    if not answers.get("court"):
        missing.append(Missing("court", _("Choose the court.")))
    if not answers.get("kind"):
        missing.append(Missing("kind", _("Choose the kind of document.")))
    if not answers.get("title"):
        missing.append(Missing("kind", _("Write the title of the document.")))
    parties = answers.get("parties") or []
    if not parties:
        missing.append(Missing("parties", _("Name at least one party.")))
    elif answers.get("kind") in ("claim", "counterclaim") and not any(
        party.get("role") == "defendant" for party in parties
    ):
        missing.append(Missing("parties", _("A claim names the defendant.")))
    annex = answers.get("annex") or []
    if not annex:
        missing.append(Missing("annex", _("List the documents you will attach.")))
    if filing is None:
        missing.append(Missing("files", _("Upload one file per document of the annex.")))
        return missing
    documents = [a for a in filing.attachments.all() if a.kind == AttachmentKind.DOCUMENT]
    by_title = {}
    for attachment in documents:
        by_title.setdefault(attachment.title, []).append(attachment)
    for title in annex:
        found = by_title.get(title, [])
        if not found:
            missing.append(
                Missing("files", _("Upload the file for “%(title)s”.") % {"title": title})
            )
        elif any(a.status == AttachmentStatus.PENDING for a in found):
            missing.append(
                Missing("files", _("“%(title)s” is still being checked.") % {"title": title})
            )
        elif any(a.status == AttachmentStatus.INVALID for a in found):
            missing.append(
                Missing(
                    "files",
                    _("The file for “%(title)s” was refused: remove it and upload another.")
                    % {"title": title},
                )
            )
    extra = [a for a in documents if a.title not in annex]
    if extra:
        missing.append(
            Missing(
                "files",
                _("%(count)s file(s) are not in the annex: remove them or add them to the annex.")
                % {"count": len(extra)},
            )
        )
    if filing.duty_status == DutyStatus.MISSING:
        missing.append(Missing("duty", _duty_missing_text(duty_summary(filing)), blocking=False))
    return missing


def _duty_missing_text(duty: DutySummary) -> str:
    if duty.part_paid:  # issue 9: a part payment leaves the rest `missing`
        return _(
            "The state duty is not paid in full: %(paid)s ₸ of %(amount)s ₸ is paid, "
            "%(due)s ₸ is still due. Pay the rest, upload a receipt or ask for a deferral."
        ) % {"paid": duty.paid, "amount": duty.amount, "due": duty.due}
    return _(
        "The state duty of %(amount)s ₸ is not paid yet: pay it, upload a receipt or "
        "ask for a deferral."
    ) % {"amount": duty.amount}


def _first_open_step(missing: list[Missing], filing: Filing | None) -> str:
    for item in missing:
        if item.blocking:
            return item.step
    return "review" if filing is not None else "annex"


# --- pages -----------------------------------------------------------------------------------


@login_required
@require_GET
def wizard_start(request):
    """Start a new filing, or go on with the one in progress in the session (`?new=1`: anew)."""
    if request.GET.get("new"):
        request.session.pop(SESSION_KEY, None)
    return redirect("web:wizard_new_step", step="court")


def _draft(request, pk: int) -> Filing:
    filing = _filing_for(request, pk, edit=True)
    if filing.status != FilingStatus.DRAFT:
        raise Http404
    return filing


@login_required
@require_http_methods(["GET", "POST"])
def wizard_new_step(request, step: str):
    """Steps 1–4 before the draft exists (answers kept in the session)."""
    if step not in DRAFT_STEPS:
        raise Http404
    return _step(request, step, None)


@login_required
@require_http_methods(["GET", "POST"])
def wizard_step(request, pk: int, step: str):
    """Any step of an existing draft; a sent filing goes to its page."""
    if step not in STEP_NAMES:
        raise Http404
    filing = _filing_for(request, pk, edit=True)
    if filing.status != FilingStatus.DRAFT:
        return redirect("web:filing_detail", pk=filing.pk)
    return _step(request, step, filing)


@login_required
@require_GET
def wizard_resume(request, pk: int):
    """Open a draft at the first step where something is missing."""
    filing = _draft(request, pk)
    step = _first_open_step(_missing(_answers_of(filing), filing), filing)
    return redirect("web:wizard_step", pk=filing.pk, step=step)


def _step_url(step: str, filing: Filing | None) -> str:
    if filing is None:
        return reverse("web:wizard_new_step", kwargs={"step": step})
    return reverse("web:wizard_step", kwargs={"pk": filing.pk, "step": step})


def _next_step(step: str) -> str:
    return STEP_NAMES[min(STEP_NAMES.index(step) + 1, len(STEP_NAMES) - 1)]


def _previous_step(step: str) -> str | None:
    index = STEP_NAMES.index(step)
    return STEP_NAMES[index - 1] if index else None


def _step(request, step: str, filing: Filing | None):
    answers = _answers_of(filing) if filing is not None else _session_answers(request)
    if filing is None and step not in DRAFT_STEPS:
        raise Http404
    form = None
    extra_context: dict = {}
    status = 200
    if step in DRAFT_STEPS:
        form = _form_for(step, request, answers, filing)
        if request.method == "POST" and not _adds_row(request) and form.is_valid():
            try:
                filing = _save_step(request, step, form.cleaned_data, answers, filing)
            except DomainError as error:
                _add_domain_error(form, error)
                status = 400
            else:
                return redirect(_step_url(_next_step(step), filing))
        elif request.method == "POST" and not _adds_row(request):
            status = 400
    elif step == "sign":
        response = _sign_step(request, filing, extra_context)
        if response is not None:
            return response
        status = extra_context.pop("status", 200)
    elif request.method == "POST":
        return redirect(_step_url(_next_step(step), filing))
    if step == "files":
        extra_context.update(_files_context(request, filing))
    if step in ("duty", "review"):
        extra_context["duty_url"] = reverse("web:filing_duty", kwargs={"pk": filing.pk})
        extra_context["duty"] = duty_summary(filing)  # paid and still due (issue 9)
    if step == "review":
        extra_context["court"] = filing.court
    missing = _missing(answers if filing is None else _answers_of(filing), filing)
    blocking = [item for item in missing if item.blocking]
    if step == "sign" and blocking and request.method == "GET":
        messages.error(request, _("Some steps are not complete yet; see the list."))
        return redirect(_step_url("review", filing))
    context = {
        "step": step,
        "steps": [
            {
                "name": name,
                "label": label,
                "number": index + 1,
                "url": _step_url(name, filing)
                if filing is not None or name in DRAFT_STEPS
                else None,
                "missing": any(item.step == name for item in missing),
            }
            for index, (name, label) in enumerate(STEPS)
        ],
        "step_label": dict(STEPS)[step],
        "step_number": STEP_NAMES.index(step) + 1,
        "step_count": len(STEPS),
        "filing": filing,
        "answers": answers,
        "court_name": _court_name(answers.get("court")),
        "form": form,
        "missing": missing,
        "blocking": blocking,
        "previous_url": _step_url(_previous_step(step), filing)
        if _previous_step(step) and (filing is not None or _previous_step(step) in DRAFT_STEPS)
        else None,
        **extra_context,
    }
    return render(request, "filings/wizard/step.html", context, status=status)


def _court_name(court_id) -> str:
    if not court_id:
        return ""
    court = Court.objects.filter(pk=court_id).only("name").first()
    return court.name if court else ""


def _adds_row(request) -> bool:
    return request.method == "POST" and "add_row" in request.POST


def _form_for(step: str, request, answers: dict, filing: Filing | None):
    data = request.POST if request.method == "POST" else None
    if step == "court":
        initial = {key: answers.get(key) for key in ("court", "proceeding", "instance")}
        initial["proceeding"] = initial["proceeding"] or "civil"
        initial["instance"] = initial["instance"] or "first"
        return CourtStepForm(data, initial=initial)
    if step == "kind":
        initial = {key: answers.get(key) for key in ("kind", "title", "language", "case")}
        initial["language"] = initial["language"] or get_language()[:2]
        initial["claim_amount"] = answers.get("claim_amount") or None
        return KindStepForm(data, initial=initial)
    if step == "parties":
        form = PartiesStepForm(
            data,
            initial_rows=answers.get("parties") or [],
            with_principal=filing is None,
        )
        if filing is None:
            form.fields["principal"].initial = answers.get("principal") or ""
            form.fields["power"].initial = answers.get("power")
        return form
    return AnnexStepForm(data, initial_rows=answers.get("annex") or [])


def _add_domain_error(form, error: DomainError) -> None:
    form.add_error(None, _error_text(error))
    for field, problems in (error.details or {}).items():
        if isinstance(problems, list):
            for problem in problems:
                form.add_error(field if field in form.fields else None, str(problem))


def _save_step(request, step: str, data: dict, answers: dict, filing: Filing | None):
    """Store one step's answers: in the session before the draft exists, else on the draft."""
    if step == "court":
        changes = {
            "court": data["court"].pk,
            "proceeding": data["proceeding"],
            "instance": data["instance"],
        }
    elif step == "kind":
        changes = {
            "kind": data["kind"],
            "title": data["title"],
            "language": data["language"],
            "claim_amount": str(data["claim_amount"]) if data["claim_amount"] is not None else "",
            "case": data["case"],
        }
    elif step == "parties":
        changes = {"parties": data["parties"]}
        if filing is None:
            changes["principal"] = data.get("principal") or ""
            changes["power"] = data.get("power")
    else:
        changes = {"annex": data["annex"]}
    if filing is not None:
        update = dict(changes)
        if "court" in update:
            update["court"] = data["court"]
        if "claim_amount" in update:
            update["claim_amount"] = data["claim_amount"]
        if "case" in update:
            update["case_id"] = update.pop("case")
        return filing_update_draft(acting_user=request.user, filing=filing, **update)
    answers.update(changes)
    _save_session_answers(request, answers)
    if step != "annex":
        return None
    missing = [item for item in _missing(answers, None) if item.step in DRAFT_STEPS]
    if missing:
        raise DomainError(
            "invalid",
            _("Complete the earlier steps first: %(what)s")
            % {"what": " ".join(item.text for item in missing)},
        )
    court = Court.objects.filter(pk=answers["court"]).first()
    if court is None:
        raise DomainError("invalid", details={"court": [_("Unknown court.")]})
    amount = answers.get("claim_amount")
    filing = services.filing_create(
        acting_user=request.user,
        court=court,
        proceeding=answers["proceeding"],
        instance=answers["instance"],
        kind=answers["kind"],
        title=answers["title"],
        parties=answers["parties"],
        annex=answers["annex"],
        case_id=answers.get("case"),
        claim_amount=Decimal(amount) if amount else None,
        principal_login=answers.get("principal") or None,
        power_id=answers.get("power"),
        language=answers.get("language") or "kk",
    )
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("The draft is saved. You will find it in My cases."))
    return filing


# --- files: one upload slot per annex entry ----------------------------------------------------


def _localised_issues(items: list[dict]) -> list[str]:
    language = get_language() or settings.LANGUAGE_CODE
    return [
        message_for(item.get("code", ""), language, item.get("reason", "")) for item in items or []
    ]


def _attachment_context(filing: Filing, attachment: Attachment) -> dict:
    return {
        "filing": filing,
        "attachment": attachment,
        "errors": _localised_issues(attachment.errors),
        "warnings": _localised_issues(attachment.warnings),
        "can_edit": filing.status == FilingStatus.DRAFT,
        "poll_url": reverse(
            "web:wizard_attachment", kwargs={"pk": filing.pk, "attachment_pk": attachment.pk}
        ),
    }


def _files_context(request, filing: Filing) -> dict:
    attachments = [a for a in filing.attachments.all() if a.kind == AttachmentKind.DOCUMENT]
    slots = []
    for index, title in enumerate(filing.annex):
        slots.append(
            {
                "index": index,
                "title": title,
                "attachments": [
                    _attachment_context(filing, a) for a in attachments if a.title == title
                ],
            }
        )
    others = [_attachment_context(filing, a) for a in attachments if a.title not in filing.annex]
    max_bytes = services.attachment_max_bytes(filing)
    accept = ACCEPT["criminal" if filing.proceeding == "criminal" else "default"]
    return {
        "slots": slots,
        "other_files": others,
        "max_bytes": max_bytes,
        "max_megabytes": f"{max_bytes / (1024 * 1024):g}",
        "accept": ",".join(accept),
        "upload_url": reverse("web:wizard_upload", kwargs={"pk": filing.pk}),
        "upload_config": {
            "maxBytes": max_bytes,
            "accept": accept,
            "messages": {
                "too_large": _("The file is larger than %(limit)s MB. Choose a smaller file.")
                % {"limit": f"{max_bytes / (1024 * 1024):g}"},
                "format": _("This format is not accepted. Choose %(formats)s.")
                % {"formats": ", ".join(ext.lstrip(".").upper() for ext in accept)},
                "empty": _("The file is empty."),
                "uploading": _("Uploading…"),
                "checking": _("Uploaded. The server is checking the file…"),
                "failed": _("The upload failed. Check the connection and try again."),
            },
        },
    }


@login_required
@require_POST
@limited_upload(_upload_limit)
def wizard_upload(request, pk: int):
    """One file of the annex, sent by XHR (static/js/upload.js): answers the attachment's row.

    413 when larger than the limit (R-DOC-3) and 400 for other refusals, each with a JSON
    message in the page's language; 201 with the row's HTML (which polls while pending).
    """
    filing = _draft(request, pk)
    request.FILES  # noqa: B018 (parse now: the streaming handler decides "too large" here)
    if upload_too_large(request):
        limit = f"{services.attachment_max_bytes(filing) / (1024 * 1024):g}"
        return JsonResponse(
            {
                "error": {
                    "code": "too_large",
                    "message": _("The file is larger than %(limit)s MB and was not stored.")
                    % {"limit": limit},
                }
            },
            status=413,
        )
    uploaded = request.FILES.get("file")
    title = (request.POST.get("title") or "").strip()
    if uploaded is None or not title:
        return JsonResponse(
            {"error": {"code": "invalid", "message": _("Choose a file for the document.")}},
            status=400,
        )
    try:
        attachment = services.attachment_add(
            acting_user=request.user,
            filing=filing,
            uploaded=uploaded,
            title=title[:500],
            kind=AttachmentKind.DOCUMENT,
        )
    except DomainError as error:
        return JsonResponse(
            {"error": {"code": error.code, "message": _error_text(error)}}, status=error.status
        )
    attachment.refresh_from_db()
    html = render_to_string(
        "filings/wizard/_attachment.html", _attachment_context(filing, attachment), request=request
    )
    return JsonResponse(
        {"id": attachment.pk, "status": attachment.status, "html": html}, status=201
    )


@login_required
@require_GET
def wizard_attachment(request, pk: int, attachment_pk: int):
    """The attachment's row (htmx polls it every second while the server checks the file)."""
    filing = _filing_for(request, pk, edit=True)
    attachment = filing.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "id": attachment.pk,
                "status": attachment.status,
                "errors": _localised_issues(attachment.errors),
                "warnings": _localised_issues(attachment.warnings),
            }
        )
    return render(
        request, "filings/wizard/_attachment.html", _attachment_context(filing, attachment)
    )


# --- sign ------------------------------------------------------------------------------------


def _sign_step(request, filing: Filing, context: dict) -> HttpResponse | None:
    """R-FIL-4, R-ECP-5: sign the manifest with NCALayer (or the DEMO key) and send."""
    payload = services.filing_signing_payload(filing)
    if request.method == "POST":
        cms = (request.POST.get("cms") or "").strip()
        try:
            if request.POST.get("demo"):
                if not settings.DEMO:
                    raise DomainError("demo_disabled", status=403)
                from sotkabinet.signatures.services import demo_sign

                cms = demo_sign(request.user, payload)
            if not cms:
                raise DomainError("signature_invalid", details={"reason": "malformed"})
            services.filing_submit(acting_user=request.user, filing=filing, cms=cms)
        except DomainError as error:
            messages.error(request, _error_text(error))
            context["status"] = 400
            payload = services.filing_signing_payload(filing)
        else:
            messages.success(request, _("Signed and sent. The talon is ready; the check runs now."))
            return redirect("web:filing_detail", pk=filing.pk)
    context["payload"] = payload.decode("utf-8")
    context["payload_pretty"] = json.dumps(json.loads(payload), ensure_ascii=False, indent=2)
    return None
