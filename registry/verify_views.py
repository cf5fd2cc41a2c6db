"""The public verification page of a judicial act: /verify/<code>/ (SPEC R-ECP-6, R-ACT-5).

Anyone may open it: the QR code on a printed act leads here. It proves the document and its
signatures: the stored file's SHA-256 still matches, and the judge's and the legal-force ЭЦҚ
verify as of when they were made. HTML for people (a phone scanning the QR code), JSON with
`Accept: application/json` (or `?format=json`), API.md:
`{"code", "kind", "document_sha256", "valid", "reason", "signers", "legal_force_date"}`.

Threat model: the code comes from anyone. It is looked up exactly (unguessable, 128 bits), an
unknown code is 404 without detail, the act's file is never served here, and a closed case
(adoption, privacy, state secrets) shows only the hash and the verdict, never its title, case
number or court. Re-verification is cached (signature verdicts, and the file hash per file
state), so the page cannot be used to make the server hash files on every hit.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sotkabinet.errors import MESSAGES, NotFound, envelope

from .act_selectors import act_by_verify_code, verify_act


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
    """GET /verify/<code>/ (API.md "Cases and judicial acts")."""
    wants_json = _wants_json(request)
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
