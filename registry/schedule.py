"""Periodic jobs of the registry (merged into CELERY_BEAT_SCHEDULE by the settings)."""

BEAT_SCHEDULE = {
    # SPEC R-REG-3: near-deadline reminders and overdue escalation. Every five minutes keeps a
    # reminder within minutes of the "two working hours left" moment.
    "registry-deadline-sweep": {
        "task": "registry.tasks.registry_deadline_sweep",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
}
