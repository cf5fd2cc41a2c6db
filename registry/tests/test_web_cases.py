"""The case page of the applicant's cabinet (SPEC R-FIL-8, R-ACT-4): published acts with the day
received, highlighted until seen, and hidden drafts."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from sotkabinet.core.models import Notification

from .acts_helpers import (  # noqa: F401  (fixtures)
    case_fixture,
    judge_fixture,
    party_fixture,
    representative_fixture,
    sign_act,
    stranger_fixture,
    upload_act,
)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_party_sees_published_acts_with_the_day_received_and_new_ones_highlighted(
    ecp, case, judge, party, tmp_path
):
    """SPEC R-ACT-4: the day the act appears in the cabinet is the day of receipt."""
    draft = upload_act(case, judge, tmp_path, title="Әлі қол қойылмаған жоба")
    signed = sign_act(upload_act(case, judge, tmp_path, title="Шешім"), judge, ecp)
    client = logged_in(party)
    html = client.get(f"/cabinet/cases/{case.pk}/").content.decode()
    assert signed.title in html and draft.title not in html
    assert timezone.localdate(signed.published_at).strftime("%d.%m.%Y") in html
    assert f'data-act="{signed.pk}"' in html and 'class="unread"' in html
    assert f"/api/v1/acts/{signed.pk}/document/" in html
    # seen once: the notices are read and the act is no longer highlighted
    assert not Notification.objects.filter(user=party, case_id=case.pk, read_at__isnull=True)
    assert 'class="unread"' not in client.get(f"/cabinet/cases/{case.pk}/").content.decode()


def test_a_stranger_gets_404(case, stranger):
    assert logged_in(stranger).get(f"/cabinet/cases/{case.pk}/").status_code == 404
