"""Periodic jobs of the filing flow (merged into CELERY_BEAT_SCHEDULE by the settings)."""

BEAT_SCHEDULE = {
    # SPEC R-ECP-3: nothing stays stuck in `pending` / `submitted` when the worker or the broker
    # was down; see tasks.filings_sweep.
    "filings-sweep": {
        "task": "filings.tasks.filings_sweep",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}
