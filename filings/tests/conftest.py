"""Fixtures of the filing-flow tests: applicants, the court's clerk and judge, upload helpers.

Flow tests run with `django_db(transaction=True)`: tasks are sent on commit, and only a real
commit runs on_commit callbacks (Celery is eager in tests, so a task runs when it is sent).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sotkabinet.documents.samples import pdf_bytes


@pytest.fixture
def applicant(make_user):
    return make_user("applicant", full_name="Айгүл Серікқызы")


@pytest.fixture
def stranger(make_user):
    return make_user("applicant", full_name="Бөгде Адам")


@pytest.fixture
def clerk(make_user, court):
    return make_user("clerk", court, full_name="Кеңсе Қызметкері", is_staff=True)


@pytest.fixture
def judge(make_user, court):
    return make_user("judge", court, full_name="Судья Төреғали")


def filing_body(court, **overrides) -> dict:
    body = {
        "court": court.pk,
        "proceeding": "civil",
        "instance": "first",
        "kind": "claim",
        "title": "Қарызды өндіріп алу туралы талап қою арызы",
        "parties": [
            {"role": "plaintiff", "name": "Айгүл Серікқызы"},
            {"role": "defendant", "name": "ЖШС «Мысал»"},
        ],
        "annex": ["Талап қою арызы", "Шарттың көшірмесі"],
    }
    body.update(overrides)
    return body


def pdf_file(label: str = "document", name: str | None = None) -> SimpleUploadedFile:
    """A real, valid PDF (documents samples) as an upload."""
    return SimpleUploadedFile(
        name or f"{label}.pdf", pdf_bytes(text=label), content_type="application/pdf"
    )


def upload(client, filing_id: int, file, title: str, kind: str | None = None, **extra):
    data = {"file": file, "title": title}
    if kind:
        data["kind"] = kind
    return client.post(
        f"/api/v1/filings/{filing_id}/attachments/", data, format="multipart", **extra
    )


@pytest.fixture
def draft_with_files(client_for, court, applicant):
    """A draft of `applicant` with its two annex documents uploaded (validated: eager tasks)."""

    def factory(user=None, **overrides):
        user = user or applicant
        client = client_for(user)
        response = client.post("/api/v1/filings/", filing_body(court, **overrides), format="json")
        assert response.status_code == 201, response.content
        filing_id = response.json()["id"]
        for title in response.json()["annex"]:
            uploaded = upload(client, filing_id, pdf_file(title), title)
            assert uploaded.status_code == 201, uploaded.content
        return client, filing_id

    return factory


def signing_payload(client, filing_id: int) -> bytes:
    response = client.get(f"/api/v1/filings/{filing_id}/signing-payload/")
    assert response.status_code == 200
    return response.content
