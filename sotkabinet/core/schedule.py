"""Periodic kernel jobs (merged into CELERY_BEAT_SCHEDULE by the settings)."""

BEAT_SCHEDULE = {
    "core-notifications-sweep": {
        "task": "sotkabinet.core.tasks.notifications_sweep",
        "schedule": 300.0,
    },
}
