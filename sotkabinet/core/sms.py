"""SMS sending behind a small interface (R-FIL-12). The shipped backend logs the message.

A deployment plugs in its operator's gateway by naming a class with a `send(phone, text)`
method in SMS_BACKEND.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class LoggingSmsBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class LocmemSmsBackend:
    """Test backend: keeps the messages in `outbox`."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()
