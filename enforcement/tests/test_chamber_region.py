"""Issue 9, "The chamber has a region": a regional chamber sees and reassigns the writs of its
own region only (the region of the debtor's district), edits only its own region's bailiffs
(the region of the district they are registered in), and its report covers its region.

The chamber's region is the region of its seat district (`User.district`). Another region's
writ or bailiff is 404 to it: it may not know they exist (docs/conventions.md).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from enforcement.models import Writ
from enforcement.tests.conftest import new_login

pytestmark = pytest.mark.usefixtures("ais_oip")


@pytest.fixture
def two_regions(dispatched, make_bailiff, make_user, district, talgar):
    """A writ in the Almaty region (debtor in `district`) and one in the Almaty oblast
    (`talgar`), each distributed to a bailiff of its region; a chamber for each region."""
    almaty_bailiff = make_bailiff(district, full_name="Алматы Орындаушы")
    oblast_bailiff = make_bailiff(talgar, full_name="Облыс Орындаушы")
    debtor = {"name": "Борышкер", "iin_bin": new_login("8505054"), "district": district.code}
    almaty_writ = dispatched(debtor=debtor)
    debtor = {"name": "Борышкер", "iin_bin": new_login("8505054"), "district": talgar.code}
    oblast_writ = dispatched(debtor=debtor)
    assert Writ.objects.get(pk=almaty_writ).bailiff == almaty_bailiff
    assert Writ.objects.get(pk=oblast_writ).bailiff == oblast_bailiff
    return {
        "almaty_writ": almaty_writ,
        "oblast_writ": oblast_writ,
        "almaty_bailiff": almaty_bailiff,
        "oblast_bailiff": oblast_bailiff,
        "oblast_chamber": make_user("chamber", district=talgar, is_staff=True),
    }


def test_the_chamber_sees_its_own_regions_writs_only(two_regions, client_for, people):
    """Issue 9: detail and list are scoped to the chamber's region; the other one's is 404."""
    almaty = client_for(people.chamber)
    assert almaty.get(f"/api/v1/writs/{two_regions['almaty_writ']}/").status_code == 200
    assert almaty.get(f"/api/v1/writs/{two_regions['oblast_writ']}/").status_code == 404
    listed = {writ["id"] for writ in almaty.get("/api/v1/writs/").json()["results"]}
    assert listed == {two_regions["almaty_writ"]}
    oblast = client_for(two_regions["oblast_chamber"])
    assert oblast.get(f"/api/v1/writs/{two_regions['oblast_writ']}/").status_code == 200
    assert oblast.get(f"/api/v1/writs/{two_regions['almaty_writ']}/").status_code == 404
    web = Client()
    web.force_login(people.chamber)
    assert web.get(f"/cabinet/writs/{two_regions['oblast_writ']}/").status_code == 404


def test_a_chamber_without_a_region_sees_no_writ(two_regions, make_user, client_for):
    """Issue 9: a chamber account whose seat district is not set sees nothing (fail closed)."""
    nowhere = client_for(make_user("chamber"))
    assert nowhere.get(f"/api/v1/writs/{two_regions['almaty_writ']}/").status_code == 404
    assert nowhere.get("/api/v1/writs/").json()["count"] == 0
    assert nowhere.get("/api/v1/enforcement/bailiffs/").status_code == 403


def test_the_chamber_reassigns_its_own_regions_writs_only(two_regions, client_for, people):
    body = {"reason": "recusal", "decision": "№ 7, 2026-03-02"}
    almaty = client_for(people.chamber)
    foreign = almaty.post(
        f"/api/v1/enforcement/writs/{two_regions['oblast_writ']}/reassign/", body, format="json"
    )
    assert foreign.status_code == 404
    assert Writ.objects.get(pk=two_regions["oblast_writ"]).bailiff == two_regions["oblast_bailiff"]
    own = almaty.post(
        f"/api/v1/enforcement/writs/{two_regions['almaty_writ']}/reassign/", body, format="json"
    )
    assert own.status_code != 404


def test_the_chamber_edits_its_own_regions_bailiffs_only(two_regions, client_for, people):
    """Issue 9: the bailiff registry, an entry, a change, an absence and a redistribution."""
    almaty = client_for(people.chamber)
    listed = {b["login"] for b in almaty.get("/api/v1/enforcement/bailiffs/").json()["results"]}
    assert two_regions["almaty_bailiff"].login in listed
    assert two_regions["oblast_bailiff"].login not in listed
    foreign = f"/api/v1/enforcement/bailiffs/{two_regions['oblast_bailiff'].login}/"
    assert almaty.get(foreign).status_code == 404
    assert almaty.patch(foreign, {"expelled": True}, format="json").status_code == 404
    assert (
        almaty.post(
            f"{foreign}absences/", {"from": "2026-03-01", "reason": "illness"}, format="json"
        ).status_code
        == 404
    )
    assert almaty.post(f"{foreign}redistribute/", {"reason": "x"}, format="json").status_code == 404
    from enforcement.chamber.models import BailiffProfile

    assert not BailiffProfile.objects.filter(
        user=two_regions["oblast_bailiff"], expelled=True
    ).exists()
    assert Writ.objects.get(pk=two_regions["oblast_writ"]).bailiff == two_regions["oblast_bailiff"]
    own = f"/api/v1/enforcement/bailiffs/{two_regions['almaty_bailiff'].login}/"
    assert almaty.get(own).status_code == 200
    assert almaty.patch(own, {"chamber_post": ""}, format="json").status_code == 200


def test_the_report_covers_the_chambers_region(two_regions, client_for, people):
    today = timezone.localdate().isoformat()
    body = client_for(people.chamber).get(
        "/api/v1/enforcement/report/", {"from": today, "to": today}
    )
    assert body.status_code == 200
    report = body.json()
    assert report["total"] == 1
    logins = {row["bailiff"]["login"] for row in report["results"]}
    assert logins == {two_regions["almaty_bailiff"].login}


def test_the_chamber_admin_is_scoped_to_its_region(two_regions, people, make_bailiff, talgar):
    """Issue 9: the admin's bailiff registry, absences and registrations, and the report page."""
    from enforcement.chamber.models import BailiffProfile

    BailiffProfile.objects.get_or_create(user=two_regions["almaty_bailiff"])
    foreign, _ = BailiffProfile.objects.get_or_create(user=two_regions["oblast_bailiff"])
    people.chamber.is_staff = True
    people.chamber.save(update_fields=["is_staff"])
    web = Client()
    web.force_login(people.chamber)
    registry = web.get("/admin/enforcement/bailiffprofile/").content.decode()
    assert two_regions["almaty_bailiff"].full_name in registry
    assert two_regions["oblast_bailiff"].full_name not in registry
    change = web.get(f"/admin/enforcement/bailiffprofile/{foreign.pk}/change/")
    assert change.status_code == 302  # not in the chamber's queryset: "does not exist"
    registrations = web.get("/admin/enforcement/registration/").content.decode()
    oblast = Writ.objects.get(pk=two_regions["oblast_writ"])
    almaty = Writ.objects.get(pk=two_regions["almaty_writ"])
    assert almaty.enforcement_number in registrations
    assert oblast.enforcement_number not in registrations
    first = timezone.localdate().replace(day=1).isoformat()
    report = web.get(
        "/admin/enforcement/registration/report/",
        {"date_from": first, "date_to": timezone.localdate().isoformat()},
    ).content.decode()
    assert two_regions["almaty_bailiff"].full_name in report
    assert two_regions["oblast_bailiff"].full_name not in report


@pytest.mark.django_db
def test_create_user_gives_the_chamber_a_region(district):
    """Issue 9: a chamber account is created with its seat district, else refused."""
    login = new_login("9001013")
    with pytest.raises(CommandError):
        call_command("create_user", login=login, password="Str0ng-Passw0rd!", roles=["chamber"])
    call_command(
        "create_user",
        login=login,
        password="Str0ng-Passw0rd!",
        roles=["chamber"],
        district=district.code,
    )
    from sotkabinet.accounts.access import chamber_region
    from sotkabinet.accounts.models import User

    assert chamber_region(User.objects.get(login=login)) == district.region
