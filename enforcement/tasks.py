"""Celery tasks of enforcement: thin wrappers that take ids and call a service.

Each is safe to run twice: delivery claims its outbox row first (SPEC R-ENF-3), distribution
only touches a `registered` writ (R-ENF-4), and the deadline flags are set once (R-ENF-5).
The outbox keeps its own retry schedule in the row, so no task retries by itself.
"""

from __future__ import annotations

import logging

from celery import shared_task

from . import outbox, services
from .chamber import deadlines as chamber_deadlines
from .chamber import registry as chamber_registry
from .chamber import services as chamber

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=90, soft_time_limit=75, ignore_result=True)
def deliver_outbox_message(message_id: int) -> None:
    """Send one outbox message now, if it is due and nobody else holds it."""
    outbox.deliver(message_id)


@shared_task(time_limit=600, soft_time_limit=540, ignore_result=True)
def deliver_due_outbox_messages(limit: int = 200) -> int:
    """Beat: send whatever is due (new, waiting for a retry, or left by a crashed worker)."""
    return outbox.deliver_due(limit)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100, ignore_result=True)
def chamber_distribute(registration_id: int) -> None:
    """Distribute a newly registered (or resubmitted) writ among the bailiffs (R-ENF-4)."""
    chamber.registration_distribute(registration_id)


@shared_task(time_limit=900, soft_time_limit=840, ignore_result=True)
def enforcement_deadlines() -> dict:
    """Beat: flag missed deadlines of R-ENF-5 on both sides (002 п.7, п.8, п.15)."""
    flagged = {"writs": len(services.writs_flag_overdue())}
    flagged.update(chamber_deadlines.chamber_flag_overdue())
    return flagged


@shared_task(time_limit=900, soft_time_limit=840, ignore_result=True)
def chamber_housekeeping() -> dict:
    """Beat: redistribute writs of bailiffs who became ineligible (002 п.18: an absence that
    crossed a month), then try again the writs still waiting for a bailiff."""
    return {
        "redistributed": chamber_registry.bailiffs_redistribute_ineligible(),
        "distributed": chamber.registrations_distribute_waiting(),
    }
