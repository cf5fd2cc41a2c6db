"""Deadlines on the court calendar and the job that flags missed ones (SPEC R-ENF-5;
002 п.7 distribution, п.8 handover, п.15 telling the claimant)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine

from enforcement import tasks
from enforcement.chamber.models import BailiffAssignment, Registration
from enforcement.models import Writ
from enforcement.tests.conftest import new_login
from sotkabinet.core.models import Notification
from sotkabinet.courts.models import District

pytestmark = pytest.mark.usefixtures("ais_oip")


def noon_after(day, court):
    """Noon, court time, on the day after ``day``."""
    return datetime.combine(day + timedelta(days=1), time(12), tzinfo=court.tzinfo)


def test_r_enf_5_p7_undistributed_writ_flagged_once_after_the_deadline(
    dispatched, client_for, people, court
):  # SPEC R-ENF-5 (002 п.7)
    nowhere = District.objects.create(code="ALM-AUE", name="Әуезов ауданы", region="Алматы")
    debtor = {"name": "Борышкер", "iin_bin": new_login("8505054"), "district": nowhere.code}
    writ_id = dispatched(debtor=debtor)
    writ = Writ.objects.get(pk=writ_id)
    assert writ.status == "registered"

    # On the deadline day itself nothing is late.
    deadline_noon = datetime.combine(writ.distribution_deadline, time(12), tzinfo=court.tzinfo)
    with time_machine.travel(deadline_noon):
        assert tasks.enforcement_deadlines() == {
            "writs": 0,
            "distribution": 0,
            "handover": 0,
            "notification": 0,
        }
    with time_machine.travel(noon_after(writ.distribution_deadline, court)):
        first = tasks.enforcement_deadlines()
        second = tasks.enforcement_deadlines()
    assert (first["writs"], first["distribution"]) == (1, 1)
    assert (second["writs"], second["distribution"]) == (0, 0)
    assert client_for(people.judge).get(f"/api/v1/writs/{writ_id}/").json()["distribution_overdue"]
    assert Registration.objects.get(source_writ_id=writ_id).distribution_overdue_at
    notices = Notification.objects.filter(user=people.chamber, kind="writ.distribution_overdue")
    assert notices.count() == 1
    assert "002 п.7" in notices.get().text


def test_r_enf_5_p8_p15_silent_bailiff_is_flagged_a_reporting_one_is_not(
    dispatched, make_bailiff, district, client_for, people, court
):  # SPEC R-ENF-5 (002 п.8, п.15)
    bailiff = make_bailiff(district)
    silent = dispatched()
    diligent = dispatched(
        debtor={"name": "Басқа", "iin_bin": new_login("8707073"), "district": district.code}
    )
    client_for(bailiff).post(
        f"/api/v1/enforcement/writs/{diligent}/status/", {"status": "accepted"}, format="json"
    )
    assignment = BailiffAssignment.objects.get(registration__source_writ_id=silent)
    with time_machine.travel(noon_after(assignment.notification_deadline, court)):
        flagged = tasks.enforcement_deadlines()
        again = tasks.enforcement_deadlines()
    assert (flagged["handover"], flagged["notification"]) == (1, 1)
    assert (again["handover"], again["notification"]) == (0, 0)
    assignment.refresh_from_db()
    assert assignment.handover_overdue_at and assignment.notification_overdue_at
    reported = BailiffAssignment.objects.get(registration__source_writ_id=diligent)
    assert reported.handover_overdue_at is None
    assert reported.notification_overdue_at is None
    kinds = set(Notification.objects.filter(user=bailiff).values_list("kind", flat=True))
    assert {"writ.handover_overdue", "writ.notification_overdue"} <= kinds
    assert Notification.objects.filter(user=people.chamber, kind="writ.handover_overdue").exists()


def test_r_enf_5_assignment_deadlines_are_three_working_days(
    dispatched, make_bailiff, district, court
):  # SPEC R-ENF-5 (002 п.8, п.15), on the court calendar
    from django.utils import timezone

    from sotkabinet.courts.services import calendar_for

    make_bailiff(district)
    assignment = BailiffAssignment.objects.get(registration__source_writ_id=dispatched())
    assigned_on = timezone.localdate(assignment.assigned_at)
    expected = calendar_for(court).add_working_days(assigned_on, 3)
    assert assignment.handover_deadline == expected
    assert assignment.notification_deadline == expected
