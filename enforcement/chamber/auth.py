"""Who may call the АИС ОИП stand-in: the court system with the shared service token
(``settings.ENFORCEMENT_API_TOKEN``, never derived from SECRET_KEY) and nobody else (issue 9).

A user holding the chamber role is not the service: their API token authenticates them (so they
get 403, not 401), but it never passes for the court system. The stand-in keys registrations by
the writ id the court system sends (``source_writ_id``); with the service the only caller, no
other caller can register a writ id first (pre-empting the court's writ) or read the court's
registrations back."""

from __future__ import annotations

import hmac

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from enforcement.client import service_token


class ServicePrincipal:
    """The calling court system, authenticated by the shared token. Not a user row."""

    pk = None
    id = None
    login = ""
    full_name = "court system (service token)"
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False

    def __str__(self) -> str:
        return self.full_name


class ServiceTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <ENFORCEMENT_API_TOKEN>`. Any other token is left to the portal's
    token authentication (a user, who is then refused by ``IsEnforcementService``)."""

    keyword = b"token"

    def authenticate(self, request):
        expected = service_token()
        header = get_authorization_header(request).split()
        if not expected or len(header) != 2 or header[0].lower() != self.keyword:
            return None
        presented = header[1].decode("latin-1")
        if not hmac.compare_digest(presented.encode(), expected.encode()):
            return None
        return ServicePrincipal(), presented

    def authenticate_header(self, request) -> str:
        return "Token"


class IsEnforcementService(BasePermission):
    """Only the court system's service token; no user, whatever their roles (issue 9)."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, ServicePrincipal)


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    """OpenAPI: the shared service token, sent like any DRF token."""

    target_class = ServiceTokenAuthentication
    name = "enforcementServiceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <ENFORCEMENT_API_TOKEN>` (the court system calling АИС ОИП).",
        }
