"""Issue 9, "Unsent drafts are private": court staff see a filing only from `submitted` on.

The author and the principal see and change their draft. Every court role (clerk, judge,
secretary, chairman, archivist) gets 404 for it on every route that shows a filing: the API's
detail, list, attachments, signing payload and talon, the cabinet pages, the duty page and the
admin. Once sent, the court's staff see it again (docs/api.md).
"""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from filings.models import Attachment, Filing, FilingStatus
from sotkabinet.documents.samples import pdf_bytes
from sotkabinet.documents.upload import store_blob

COURT_ROLES = ["clerk", "judge", "secretary", "chairman", "archivist"]


@pytest.fixture
def draft(court, make_user):
    author = make_user("applicant")
    filing = Filing.objects.create(
        court=court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="Жеке жоба: әлі жіберілмеген",
        author=author,
        annex=["Талап қою арызы"],
    )
    data = pdf_bytes(text="draft")
    blob = store_blob(data)
    attachment = Attachment.objects.create(
        filing=filing,
        title="Талап қою арызы",
        filename="claim.pdf",
        original_filename="claim.pdf",
        blob=blob,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        detected_format="pdf",
        status="valid",
    )
    return filing, attachment


def _api_paths(filing, attachment) -> list[str]:
    return [
        f"/api/v1/filings/{filing.pk}/",
        f"/api/v1/filings/{filing.pk}/attachments/{attachment.pk}/",
        f"/api/v1/filings/{filing.pk}/signing-payload/",
        f"/api/v1/filings/{filing.pk}/talon.pdf",
    ]


def _web_paths(filing) -> list[str]:
    return [
        f"/cabinet/filings/{filing.pk}/",
        f"/cabinet/filings/{filing.pk}/duty/",
        f"/cabinet/filings/{filing.pk}/talon.pdf",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", COURT_ROLES)
def test_court_staff_get_404_for_an_unsent_draft(role, draft, court, make_user, client_for):
    """Issue 9: no court role reads an applicant's draft through the API or the web pages."""
    filing, attachment = draft
    staff = make_user(role, court, is_staff=True)
    api = client_for(staff)
    for path in _api_paths(filing, attachment):
        response = api.get(path)
        assert response.status_code == 404, (role, path, response.status_code)
        assert filing.title not in response.content.decode(errors="replace")
    assert api.get("/api/v1/filings/").json()["count"] == 0
    web = Client()
    web.force_login(staff)
    for path in _web_paths(filing):
        response = web.get(path)
        assert response.status_code == 404, (role, path, response.status_code)


@pytest.mark.django_db
def test_the_author_still_sees_the_draft(draft, client_for):
    filing, attachment = draft
    api = client_for(filing.author)
    assert api.get(f"/api/v1/filings/{filing.pk}/").status_code == 200
    assert api.get(f"/api/v1/filings/{filing.pk}/attachments/{attachment.pk}/").status_code == 200
    assert api.get(f"/api/v1/filings/{filing.pk}/signing-payload/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", COURT_ROLES)
def test_court_staff_see_the_filing_once_sent(role, draft, court, make_user, client_for):
    """Issue 9: from `submitted` on, the court's staff see the filing (403 to change it)."""
    filing, attachment = draft
    Filing.objects.filter(pk=filing.pk).update(
        status=FilingStatus.SUBMITTED, submitted_at=timezone.now(), number="T-1"
    )
    api = client_for(make_user(role, court))
    assert api.get(f"/api/v1/filings/{filing.pk}/").status_code == 200
    assert api.get(f"/api/v1/filings/{filing.pk}/attachments/{attachment.pk}/").status_code == 200
    assert (
        api.delete(f"/api/v1/filings/{filing.pk}/attachments/{attachment.pk}/").status_code == 403
    )


@pytest.mark.django_db
def test_admin_screens_leave_out_drafts(draft, court, make_user):
    """Issue 9: neither the clerk's desk nor the operators' filing admin opens a draft."""
    filing, attachment = draft
    clerk = make_user("clerk", court, is_staff=True)
    operator = make_user("applicant", is_staff=True, is_superuser=True)
    for user in (clerk, operator):
        web = Client()
        web.force_login(user)
        desk = web.get("/admin/registry/incomingfiling/?queue=all")
        assert filing.title not in desk.content.decode()
        card = web.get(f"/admin/registry/incomingfiling/{filing.pk}/change/")
        assert card.status_code in (302, 404)
        download = web.get(
            f"/admin/registry/incomingfiling/{filing.pk}/attachments/{attachment.pk}/download/"
        )
        assert download.status_code == 404
    web = Client()
    web.force_login(operator)
    assert filing.title not in web.get("/admin/filings/filing/").content.decode()
    assert web.get(f"/admin/filings/filing/{filing.pk}/change/").status_code == 302


@pytest.mark.django_db
def test_clerk_registering_a_draft_learns_nothing_more_than_not_received(
    draft, court, make_user, client_for
):
    """docs/api.md: registering a filing of the clerk's court that is not received is 409
    `not_received`; a judge of the court, who may not see the draft, gets 404."""
    filing, _attachment = draft
    clerk = client_for(make_user("clerk", court))
    response = clerk.post(f"/api/v1/registry/filings/{filing.pk}/register/", {}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "not_received")
    assert filing.title not in response.content.decode()
    judge = client_for(make_user("judge", court))
    response = judge.post(f"/api/v1/registry/filings/{filing.pk}/register/", {}, format="json")
    assert response.status_code == 404
