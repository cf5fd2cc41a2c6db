"""The language switcher: Django's `set_language`, and the signed-in user's language is stored
(issue 10: notices, e-mails and SMS then follow it)."""

from __future__ import annotations

from django.views.i18n import set_language as django_set_language

from .language import remember_language


def set_language(request):
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        remember_language(request.user, request.POST.get("language"))
    return response
