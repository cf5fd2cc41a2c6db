"""Kernel services: the audit trail and notices to users."""

from __future__ import annotations

import logging

from django.db.models import Model

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


def notify(
    user,
    kind: str,
    text: str,
    *,
    link: str = "",
    filing_id: int | None = None,
    case_id: int | None = None,
) -> Notification:
    """A notice in the cabinet (R-FIL-12), then e-mail and SMS after commit.

    The notice row is written in the caller's transaction, so it exists iff the state change does.
    """
    from .tasks import deliver_notification

    notification = Notification.objects.create(
        user=user, kind=kind, text=text, link=link, filing_id=filing_id, case_id=case_id
    )
    dispatch_on_commit(deliver_notification, notification.pk)
    return notification
