"""Error pages: JSON envelope under /api/, HTML elsewhere."""

from django.shortcuts import render

from sotkabinet.errors import api_not_found, api_server_error
from sotkabinet.faults import current_lost_connection, service_unavailable


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return render(request, "404.html", status=404)


def server_error(request):
    # issue 10: a lost database connection outside a view (a middleware) answers 503 too.
    if current_lost_connection() is not None:
        return service_unavailable(request)
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return render(request, "500.html", status=500)
