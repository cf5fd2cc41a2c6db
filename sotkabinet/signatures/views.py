"""Web views: sign in with ЭЦҚ through NCALayer (R-FIL-1, R-ECP-5), and the demo signer.

The page gets a challenge bound to its browser session (`ecp_challenge`, issue 9: see
signin.py), NCALayer signs it as an attached CMS in the browser (static/js/signing.js), and the
form posts nonce + CMS here; a valid signature logs the holder in with a Django session. The
sign-up page (filings.web) does the same with a `register` challenge. In DEMO mode the server can
sign instead (demo_sign); those endpoints answer 404 when DEMO is off.
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from sotkabinet.accounts.identity import is_valid_identity_number
from sotkabinet.accounts.language import remember_language, request_language
from sotkabinet.accounts.models import User
from sotkabinet.errors import MESSAGES, DomainError, envelope
from sotkabinet.throttling import web_sign_in_throttle, web_wait

from . import signin
from .models import SignInNonce
from .services import demo_sign

CABINET_URL = "/cabinet/"
MAX_DEMO_PAYLOAD_BYTES = 1024 * 1024  # demo signing is for canonical payloads, never files


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return CABINET_URL


@require_http_methods(["GET", "POST"])
@web_sign_in_throttle
def ecp_login(request: HttpRequest) -> HttpResponse:
    """GET: the sign-in page. POST (nonce, cms): sign in and go to the cabinet."""
    error = None
    status = 200
    if request.method == "POST":
        try:
            result = signin.ecp_sign_in(
                nonce=request.POST.get("nonce", "")[: signin.MAX_NONCE_CHARS],
                cms=request.POST.get("cms", ""),
                session_key=browser_session_key(request),
            )
        except DomainError as failure:
            error, status = failure.message, failure.status
        else:
            if result.created:  # an account made at the first sign-in (issue 10)
                remember_language(result.user, request_language(request))
            login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_next_url(request))
    context = {"error": error, "next": _next_url(request), "demo": settings.DEMO}
    return render(request, "signatures/ecp_login.html", context, status=status)


def _json_error(code: str, status: int) -> JsonResponse:
    return JsonResponse(envelope(code, MESSAGES.get(code, code)), status=status)


# Set in the session by `ecp_challenge`, so that an anonymous visitor's session is stored and
# its cookie sent: the challenge is bound to that session's key.
SESSION_MARK = "ecp_challenge"


def browser_session_key(request: HttpRequest) -> str:
    """The key of the browser session a web challenge is bound to ("" when there is none, which
    matches no web challenge)."""
    return request.session.session_key or ""


@require_POST
def ecp_challenge(request: HttpRequest) -> JsonResponse:
    """A challenge for this browser session only (issue 9 "ЭЦҚ sign-in binding").

    POST `purpose`: "auth" (the ЭЦҚ sign-in page, default) or "register" (the sign-up page).
    Answers {"nonce", "expires_at"}, like the API's challenge, which has no session.
    """
    # Counted per client address with the sign-in attempts, like the API's challenge: each one
    # stores a challenge row and a session, so an anonymous caller cannot ask without bound.
    wait = web_wait(request, "sign_in")
    if wait is not None:
        response = _json_error("throttled", 429)
        response["Retry-After"] = str(wait)
        return response
    purpose = request.POST.get("purpose", signin.PURPOSE_AUTH)
    if purpose not in SignInNonce.Purpose.values:
        return _json_error("invalid", 400)
    request.session[SESSION_MARK] = True
    if not request.session.session_key:
        request.session.save()
    nonce = signin.challenge_issue(
        purpose=purpose, session_key=request.session.session_key, request=request
    )
    return JsonResponse({"nonce": nonce.value, "expires_at": nonce.expires_at.isoformat()})


@require_POST
def ecp_login_demo_sign(request: HttpRequest) -> JsonResponse:
    """DEMO only: sign a pending challenge of this browser session with the demo key of the
    given IIN/BIN (`full_name` optional: the name in a new demo certificate).

    Only live challenges of the caller's session are signed, so this is not a signing oracle.
    """
    if not settings.DEMO:
        raise Http404
    nonce = request.POST.get("nonce", "")[: signin.MAX_NONCE_CHARS]
    login_value = request.POST.get("login", "").strip()
    kind = request.POST.get("kind", User.Kind.INDIVIDUAL)
    if kind not in User.Kind.values:
        return _json_error("invalid", 400)
    if not is_valid_identity_number(login_value):
        return _json_error("invalid_bin" if kind == User.Kind.LEGAL_ENTITY else "invalid_iin", 400)
    if signin.live_challenge(nonce, session_key=browser_session_key(request)) is None:
        return _json_error("nonce_invalid", 401)
    full_name = " ".join(request.POST.get("full_name", "").split())[:200]
    account = User.objects.filter(login=login_value).first() or User(
        login=login_value, kind=kind, full_name=full_name or f"ДЕМО {login_value}"
    )
    return JsonResponse({"cms": demo_sign(account, nonce.encode(), detached=False)})


@require_POST
def demo_sign_document(request: HttpRequest) -> JsonResponse:
    """DEMO only: sign base64 `data` (a signing payload) with the signed-in user's demo key.

    `detached` is "1" (default) or "0". Answers {"cms": base64}.
    """
    if not settings.DEMO:
        raise Http404
    if not request.user.is_authenticated:
        return _json_error("not_authenticated", 401)
    try:
        data = base64.b64decode(request.POST.get("data", ""), validate=True)
    except (binascii.Error, ValueError):
        return _json_error("invalid", 400)
    if len(data) > MAX_DEMO_PAYLOAD_BYTES:
        return _json_error("too_large", 413)
    detached = request.POST.get("detached", "1") != "0"
    return JsonResponse({"cms": demo_sign(request.user, data, detached=detached)})
