"""Keeps the current request's client address for the audit log (a context variable).

The address is resolved through the trusted proxies only (sotkabinet.throttling.client_ip)."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from sotkabinet.throttling import client_ip

_request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "request_context", default=None
)


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str


def current_request_context() -> RequestContext | None:
    return _request_context.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_context.set(
            RequestContext(
                ip=client_ip(request) or None,
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            )
        )
        try:
            return self.get_response(request)
        finally:
            _request_context.reset(token)
