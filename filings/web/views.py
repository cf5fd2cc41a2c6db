"""The applicant's cabinet, server-rendered (R-FIL-1, R-FIL-4, R-FIL-7, R-FIL-8, R-FIL-12).

Views parse the form, check access with `can`, call the same services as the REST API, and
render. A filing the user may not see is 404, as in the API.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sotkabinet.accounts import services as account_services
from sotkabinet.accounts.access import can
from sotkabinet.accounts.language import remember_language, request_language
from sotkabinet.documents.upload import limited_upload, upload_too_large
from sotkabinet.errors import DomainError
from sotkabinet.faults import retry_after
from sotkabinet.throttling import AddressRateThrottle, web_wait

from .. import selectors, services, tasks
from ..duty import duty_summary
from ..models import Filing, FilingStatus, Proceeding
from ..talon import talon_context
from .forms import AttachmentForm, FilingForm, SignInForm, SignUpForm, SubmitForm
from .overview import mark_read, summaries_for

# Well inside gunicorn's 5 s keep-alive, so the poll reuses a connection the server still keeps
# open (2 s landed on the old 2 s keep-alive and was reset; README "Faults").
TALON_RETRY_AFTER_SECONDS = 1


def _error_text(error: DomainError) -> str:
    """A domain error as one line for the page: its message and, if any, the reason."""
    reason = error.details.get("reason") if isinstance(error.details, dict) else None
    return f"{error.message} ({reason})" if reason else str(error.message)


def _filing_for(request, pk: int, *, edit: bool = False) -> Filing:
    filing = selectors.filing_detail(pk)
    if filing is None or not can(request.user, "view", filing):
        raise Http404
    if edit and not can(request.user, "edit", filing):
        raise Http404
    return filing


# --- accounts -------------------------------------------------------------------------------


class SignInThrottle(AddressRateThrottle):
    """Password attempts per client address (through trusted proxies only); shares the API's
    `sign_in` rate and counter. Keyed by address even for a signed-in session, as the API's token
    view is (no auth there)."""


def _sign_in_wait(request) -> int | None:
    """Seconds to wait when the client address or the login has used up its sign-in attempts
    (issue 9: per address and per login), else None."""
    return web_wait(
        request, "sign_in", login=request.POST.get("login", ""), address_throttle=SignInThrottle
    )


@require_http_methods(["GET", "POST"])
def sign_up(request):
    """R-FIL-1: register with ИИН/БИН and a password, then go to the cabinet.

    Issue 9: the holder proves the ИИН/БИН with the key. The page has NCALayer (or, in DEMO,
    the demo key) sign a `register` challenge of this browser session and posts `nonce` + `cms`
    with the form; `account_register` checks them (signatures/signin.py).
    """
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_services.account_register(
                login=data["login"],
                password=data["password"],
                full_name=data["full_name"],
                kind=data["kind"],
                email=data["email"],
                phone=data["phone"],
                business_size=data["business_size"],
                nonce=request.POST.get("nonce", "")[:255],
                cms=request.POST.get("cms", ""),
                session_key=request.session.session_key or "",
            )
        except DomainError as error:
            field = {
                "invalid_iin": "login",
                "invalid_bin": "login",
                "already_exists": "login",
                "weak_password": "password",
            }.get(error.code)
            form.add_error(field, _error_text(error))
            for message in (error.details or {}).get("password", []):
                form.add_error("password", message)
        else:
            remember_language(user, request_language(request))  # issue 10
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. Welcome to the cabinet."))
            return redirect("web:my_cases")
    return render(request, "filings/sign_up.html", {"form": form, "demo": settings.DEMO})


@require_http_methods(["GET", "POST"])
def sign_in(request):
    """R-FIL-1: password sign-in, throttled per client address and login (429, Retry-After)."""
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        wait = _sign_in_wait(request)
        if wait is not None:
            form.is_valid()
            messages.error(
                request,
                _("Too many sign-in attempts. Try again in %(seconds)s seconds.")
                % {"seconds": wait},
            )
            response = render(request, "filings/sign_in.html", {"form": form}, status=429)
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            try:
                user = account_services.password_sign_in(request=request, **form.cleaned_data)
            except DomainError:
                form.add_error(None, _("The IIN/BIN or the password is wrong."))
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                target = request.GET.get("next", "")
                if not target.startswith("/") or target.startswith("//"):
                    target = ""
                return redirect(target or "web:my_cases")
    return render(request, "filings/sign_in.html", {"form": form})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("web:login")


@require_GET
def home(request):
    return redirect("web:my_cases" if request.user.is_authenticated else "web:login")


# --- my cases -------------------------------------------------------------------------------


@login_required
@require_GET
def my_cases(request):
    """R-FIL-8: the user's filings and their registration status, newest first."""
    status = request.GET.get("status") or None
    if status not in FilingStatus.values:
        status = None
    filings = list(selectors.filings_visible_to(request.user, status=status)[:200])
    return render(
        request,
        "filings/my_cases.html",
        {
            "filings": filings,
            "summaries": summaries_for(request.user, filings),
            "notices": list(selectors.notifications_for(request.user)[:5]),
            "status": status,
            "statuses": FilingStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def filing_new(request):
    """R-FIL-4: fill the electronic form; files are uploaded on the next page."""
    form = FilingForm(request.POST or None, initial={"language": "kk"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filing = services.filing_create(
                acting_user=request.user,
                court=data["court"],
                proceeding=data["proceeding"],
                instance=data["instance"],
                kind=data["kind"],
                title=data["title"],
                parties=data["parties"],
                annex=data["annex"],
                case_id=data["case"],
                claim_amount=data["claim_amount"],
                principal_login=data["principal"] or None,
                power_id=data["power"],
                language=data["language"],
            )
        except DomainError as error:
            form.add_error(None, _error_text(error))
            for field, problems in (error.details or {}).items():
                if field in form.fields and isinstance(problems, list):
                    for problem in problems:
                        form.add_error(field, str(problem))
        else:
            messages.success(request, _("Draft saved. Now upload one file per document."))
            return redirect("web:filing_detail", pk=filing.pk)
    return render(request, "filings/filing_new.html", {"form": form})


@login_required
@require_GET
def filing_detail(request, pk: int):
    """One filing: its data, files, signature verdict, status and history (R-FIL-8)."""
    filing = _filing_for(request, pk)
    response = render(
        request,
        "filings/filing_detail.html",
        _detail_context(request, filing, AttachmentForm()),
    )
    mark_read(request.user, filing_id=filing.pk)  # seen: no longer highlighted (R-FIL-12)
    return response


def _detail_context(request, filing: Filing, upload_form: AttachmentForm) -> dict:
    attachments = list(filing.attachments.all())
    documents = sum(1 for a in attachments if a.kind == "document")
    return {
        "filing": filing,
        "attachments": attachments,
        "events": list(filing.events.all()),
        "upload_form": upload_form,
        "can_edit": filing.status == FilingStatus.DRAFT and can(request.user, "edit", filing),
        "documents_count": documents,
        "annex_count": len(filing.annex),
        "pending": any(a.status == "pending" for a in attachments),
        "max_megabytes": f"{services.attachment_max_bytes(filing) / (1024 * 1024):g}",
        "submitted_local": filing.submitted_at.astimezone(filing.court.tzinfo)
        if filing.submitted_at
        else None,
        # Issue 9: what the confirmed payments cover and what is still due, as on the duty page.
        "duty": duty_summary(filing),
    }


def _upload_limit(request, pk: int) -> int:
    """R-DOC-3 limit of the target filing, known before the body is read."""
    criminal = Filing.objects.filter(pk=pk, proceeding=Proceeding.CRIMINAL).exists()
    return settings.ATTACHMENT_MAX_BYTES_CRIMINAL if criminal else settings.ATTACHMENT_MAX_BYTES


@login_required
@require_POST
@limited_upload(_upload_limit)
def attachment_upload(request, pk: int):
    """Upload one file (R-DOC-2), streamed with the size limit (R-DOC-3; 413 when over)."""
    filing = _filing_for(request, pk, edit=True)
    request.FILES  # noqa: B018 (parse now: the streaming handler decides "too large" here)
    if upload_too_large(request):
        context = _detail_context(request, filing, AttachmentForm())
        context["upload_error"] = _("The file is larger than %(limit)s MB and was not stored.") % {
            "limit": f"{services.attachment_max_bytes(filing) / (1024 * 1024):g}"
        }
        return render(request, "filings/filing_detail.html", context, status=413)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                acting_user=request.user,
                filing=filing,
                uploaded=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
            )
        except DomainError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The file is uploaded and is being checked."))
            return redirect("web:filing_detail", pk=filing.pk)
    filing = _filing_for(request, pk)
    return render(
        request,
        "filings/filing_detail.html",
        _detail_context(request, filing, form),
        status=400,
    )


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    filing = _filing_for(request, pk, edit=True)
    attachment = next((a for a in filing.attachments.all() if a.pk == attachment_pk), None)
    if attachment is None:
        raise Http404
    try:
        services.attachment_delete(acting_user=request.user, attachment=attachment)
    except DomainError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The file is removed."))
    if request.POST.get("next") == "files":  # removed from the wizard's files step
        return redirect("web:wizard_step", pk=filing.pk, step="files")
    return redirect("web:filing_detail", pk=filing.pk)


@login_required
@require_http_methods(["GET", "POST"])
def filing_sign(request, pk: int):
    """Check the data, sign the manifest with ЭЦҚ and send (R-FIL-4, R-ECP-5).

    The browser signs the payload through NCALayer (static/js/signing.js) as a detached CMS.
    In DEMO mode the "sign with the demo key" button signs on the server with the user's demo key.
    """
    filing = _filing_for(request, pk, edit=True)
    if filing.status != FilingStatus.DRAFT:
        return redirect("web:filing_detail", pk=filing.pk)
    payload = services.filing_signing_payload(filing)
    form = SubmitForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        cms = form.cleaned_data["cms"]
        try:
            if form.cleaned_data["demo"]:
                from sotkabinet.signatures.services import demo_sign

                cms = demo_sign(request.user, payload)
            if not cms:
                raise DomainError("signature_invalid", details={"reason": "malformed"})
            services.filing_submit(acting_user=request.user, filing=filing, cms=cms)
        except DomainError as error:
            messages.error(request, _error_text(error))
            status = 400
            filing = _filing_for(request, pk, edit=True)
            payload = services.filing_signing_payload(filing)
        else:
            messages.success(request, _("Signed and sent. The talon is ready; the check runs now."))
            return redirect("web:filing_detail", pk=filing.pk)
    return render(
        request,
        "filings/filing_sign.html",
        {
            "filing": filing,
            "payload": payload.decode("utf-8"),
            "payload_pretty": json.dumps(json.loads(payload), ensure_ascii=False, indent=2),
            "attachments": list(filing.attachments.all()),
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def filing_talon(request, pk: int):
    """Download the talon PDF (R-FIL-7); rendered once, on first request."""
    filing = _filing_for(request, pk)
    if filing.status == FilingStatus.DRAFT:
        raise Http404
    if not (filing.talon_pdf and default_storage.exists(filing.talon_pdf)):
        lock = tasks.talon_lock_key(filing.pk)
        if cache.add(lock, 1, 120) and not services.dispatch(tasks.talon_render, filing.pk):
            cache.delete(lock)
        filing.refresh_from_db(fields=["talon_pdf"])
        if not filing.talon_pdf:
            response = render(request, "filings/talon_pending.html", {"filing": filing}, status=202)
            response["Retry-After"] = retry_after(TALON_RETRY_AFTER_SECONDS)
            return response
    return FileResponse(
        default_storage.open(filing.talon_pdf, "rb"),
        as_attachment=True,
        filename=f"talon-{filing.number}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def notifications(request):
    """R-FIL-12: the notices section."""
    notices = list(selectors.notifications_for(request.user)[:200])
    response = render(request, "filings/notifications.html", {"notifications": notices})
    mark_read(request.user)  # shown highlighted once, then read (R-FIL-12)
    return response


# --- public talon check ---------------------------------------------------------------------


@require_GET
def talon_verify(request, number: str):
    """The public check a talon's QR code opens (R-FIL-7): proves the talon, shows no content.

    Only the number, the sending time, the court and the files' hashes: no names, titles or
    parties. JSON with `Accept: application/json`.
    """
    filing = (
        Filing.objects.select_related("court")
        .exclude(status=FilingStatus.DRAFT)
        .filter(number=number)
        .first()
    )
    if filing is None:
        raise Http404
    context = talon_context(filing)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "number": filing.number,
                "submitted_at": filing.submitted_at.isoformat(),
                "submitted_at_local": context["submitted_at_local"].isoformat(),
                "court": {"code": filing.court.code, "name": filing.court.name},
                "manifest_sha256": filing.manifest_sha256,
                "attachments": [
                    {"sha256": attachment.sha256, "size": attachment.size}
                    for attachment in context["attachments"]
                ],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    response: HttpResponse = render(request, "filings/talon_verify.html", context)
    return response
