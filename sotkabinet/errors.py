"""The one domain error type and the DRF exception handler that renders the error envelope.

`{"error": {"code": "<stable code>", "message": "<text in the request's language>", "details": {}}}`
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response

logger = logging.getLogger(__name__)

# Default human messages per stable code. Codes are part of the API (docs/api.md); texts are
# translatable.
MESSAGES: dict[str, Any] = {
    "invalid": _("The request is not valid."),
    "malformed_request": _("The request body could not be read."),
    "not_authenticated": _("Sign in first."),
    "invalid_credentials": _("The login or password is wrong."),
    "forbidden": _("You are not allowed to do this."),
    "not_found": _("Not found."),
    "method_not_allowed": _("This method is not allowed here."),
    "unsupported_media_type": _("This content type is not supported."),
    "throttled": _("Too many requests. Try again later."),
    "server_error": _("An internal error occurred. Your data is kept; please try again."),
    "service_unavailable": _("The service is briefly unavailable. Your data is kept; try again."),
    "invalid_iin": _("The IIN is not valid (12 digits with a correct control digit)."),
    "invalid_bin": _("The BIN is not valid (12 digits with a correct control digit)."),
    "weak_password": _("The password is too weak."),
    "already_exists": _("An account with this login already exists."),
    "nonce_invalid": _("The sign-in challenge is unknown, expired or already used."),
    "signature_invalid": _("The electronic digital signature is not valid."),
    "signer_mismatch": _("The document is signed by someone other than the required person."),
    "too_large": _("The file is too large."),
    "not_draft": _("Only a draft can be changed."),
    "attachments_pending": _("Some attachments are still being checked."),
    "attachments_invalid": _("Some attachments are not valid."),
    "annex_mismatch": _("The number of documents does not match the annex list."),
    "already_decided": _("This filing has already been registered or rejected."),
    "not_received": _("This filing has not been received yet."),
    "invalid_ground": _("This rejection ground is not allowed."),
    "invalid_date": _("The date is not valid."),
    "locked": _("The act is signed and can no longer be changed."),
    "not_in_force": _("The act has not entered legal force."),
    "judge_signature_required": _("The judge must sign first."),
    "too_early": _("The case can be transferred to the archive only later."),
    "idempotency_key_reused": _("This Idempotency-Key was used with a different request."),
    "idempotency_in_progress": _("A request with this Idempotency-Key is still being processed."),
    "conflict": _("The current state does not allow this."),
    "bad_signature": _("The callback signature is not valid."),
    "deferral_not_allowed": _("A large business cannot defer the state duty."),
    "power_expired": _("The power of attorney is not in its validity period."),
    "power_revoked": _("The power of attorney has been revoked."),
    "power_scope": _("The power of attorney does not cover this action."),
    "power_not_head": _("The power of attorney must be signed by the head of the legal entity."),
    "no_judge_available": _("No judge of the court can take this case (language or category)."),
    "invalid_case": _("No such case in this court."),
    "supplement_target_undecided": _("The filing this supplements has not been registered yet."),
    "head_order_required": _("Attach the order appointing the head before signing."),
    "duty_not_configured": _("The state duty tariff is not configured (no MCI value)."),
    "receipt_code_used": _("This receipt code has already been used."),
    "amount_mismatch": _("The confirmed amount differs from the payment's; it is not counted."),
    "demo_disabled": _("The demo signer is available only in the demo mode."),
    "not_submitted": _("The filing has not been sent yet: there is no talon."),
    "document_tampered": _("The stored document does not match its signed hash."),
    "act_not_signed": _("A writ can be issued only on a signed act."),
    "state_sum_over_limit": _("The state category covers sums up to 1000 MCI (002 п.4)."),
    "reassignment_not_allowed": _("Reassignment only on recusal or a confirmed complaint."),
    "no_bailiff_available": _("No eligible bailiff serves the debtor's district."),
    "suspension_needs_post": _("Distribution can be suspended only for an unpaid chamber post."),
    "idempotency_key_required": _("This endpoint needs an Idempotency-Key header."),
    "already_archived": _("This case has already been transferred to the archive."),
    "item_missing": _("A document of the case is missing from storage; it cannot be archived."),
    "signature_unverifiable": _("A signature in the case does not verify; it cannot be archived."),
    "append_only": _("Archive records and the ledger can only be appended to."),
    "retention_not_expired": _("The retention period has not ended (or storage is permanent)."),
    "already_disposed": _("The archive's materials have already been disposed of."),
    "ecp_required": _("Sign the registration with the ЭЦҚ key of this IIN/BIN."),
    "wrong_court": _("The case or filing this supplements belongs to another court."),
    "reason_required": _("Give a reason."),
    "too_many_signers": _("The signature has too many signers to check here."),
}


class DomainError(Exception):
    """A rule violation with a stable code. Rendered as the error envelope (docs/conventions.md)."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str | None = None,
        status: int | None = None,
        details: dict | None = None,
    ) -> None:
        self.code = code
        self.message = message if message is not None else MESSAGES.get(code, code)
        if status is not None:
            self.status = status
        self.details = details or {}
        super().__init__(f"{code}: {self.message}")


class Conflict(DomainError):
    status = 409


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str | None = None) -> None:
        super().__init__("not_found", message)


class Forbidden(DomainError):
    status = 403

    def __init__(self, message: str | None = None, code: str = "forbidden") -> None:
        super().__init__(code, message)


def envelope(code: str, message: Any, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


def _validation_details(detail: Any) -> dict:
    if isinstance(detail, dict):
        return {
            key: [str(item) for item in value] if isinstance(value, list) else str(value)
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF exception handler: every error leaves as the error envelope with a stable code
    (docs/conventions.md "Errors")."""
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        return Response(envelope(exc.code, exc.message, exc.details), status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        # A JSON or form body over DATA_UPLOAD_MAX_MEMORY_SIZE: an answer, never a 500 (413).
        return Response(envelope("too_large", MESSAGES["too_large"]), status=413)
    if isinstance(exc, SuspiciousOperation):
        return Response(envelope("malformed_request", MESSAGES["malformed_request"]), status=400)
    if isinstance(exc, Http404):
        return Response(envelope("not_found", MESSAGES["not_found"]), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(envelope("forbidden", MESSAGES["forbidden"]), status=403)
    if isinstance(exc, drf_exceptions.Throttled):
        if exc.wait is not None:
            from sotkabinet.faults import retry_after

            headers["Retry-After"] = retry_after(int(exc.wait) + 1)
        return Response(envelope("throttled", MESSAGES["throttled"]), status=429, headers=headers)
    if isinstance(exc, drf_exceptions.ValidationError):
        return Response(
            envelope("invalid", MESSAGES["invalid"], _validation_details(exc.detail)), status=400
        )
    if isinstance(exc, drf_exceptions.ParseError):
        return Response(envelope("malformed_request", MESSAGES["malformed_request"]), status=400)
    if isinstance(exc, drf_exceptions.AuthenticationFailed | drf_exceptions.NotAuthenticated):
        return Response(
            envelope("not_authenticated", MESSAGES["not_authenticated"]),
            status=401,
            headers={"WWW-Authenticate": "Token"},
        )
    if isinstance(exc, drf_exceptions.PermissionDenied):
        return Response(envelope("forbidden", MESSAGES["forbidden"]), status=403)
    if isinstance(exc, drf_exceptions.NotFound):
        return Response(envelope("not_found", MESSAGES["not_found"]), status=404)
    if isinstance(exc, drf_exceptions.MethodNotAllowed):
        return Response(envelope("method_not_allowed", MESSAGES["method_not_allowed"]), status=405)
    if isinstance(exc, drf_exceptions.UnsupportedMediaType):
        return Response(
            envelope("unsupported_media_type", MESSAGES["unsupported_media_type"]), status=415
        )
    if isinstance(exc, drf_exceptions.APIException):
        return Response(envelope("invalid", str(exc.detail)), status=exc.status_code)
    from sotkabinet import faults

    if faults.database_connection_lost(exc):  # issue 10: 503 with Retry-After, never a 500
        faults.log_lost_connection(context["request"], exc)
        return Response(
            envelope("service_unavailable", MESSAGES["service_unavailable"]),
            status=503,
            headers={
                "Retry-After": faults.retry_after(faults.DATABASE_RETRY_AFTER_SECONDS),
                "Cache-Control": "no-store",
            },
        )
    logger.exception("Unhandled error in %s", context.get("view"))
    return Response(envelope("server_error", MESSAGES["server_error"]), status=500)


def api_not_found(request, exception=None) -> JsonResponse:
    return JsonResponse(envelope("not_found", MESSAGES["not_found"]), status=404)


def api_server_error(request) -> JsonResponse:
    return JsonResponse(envelope("server_error", MESSAGES["server_error"]), status=500)
