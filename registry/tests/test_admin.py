"""The clerk's desk in the Django admin: queue, registration card, decisions, files
(SPEC R-REG-1, R-REG-3, R-REG-5, R-REG-6)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from filings.models import FilingEvent, FilingStatus
from registry.models import Case
from registry.tests.conftest import pdf_document
from sotkabinet.core.models import AuditLog

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/registry/incomingfiling/"


def card(filing) -> str:
    return f"{CHANGELIST}{filing.pk}/change/"


@pytest.fixture
def desk(clerk) -> Client:
    client = Client()
    client.force_login(clerk)
    return client


def test_queue_shows_only_the_clerks_court_with_deadline_badges(
    desk, make_filing, other_court
):  # SPEC R-REG-3
    overdue = make_filing(received_at=datetime(2026, 6, 9, 5, 0, tzinfo=UTC))  # due Wed 10:00
    near = make_filing(received_at=datetime(2026, 6, 9, 12, 0, tzinfo=UTC))  # due Wed 17:00
    fresh = make_filing(received_at=datetime(2026, 6, 10, 9, 0, tzinfo=UTC))  # due Thu 14:00
    foreign = make_filing(court=other_court)
    with time_machine.travel(datetime(2026, 6, 10, 10, 30, tzinfo=UTC), tick=False):
        response = desk.get(CHANGELIST)
        overdue_only = desk.get(CHANGELIST, {"queue": "overdue"})
        near_only = desk.get(CHANGELIST, {"queue": "near"})
    assert response.status_code == 200
    html = response.content.decode()
    for filing in (overdue, near, fresh):
        assert filing.number in html
    assert foreign.number not in html
    assert html.index(overdue.number) < html.index(near.number) < html.index(fresh.number)
    assert "#ba2121" in html and "#f5b400" in html  # red and amber badges
    assert list(overdue_only.context["cl"].result_list) == [overdue]
    assert list(near_only.context["cl"].result_list) == [near]


def test_card_shows_the_registration_data(desk, judge, make_filing):
    """SPEC R-REG-1: form data, attachments with download and preview, the signature verdict
    and signer, the history, the duty status and the duplicate flag."""
    original = make_filing(documents=[pdf_document("contract")])
    desk.post(f"{CHANGELIST}{original.pk}/register/")
    filing = make_filing(
        documents=[pdf_document("contract"), pdf_document("claim")],
        claim_amount="1250000.00",
        duty_amount="37500.00",
        duty_status="paid",
        signature_verdict={
            "valid": True,
            "reason": None,
            "signers": [
                {
                    "iin": "900101300017",
                    "bin": None,
                    "full_name": "СЕРІКОВ АРМАН",
                    "organization": None,
                    "certificate_serial": "0a1b2c",
                    "issuer": "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)",
                    "not_before": "2026-01-01T00:00:00+00:00",
                    "not_after": "2027-01-01T00:00:00+00:00",
                    "key_usage": "sign",
                    "signing_time": "2026-06-09T05:00:00+00:00",
                    "algorithm": "sha256WithRSAEncryption",
                }
            ],
        },
        signature_checked_at=datetime(2026, 6, 9, 5, 1, tzinfo=UTC),
    )
    FilingEvent.objects.create(filing=filing, status="received", note="Барлық тексеруден өтті")
    response = desk.get(card(filing))
    assert response.status_code == 200
    html = response.content.decode()
    assert filing.title in html and filing.number in html
    assert "Талапкер" in html and "1250000" in html and "37500" in html
    assert "СЕРІКОВ АРМАН" in html and "0a1b2c" in html
    assert "Барлық тексеруден өтті" in html
    assert "badge-dup" in html and original.number in html
    attachment = filing.attachments.first()
    assert f"attachments/{attachment.pk}/download/" in html
    assert f"attachments/{attachment.pk}/preview/" in html
    assert 'name="ground"' in html and 'value="other"' not in html  # civil: no "other"


def test_card_of_another_court_is_not_found(desk, make_filing, other_court):
    foreign = make_filing(court=other_court)
    assert desk.get(card(foreign)).status_code == 404
    assert desk.post(f"{CHANGELIST}{foreign.pk}/register/").status_code == 404
    assert desk.post(f"{CHANGELIST}{foreign.pk}/reject/", {"ground": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == FilingStatus.RECEIVED


def test_register_from_the_card(desk, judge, make_filing):  # SPEC R-REG-6
    filing = make_filing()
    response = desk.post(f"{CHANGELIST}{filing.pk}/register/")
    assert response.status_code == 302 and response["Location"] == CHANGELIST
    filing.refresh_from_db()
    assert filing.status == FilingStatus.REGISTERED and filing.case.judge == judge
    # A second decision is refused with a message, back on the card.
    again = desk.post(f"{CHANGELIST}{filing.pk}/register/", follow=True)
    assert "already been registered or rejected" in again.content.decode()
    assert Case.objects.count() == 1
    assert desk.get(f"{CHANGELIST}{filing.pk}/register/").status_code == 405


def test_join_a_case_by_number_from_the_card(desk, judge, make_filing):
    first = make_filing()
    desk.post(f"{CHANGELIST}{first.pk}/register/")
    case = Case.objects.get()
    appeal = make_filing(kind="appeal")
    desk.post(f"{CHANGELIST}{appeal.pk}/register/", {"case": case.number})
    appeal.refresh_from_db()
    assert appeal.case == case and Case.objects.count() == 1
    unknown = make_filing()
    response = desk.post(f"{CHANGELIST}{unknown.pk}/register/", {"case": "NOPE-1"}, follow=True)
    assert "No case NOPE-1" in response.content.decode()
    unknown.refresh_from_db()
    assert unknown.status == FilingStatus.RECEIVED


def test_reject_from_the_card_with_ground_and_comment(desk, make_filing):  # SPEC R-REG-5
    filing = make_filing(proceeding="criminal")
    html = desk.get(card(filing)).content.decode()
    assert 'value="other"' in html  # criminal: "other" is offered
    refused = desk.post(f"{CHANGELIST}{filing.pk}/reject/", {"ground": "other"}, follow=True)
    assert "rejection ground is not allowed" in refused.content.decode()
    desk.post(f"{CHANGELIST}{filing.pk}/reject/", {"ground": "other", "comment": "Қосымша себеп"})
    filing.refresh_from_db()
    assert (filing.status, filing.rejection_ground, filing.rejection_comment) == (
        "rejected",
        "other",
        "Қосымша себеп",
    )


def test_bulk_register_action(desk, judge, make_filing, make_user, court):
    filings = [make_filing(), make_filing(), make_filing(status=FilingStatus.SUBMITTED)]
    response = desk.post(
        CHANGELIST + "?queue=all",
        {"action": "register_selected", "_selected_action": [f.pk for f in filings]},
        follow=True,
    )
    assert response.status_code == 200
    statuses = [type(f).objects.get(pk=f.pk).status for f in filings]
    assert statuses == ["registered", "registered", "submitted"]
    assert "not been received yet" in response.content.decode()


def test_chairman_sees_the_queue_but_cannot_decide(make_user, court, make_filing, judge):
    chairman = make_user("chairman", court, is_staff=True)
    filing = make_filing()
    client = Client()
    client.force_login(chairman)
    assert filing.number in client.get(CHANGELIST).content.decode()
    html = client.get(card(filing)).content.decode()
    assert 'id="register-form"' not in html
    client.post(f"{CHANGELIST}{filing.pk}/register/")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RECEIVED


def test_non_staff_and_non_clerks_are_kept_out(make_user, court, make_filing):
    filing = make_filing()
    applicant = Client()
    applicant.force_login(make_user("applicant"))
    assert applicant.get(CHANGELIST).status_code == 302  # to the admin login
    staff_judge = Client()
    staff_judge.force_login(make_user("judge", court, is_staff=True))
    assert staff_judge.get(CHANGELIST).status_code == 403
    assert staff_judge.get(card(filing)).status_code in (403, 404)


def test_attachment_download_and_pdf_preview_are_authorised(
    desk, make_filing, other_court, make_user
):
    content = pdf_document("evidence")
    filing = make_filing(documents=[content])
    attachment = filing.attachments.get()
    base = f"{CHANGELIST}{filing.pk}/attachments/{attachment.pk}"

    download = desk.get(f"{base}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/octet-stream"

    preview = desk.get(f"{base}/preview/")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert preview["Content-Disposition"].startswith("inline")
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(preview.streaming_content) == content
    assert AuditLog.objects.filter(action="attachment.download").count() == 1

    # Another court's clerk, and an attachment id of another filing: 404.
    foreign_clerk = Client()
    foreign_clerk.force_login(make_user("clerk", other_court, is_staff=True))
    assert foreign_clerk.get(f"{base}/download/").status_code == 404
    other = make_filing()
    other_attachment = other.attachments.get()
    mismatched = f"{CHANGELIST}{filing.pk}/attachments/{other_attachment.pk}/download/"
    assert desk.get(mismatched).status_code == 404
    # Only valid PDFs are previewed.
    attachment.detected_format = "docx"
    attachment.save()
    assert desk.get(f"{base}/preview/").status_code == 404
