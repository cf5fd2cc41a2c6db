"""The admin screens (writs, outbox, bailiff registry) and the beat jobs' wiring."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from enforcement.chamber.models import BailiffProfile
from enforcement.models import Writ
from enforcement.schedule import BEAT_SCHEDULE
from sotkabinet.celery import app

pytestmark = pytest.mark.usefixtures("ais_oip")


@pytest.fixture
def staff(people):
    for user in (people.secretary, people.chamber, people.other_secretary):
        user.is_staff = True
        user.save()
    return people


def test_writ_admin_is_read_only_and_scoped_to_the_court(
    dispatched, make_bailiff, district, client, staff
):
    make_bailiff(district)
    writ = Writ.objects.get(pk=dispatched())
    client.force_login(staff.secretary)
    listing = client.get("/admin/enforcement/writ/")
    assert listing.status_code == 200
    assert writ.number in listing.content.decode()
    page = client.get(f"/admin/enforcement/writ/{writ.pk}/change/")
    assert page.status_code == 200
    assert "Distributed to" in page.content.decode()  # the history inline
    assert client.post(f"/admin/enforcement/writ/{writ.pk}/delete/").status_code == 403
    client.force_login(staff.other_secretary)
    assert writ.number not in client.get("/admin/enforcement/writ/").content.decode()
    client.force_login(staff.chamber)
    assert client.get("/admin/enforcement/writ/").status_code == 403


def test_r_enf_4_excluding_a_bailiff_in_the_admin_redistributes(
    dispatched, make_bailiff, district, client, staff
):  # SPEC R-ENF-4 (002 п.18) through the chamber's admin
    leaving = make_bailiff(district)
    writ_id = dispatched()
    staying = make_bailiff(district)
    profile, _created = BailiffProfile.objects.get_or_create(user=leaving)
    client.force_login(staff.chamber)
    response = client.post(
        f"/admin/enforcement/bailiffprofile/{profile.pk}/change/",
        {
            "licence_number": "ЖСО-42",
            "licence_status": "terminated",
            "chamber_post": "",
            "absences-TOTAL_FORMS": "0",
            "absences-INITIAL_FORMS": "0",
            "absences-MIN_NUM_FORMS": "0",
            "absences-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    profile.refresh_from_db()
    assert profile.licence_status == "terminated"
    assert Writ.objects.get(pk=writ_id).bailiff == staying
    # The court's staff do not manage the chamber's registry.
    client.force_login(staff.secretary)
    assert client.get("/admin/enforcement/bailiffprofile/").status_code == 403


def test_beat_jobs_are_registered_tasks():  # STYLE "Celery tasks", R-ENF-3, R-ENF-5
    import enforcement.tasks  # noqa: F401  (registers the tasks with the app)

    for name, entry in BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        assert django_settings.CELERY_BEAT_SCHEDULE[name] == entry


def test_writ_history_and_outbox_show_court_time(dispatched, client, make_user):
    """Issue 10: the writ's history and the outbox list in court time, zone named."""
    from django.utils import translation

    from enforcement.models import OutboxMessage
    from sotkabinet.core.timefmt import local_time

    writ = Writ.objects.get(pk=dispatched())
    event = writ.events.order_by("at").first()
    message = OutboxMessage.objects.filter(writ=writ).exclude(next_attempt_at=None).first()
    client.force_login(make_user("secretary", is_staff=True, is_superuser=True))
    with translation.override("ru"):
        at = local_time(event.at, writ.court.timezone)
    page = client.get(f"/admin/enforcement/writ/{writ.pk}/change/", HTTP_ACCEPT_LANGUAGE="ru")

    assert at in page.content.decode()
    assert "(Asia/Almaty, UTC+5)" in at
    assert message is not None
    with translation.override("ru"):
        next_at = local_time(message.next_attempt_at, writ.court.timezone)
    listing = client.get("/admin/enforcement/outboxmessage/", HTTP_ACCEPT_LANGUAGE="ru")
    assert next_at in listing.content.decode()


def test_outbox_page_and_assignments_show_times_with_the_zone(
    dispatched, make_bailiff, district, client, make_user
):
    """Issue 10: the outbox message's page and the chamber's assignments name the zone."""
    from enforcement.chamber.models import BailiffAssignment
    from enforcement.models import OutboxMessage

    make_bailiff(district)
    writ = Writ.objects.get(pk=dispatched())
    message = OutboxMessage.objects.filter(writ=writ).first()
    assignment = BailiffAssignment.objects.select_related("registration").first()
    assert message is not None and assignment is not None
    client.force_login(make_user("secretary", is_staff=True, is_superuser=True))
    outbox = client.get(f"/admin/enforcement/outboxmessage/{message.pk}/change/")
    registration = client.get(
        f"/admin/enforcement/registration/{assignment.registration.pk}/change/"
    )
    assert outbox.status_code == registration.status_code == 200
    assert "(Asia/Almaty, UTC+5)" in outbox.content.decode()  # created, delivered
    assert "(Asia/Almaty, UTC+5)" in registration.content.decode()  # assigned
