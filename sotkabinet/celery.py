"""Celery application. Tasks are JSON-only; work that must not be lost is acks_late."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sotkabinet.settings.dev")

app = Celery("sotkabinet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
