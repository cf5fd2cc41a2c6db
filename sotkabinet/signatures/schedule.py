"""Periodic ЭЦҚ jobs (merged into CELERY_BEAT_SCHEDULE by the settings)."""

BEAT_SCHEDULE = {
    "signatures-crl-refresh": {
        "task": "sotkabinet.signatures.tasks.crl_refresh",
        "schedule": 3600.0,
    },
}
