"""The cabinet pages of a writ: the parties see the bailiff's statuses (SPEC R-ENF-3), the
bailiff reports one, a party resubmits a returned writ (002 п.11)."""

from __future__ import annotations

import pytest

from enforcement.models import Writ, WritStatus
from sotkabinet.core.models import Notification

pytestmark = pytest.mark.usefixtures("ais_oip")


@pytest.fixture
def assigned(dispatched, make_bailiff, district):
    bailiff = make_bailiff(district, full_name="Сот орындаушысы Ерлан")
    return dispatched(), bailiff


def test_r_enf_3_the_bailiff_reports_and_the_party_sees_it_in_the_cabinet(
    assigned, client, people, django_capture_on_commit_callbacks
):  # SPEC R-ENF-3 (000 п.58), R-FIL-8
    writ_id, bailiff = assigned
    client.force_login(bailiff)
    page = client.get(f"/cabinet/writs/{writ_id}/")
    assert page.status_code == 200
    assert 'name="status"' in page.content.decode()
    response = client.post(
        f"/cabinet/writs/{writ_id}/status/",
        {"status": "returned", "note": "Мүлік табылмады"},
        follow=True,
    )
    assert response.status_code == 200
    assert Writ.objects.get(pk=writ_id).status == WritStatus.RETURNED

    client.force_login(people.claimant)
    listing = client.get("/cabinet/writs/")
    assert Writ.objects.get(pk=writ_id).number in listing.content.decode()
    page = client.get(f"/cabinet/writs/{writ_id}/").content.decode()
    assert "Мүлік табылмады" in page
    assert "Сот орындаушысы Ерлан" in page
    assert 'name="status"' not in page  # only the bailiff reports
    notice = Notification.objects.get(user=people.claimant, kind="writ.returned")
    assert client.get(notice.link).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/cabinet/writs/{writ_id}/resubmit/", follow=True)
    writ = Writ.objects.get(pk=writ_id)
    assert (writ.status, writ.bailiff) == (WritStatus.DISTRIBUTED, bailiff)


def test_cabinet_pages_are_404_for_strangers_and_the_form_for_others(assigned, client, people):
    writ_id, _bailiff = assigned
    client.force_login(people.stranger)
    assert client.get(f"/cabinet/writs/{writ_id}/").status_code == 404
    assert (
        client.post(f"/cabinet/writs/{writ_id}/status/", {"status": "accepted"}).status_code == 404
    )
    client.force_login(people.claimant)
    assert (
        client.post(f"/cabinet/writs/{writ_id}/status/", {"status": "accepted"}).status_code == 404
    )
    assert Writ.objects.get(pk=writ_id).status == WritStatus.DISTRIBUTED
    client.logout()
    assert client.get(f"/cabinet/writs/{writ_id}/").status_code == 302  # to sign in


@pytest.mark.parametrize("language", ["ru", "en"])
def test_writ_page_dates_in_the_page_language(assigned, client, people, language):
    """Issue 10: dates a person reads in the page's language's format (was `2026-06-01`)."""
    from django.utils import translation

    from sotkabinet.core.timefmt import local_date

    writ_id, _bailiff = assigned
    writ = Writ.objects.select_related("act").get(pk=writ_id)
    client.force_login(people.claimant)
    page = client.get(f"/cabinet/writs/{writ_id}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        shown = local_date(writ.act.date)
    assert shown in page
    assert writ.act.date.isoformat() not in page
