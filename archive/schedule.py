"""Periodic jobs of the archive (merged into CELERY_BEAT_SCHEDULE by the settings; times are
settings.CELERY_TIMEZONE, the capital's)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # SPEC R-ARC-3: cases due for transfer, listed for the secretaries each working morning.
    "archive-due-sweep": {
        "task": "archive.tasks.archive_due_sweep",
        "schedule": crontab(hour=8, minute=15, day_of_week="mon-fri"),
        "options": {"expires": 6 * 3600},
    },
    # SPEC R-ARC-2: the nightly integrity audit (item hashes, signatures, ledger).
    "archive-integrity-sweep": {
        "task": "archive.tasks.archive_integrity_sweep",
        "schedule": crontab(hour=1, minute=30),
        "options": {"expires": 12 * 3600},
    },
    # SPEC R-DOC-7: cabinet copies older than six months.
    "archive-cabinet-copy-purge": {
        "task": "archive.tasks.cabinet_copy_purge_task",
        "schedule": crontab(hour=3, minute=0),
        "options": {"expires": 12 * 3600},
    },
}
