"""Each user's language (issue 10): notices, e-mails and SMS go out in it, and only in it.

It is set from `Accept-Language` (or the language cookie) at sign-up, by the language switcher
while signed in, and by an administrator in the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language_from_request

from .models import User


def supported_language(code: str | None) -> str:
    """`code` ("ru", "ru-RU", "kk") as one of LANGUAGES, or "" when it is none of them."""
    code = (code or "").strip().lower().replace("_", "-")
    languages = dict(settings.LANGUAGES)
    if code in languages:
        return code
    base = code.split("-")[0]
    return base if base in languages else ""


def request_language(request) -> str:
    """The language a request asks for: the language cookie, else `Accept-Language`."""
    return supported_language(get_language_from_request(request))


def remember_language(user: User, code: str | None) -> str:
    """Store `code` as `user`'s language when it is a portal language; returns what is stored."""
    language = supported_language(code)
    if language and getattr(user, "pk", None) and user.language != language:
        user.language = language
        User.objects.filter(pk=user.pk).update(language=language)
    return user.language
