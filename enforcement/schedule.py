"""Periodic jobs of enforcement, merged into CELERY_BEAT_SCHEDULE by the settings."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # R-ENF-3: whatever the outbox still owes АИС ОИП (retries, crashed sends).
    "enforcement-outbox-due": {
        "task": "enforcement.tasks.deliver_due_outbox_messages",
        "schedule": 30.0,
    },
    # R-ENF-5: missed distribution, handover and notification deadlines.
    "enforcement-deadlines": {
        "task": "enforcement.tasks.enforcement_deadlines",
        "schedule": crontab(minute=10),
    },
    # R-ENF-4 (002 п.18): excluded bailiffs' writs; writs still waiting for a bailiff.
    "enforcement-chamber-housekeeping": {
        "task": "enforcement.tasks.chamber_housekeeping",
        "schedule": crontab(minute=40),
    },
}
