"""The project's URLs with a switch that makes the АИС ОИП endpoint answer 503 (tests only).

The live server of the outbox tests uses this urlconf, so "the enforcement system is down" is
a real HTTP 503 from a real server, and "it came back" is flipping the switch.
"""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from enforcement.chamber.api import RegistrationCreateView
from sotkabinet.urls import handler404, handler500
from sotkabinet.urls import urlpatterns as project_urlpatterns

# down: answer 503. strip_auth: drop the Authorization header (as a proxy misconfigured with the
# wrong credentials would), so the real view answers 401.
OUTAGE = {"down": False, "strip_auth": False, "hits": 0}

_register = RegistrationCreateView.as_view()


@csrf_exempt
def maybe_down(request, *args, **kwargs):
    OUTAGE["hits"] += 1
    if OUTAGE["down"]:
        return JsonResponse(
            {"error": {"code": "unavailable", "message": "maintenance", "details": {}}},
            status=503,
        )
    if OUTAGE["strip_auth"]:
        request.META.pop("HTTP_AUTHORIZATION", None)
    return _register(request, *args, **kwargs)


urlpatterns = [
    path("api/v1/ais-oip/writs/", maybe_down),
    *project_urlpatterns,
]

__all__ = ["OUTAGE", "handler404", "handler500", "urlpatterns"]
