"""The administrators' screens: users with roles, courts, and the decree table (R-REG-2)."""

from datetime import date, datetime, time

import pytest

from conftest import new_login
from sotkabinet.accounts.models import User
from sotkabinet.courts.models import CalendarOverride
from sotkabinet.courts.services import court_registration_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser(new_login(), "Admin-Passw0rd!")
    client.force_login(admin)
    return client


def test_admin_creates_a_user_and_edits_roles(admin_client, court):
    login = new_login()
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "login": login,
            "full_name": "Жаңа Қызметкер",
            "kind": "individual",
            "password1": "Kokshetau-2026!",
            "password2": "Kokshetau-2026!",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-role": "clerk",
            "memberships-0-court": str(court.pk),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(login=login)
    assert user.check_password("Kokshetau-2026!")
    assert list(user.memberships.values_list("role", "court_id")) == [("clerk", court.pk)]
    assert admin_client.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 200
    assert admin_client.get("/admin/accounts/user/?q=" + login).status_code == 200


def test_decree_entered_in_the_admin_moves_the_deadline(admin_client, court):
    """SPEC R-REG-2: a transferred day off from the decree table counts at once."""
    received = datetime(2026, 12, 3, 10, 0, tzinfo=court.tzinfo)  # Thursday, working hours
    assert court_registration_deadline(court, received).date() == date(2026, 12, 4)
    response = admin_client.post(
        "/admin/courts/calendaroverride/add/",
        {"date": "2026-12-04", "kind": "day_off", "note": "Decree (test)"},
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.filter(date=date(2026, 12, 4)).exists()
    deadline = court_registration_deadline(court, received)
    assert deadline.date() == date(2026, 12, 7) and deadline.timetz().replace(tzinfo=None) == time(
        10, 0
    )
    for path in (
        "/admin/courts/court/",
        "/admin/courts/district/",
        "/admin/courts/calendaroverride/",
    ):
        assert admin_client.get(path).status_code == 200


def test_a_chamber_account_without_a_district_is_flagged(admin_client, district):
    """Issue 9: the chamber's district gives its region; the admin warns while it is unset."""
    login = new_login()
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "login": login,
            "full_name": "Өңірлік палата",
            "kind": "individual",
            "password1": "Kokshetau-2026!",
            "password2": "Kokshetau-2026!",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-role": "chamber",
        },
        follow=True,
    )
    assert "district: it gives the chamber its region" in response.content.decode()
    user = User.objects.get(login=login)
    page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert "the chamber sees and edits" in page


def test_user_page_and_absences_name_the_zone(admin_client, make_user):
    """Issue 10: the user's dates and the absences' record time with the zone named."""
    from sotkabinet.accounts.models import Absence

    user = make_user("judge")
    Absence.objects.create(
        user=user,
        date_from=date(2026, 6, 1),
        date_to=date(2026, 6, 5),
        reason="Іссапар",
        recorded_by=user,
    )
    for url in (
        f"/admin/accounts/user/{user.pk}/change/",
        "/admin/accounts/absence/",
    ):
        page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert page.status_code == 200, url
        assert "(Asia/Almaty, UTC+5)" in page.content.decode(), url
