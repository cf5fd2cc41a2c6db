"""Delivery of notices by e-mail and SMS (R-FIL-12)."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification
from .services import render_for
from .sms import get_sms_backend

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
    time_limit=60,
    # Below time_limit: the global CELERY_TASK_SOFT_TIME_LIMIT (240) would make every send fail.
    soft_time_limit=50,
    acks_late=True,
)
def deliver_notification(notification_id: int) -> None:
    """E-mail and SMS a notice once. Safe to run twice: `emailed_at` marks delivery."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return
    user = notification.user
    link = notification.link
    if link.startswith("/"):
        link = settings.PORTAL_BASE_URL.rstrip("/") + link
    body = f"{notification.text}\n\n{link}".strip()
    if user.email:
        # Issue 10: the notice is stored in the user's language; the subject follows it.
        portal = render_for(user, lambda: _("Court Cabinet"))
        send_mail(
            subject=f"{portal}: {notification.text[:60]}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    if user.phone:
        get_sms_backend().send(user.phone, notification.text[:300])
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


@shared_task(time_limit=120, soft_time_limit=100)
def notifications_sweep() -> int:
    """Re-queue notices whose delivery was never queued (the broker was down at commit).

    Safe to run any time: `deliver_notification` skips a notice already delivered.
    """
    from .dispatch import dispatch

    now = timezone.now()
    stuck = Notification.objects.filter(
        emailed_at__isnull=True,
        created_at__lt=now - timedelta(minutes=2),
        created_at__gt=now - timedelta(days=7),
    ).values_list("pk", flat=True)[:500]
    return sum(dispatch(deliver_notification, pk) for pk in stuck)
