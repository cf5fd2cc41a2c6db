"""Kernel services: the audit trail and notices to users."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db.models import Model
from django.utils import translation
from django.utils.functional import Promise

from .dispatch import dispatch_on_commit
from .middleware import current_request_context
from .models import AuditLog, Notification

logger = logging.getLogger(__name__)


def audit(actor, action: str, obj: Model | None = None, **data) -> AuditLog:
    """Record who did what to which object, from where, inside the state change's transaction."""
    context = current_request_context()
    return AuditLog.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_login=getattr(actor, "login", "") or "",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip=context.ip if context else None,
        user_agent=context.user_agent if context else "",
        data=data,
    )


def user_language(user) -> str:
    """The language `user` reads notices, e-mails and SMS in (issue 10): the stored choice, else
    the portal's default."""
    language = getattr(user, "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class Text:
    """A notice text written when it is rendered, in the active language (issue 10).

    `Text(gettext_lazy("Case %(number)s was archived."), number=case.number)`: the message and
    any lazy or `Text` parameter are resolved by `str()`, which `notify` calls per recipient under
    `translation.override(user.language)`.
    """

    def __init__(self, message: str | Promise, /, **params) -> None:
        self.message = message
        self.params = params

    def __str__(self) -> str:
        message = str(self.message)
        if not self.params:
            return message
        return message % {
            key: str(value) if isinstance(value, Promise | Text) else value
            for key, value in self.params.items()
        }


def render_for(user, text: str | Promise | Text | Callable[[], str]) -> str:
    """`text` written in `user`'s language: a callable is called, a lazy text resolved, under
    `translation.override`, so gettext (and the texts it formats in) speak that language."""
    with translation.override(user_language(user)):
        return str(text() if callable(text) else text)


def notify(
    user,
    kind: str,
    text: str | Promise | Text | Callable[[], str],
    *,
    link: str = "",
    filing_id: int | None = None,
    case_id: int | None = None,
) -> Notification:
    """A notice in the cabinet (R-FIL-12), then e-mail and SMS after commit.

    Issue 10: each recipient reads it in their own language only. Pass the text as a `Text`, a
    lazy text or a callable; it is rendered per recipient under
    `translation.override(user.language)` and stored as rendered. A plain str is kept as given.
    The notice row is written in the caller's transaction, so it exists iff the state change does.
    """
    from .tasks import deliver_notification

    notification = Notification.objects.create(
        user=user,
        kind=kind,
        text=render_for(user, text),
        link=link,
        filing_id=filing_id,
        case_id=case_id,
    )
    dispatch_on_commit(deliver_notification, notification.pk)
    return notification
