"""Who may call the АИС ОИП stand-in: the court system with the shared service token
(``settings.ENFORCEMENT_API_TOKEN``, or the one derived from SECRET_KEY when it is unset, see
``enforcement.client.service_token``) or a service user of the chamber (an ordinary API token of
a user holding the chamber role)."""

from __future__ import annotations

import hmac

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from enforcement.client import service_token
from sotkabinet.accounts.access import has_role
from sotkabinet.accounts.models import Role


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
    """`Authorization: Token <ENFORCEMENT_API_TOKEN>`. Any other token is left to DRF's
    TokenAuthentication (a chamber service user)."""

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
    def has_permission(self, request, view) -> bool:
        user = request.user
        if isinstance(user, ServicePrincipal):
            return True
        return bool(user and user.is_authenticated and has_role(user, Role.CHAMBER))


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
