"""The public verification page of a judicial act: /verify/<code>/ (SPEC R-ECP-6, R-ACT-5).

Anyone may open it: the QR code on a printed act leads here. It proves the document and its
signatures: the stored file's SHA-256 still matches, and the judge's and the legal-force ЭЦҚ
verify as of when they were made. HTML for people (a phone scanning the QR code), JSON with
`Accept: application/json` (or `?format=json`), docs/api.md:
`{"code", "kind", "document_sha256", "valid", "reason", "signers", "legal_force_date"}`.

Threat model: the code comes from anyone. It is looked up exactly (unguessable, 128 bits), an
unknown code is 404 without detail, the act's file is never served here, and a closed case
(adoption, privacy, state secrets) shows only the hash and the verdict, never its title, case
number or court. Signature verdicts are cached by `verify_signature`; the stored file is
hashed on each visit (that is the point of the page), so visits are throttled per client address
(VERIFY_RATE_PER_MINUTE, answer 429 with Retry-After) and the page cannot be used to make the
server read files without bound.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sotkabinet.errors import MESSAGES, NotFound, envelope
from sotkabinet.faults import retry_after
from sotkabinet.throttling import client_ip

from .act_selectors import act_by_verify_code, verify_act

VERIFY_RATE_PER_MINUTE = 60
logger = logging.getLogger(__name__)


def _clock() -> float:
    return time.time()


def _throttled(request: HttpRequest) -> int | None:
    """Seconds to wait when this client address used up its visits this minute, else None.

    The address is the real client's, through the trusted proxies only (sotkabinet.throttling,
    issue 9): behind a proxy the page is not one shared bucket, and a rotating X-Forwarded-For
    from a direct client gives no fresh one. A failing cache counts as a miss (the visit goes on).
    """
    now = _clock()
    window = int(now // 60)
    key = f"registry:verify-rate:{client_ip(request) or '-'}:{window}"
    try:
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr: count this visit as the first
            cache.set(key, 1, timeout=120)
            count = 1
    except Exception:
        logger.warning("verify throttle: cache unavailable; visit not counted", exc_info=True)
        return None
    if count > VERIFY_RATE_PER_MINUTE:
        return int((window + 1) * 60 - now) + 1
    return None


def _wants_json(request: HttpRequest) -> bool:
    if request.GET.get("format") == "json":
        return True
    preferred = request.get_preferred_type(["text/html", "application/json"])
    return preferred == "application/json"


def _no_store(response: HttpResponse) -> HttpResponse:
    # The verdict can change (a tampered file, a newly trusted root): never cache it.
    response["Cache-Control"] = "no-store"
    response["Vary"] = "Accept"
    return response


@require_GET
def verify_act_view(request: HttpRequest, code: str) -> HttpResponse:
    """GET /verify/<code>/ (docs/api.md)."""
    wants_json = _wants_json(request)
    wait = _throttled(request)
    if wait is not None:
        response = (
            JsonResponse(envelope("throttled", MESSAGES["throttled"]), status=429)
            if wants_json
            else HttpResponse(MESSAGES["throttled"], status=429, content_type="text/plain")
        )
        response["Retry-After"] = retry_after(wait)  # clear of the keep-alive (issue 10)
        return _no_store(response)
    try:
        act = act_by_verify_code(code)
    except NotFound:
        if wants_json:
            return _no_store(JsonResponse(envelope("not_found", MESSAGES["not_found"]), status=404))
        return _no_store(render(request, "registry/verify.html", {"found": False}, status=404))
    verification = verify_act(act)
    if wants_json:
        return _no_store(
            JsonResponse(verification.as_dict(), json_dumps_params={"ensure_ascii": False})
        )
    return _no_store(
        render(
            request,
            "registry/verify.html",
            {"found": True, "verification": verification, "answer": verification.as_dict()},
        )
    )
