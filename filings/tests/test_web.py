"""The cabinet's server-rendered pages (Django test client, CSRF on).

SPEC R-FIL-1, R-FIL-4, R-FIL-7, R-FIL-8, R-FIL-12, R-DOC-3.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import new_login
from filings.models import Attachment, Filing, FilingStatus
from filings.services import filing_signing_payload
from filings.web.views import SignInThrottle
from sotkabinet.accounts.models import User
from sotkabinet.documents.samples import pdf_bytes

flow = pytest.mark.django_db(transaction=True)
PASSWORD = "Kazakh-Court-2026!"


def csrf_token(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, url
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, url
    return match.group(1)


def post(client: Client, url: str, data: dict, form_url: str | None = None, **extra):
    data = {**data, "csrfmiddlewaretoken": csrf_token(client, form_url or url)}
    return client.post(url, data, **extra)


def sign_up(client: Client, ecp, full_name: str = "Ерлан Болатұлы") -> User:
    """The sign-up page as the browser drives it (issue 9): a `register` challenge of this
    session, signed by the holder's key as NCALayer would, posted with the form."""
    login = new_login()
    token = csrf_token(client, "/accounts/sign-up/")
    nonce = client.post(
        "/ecp-login/challenge/", {"purpose": "register"}, HTTP_X_CSRFTOKEN=token
    ).json()["nonce"]
    response = post(
        client,
        "/accounts/sign-up/",
        {
            "login": login,
            "kind": "individual",
            "full_name": full_name,
            "email": "erlan@example.kz",
            "phone": "",
            "business_size": "",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "nonce": nonce,
            "cms": ecp.sign_nonce(login, nonce, full_name=full_name),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/cabinet/"
    return User.objects.get(login=login)


def new_filing(client: Client, court) -> int:
    response = post(
        client,
        "/cabinet/filings/new/",
        {
            "court": court.pk,
            "proceeding": "civil",
            "instance": "first",
            "kind": "claim",
            "title": "Талап қою арызы",
            "language": "kk",
            "parties": "plaintiff; Ерлан Болатұлы\ndefendant; ЖШС «Мысал»",
            "annex": "Талап қою арызы\nШарт",
            "claim_amount": "150000",
            "case": "",
            "principal": "",
            "power": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return int(re.search(r"/cabinet/filings/(\d+)/", response["Location"]).group(1))


def upload_pdf(client: Client, filing_id: int, title: str, data: bytes | None = None):
    detail = f"/cabinet/filings/{filing_id}/"
    return post(
        client,
        f"/cabinet/filings/{filing_id}/attachments/",
        {
            "file": SimpleUploadedFile(f"{title}.pdf", data or pdf_bytes(text=title)),
            "title": title,
            "kind": "document",
        },
        form_url=detail,
    )


@flow
def test_web_happy_path_sign_up_to_registered_case_and_talon(court, judge, clerk, ecp):
    """GIVEN a visitor WHEN they sign up, draft, upload two PDFs, sign and send in the browser
    THEN the filing is received; after the clerk registers it, My cases shows the case, the
    notices say so, and the talon downloads.  # SPEC R-FIL-1, R-FIL-4, R-FIL-7, R-FIL-8"""
    from registry.services import filing_register

    client = Client(enforce_csrf_checks=True)
    user = sign_up(client, ecp)
    filing_id = new_filing(client, court)
    for title in ("Талап қою арызы", "Шарт"):
        response = upload_pdf(client, filing_id, title)
        assert response.status_code == 302
    detail = client.get(f"/cabinet/filings/{filing_id}/").content.decode()
    assert detail.count("status-valid") == 2
    assert "Тарих" in detail or "History" in detail

    sign_page = client.get(f"/cabinet/filings/{filing_id}/sign/")
    assert sign_page.status_code == 200
    payload = re.search(
        r'<script id="payload-data" type="application/json">(.*?)</script>',
        sign_page.content.decode(),
        re.S,
    ).group(1)
    payload_bytes = json.loads(payload).encode("utf-8")
    filing = Filing.objects.get(pk=filing_id)
    assert payload_bytes == filing_signing_payload(filing)
    sent = post(
        client,
        f"/cabinet/filings/{filing_id}/sign/",
        {"cms": ecp.sign(user, payload_bytes), "demo": ""},
    )
    assert sent.status_code == 302
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RECEIVED

    filing_register(acting_user=clerk, filing=filing)
    filing.refresh_from_db()
    cases = client.get("/cabinet/?status=registered").content.decode()
    assert filing.case.number in cases and filing.number in cases
    notices = client.get("/cabinet/notifications/").content.decode()
    assert filing.case.number in notices
    # R-REG-1: received, registration card created; in the user's language (issue 10)
    assert "registration card is created" in notices and "карточка" not in notices
    talon = client.get(f"/cabinet/filings/{filing_id}/talon.pdf")
    assert talon.status_code == 200
    assert b"".join(talon.streaming_content).startswith(b"%PDF")


@flow
def test_sign_with_the_demo_key(court, make_user, settings):
    """DEMO: the "sign with the demo key" button signs on the server and sends."""
    settings.DEMO = True
    user = make_user("applicant", full_name="Демо Пайдаланушы")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    filing_id = new_filing(client, court)
    for title in ("Талап қою арызы", "Шарт"):
        upload_pdf(client, filing_id, title)
    page = client.get(f"/cabinet/filings/{filing_id}/sign/").content.decode()
    assert 'id="sign-demo"' in page
    response = post(client, f"/cabinet/filings/{filing_id}/sign/", {"cms": "", "demo": "1"})
    assert response.status_code == 302
    filing = Filing.objects.get(pk=filing_id)
    assert filing.status == FilingStatus.RECEIVED, filing.signature_verdict
    assert filing.signer_iin == user.login


@flow
def test_a_bad_signature_is_shown_on_the_sign_page(court, make_user, ecp):
    user = make_user("applicant")
    client = Client()
    client.force_login(user)
    filing_id = new_filing(client, court)
    for title in ("Талап қою арызы", "Шарт"):
        upload_pdf(client, filing_id, title)
    response = client.post(f"/cabinet/filings/{filing_id}/sign/", {"cms": "bm90IGEgQ01T"})
    assert response.status_code == 400
    assert "malformed" in response.content.decode()
    assert Filing.objects.get(pk=filing_id).status == FilingStatus.DRAFT


@pytest.mark.django_db
def test_sign_in_is_throttled_with_clear_messages(make_user, monkeypatch):
    """# SPEC R-FIL-1: password sign-in; repeated attempts get 429 with Retry-After."""
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(SignInThrottle, "THROTTLE_RATES", {"sign_in": "3/min"})
    user = make_user("applicant")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the texts are asserted in English
    wrong = client.post("/accounts/sign-in/", {"login": user.login, "password": "wrong"})
    assert wrong.status_code == 200
    assert "IIN/BIN or the password is wrong" in wrong.content.decode()
    right = client.post(
        "/accounts/sign-in/?next=/cabinet/notifications/",
        {"login": user.login, "password": "Str0ng-Passw0rd!"},
    )
    assert right.status_code == 302 and right["Location"] == "/cabinet/notifications/"
    client.post("/accounts/sign-in/", {"login": user.login, "password": "wrong"})
    blocked = client.post("/accounts/sign-in/", {"login": user.login, "password": "wrong"})
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) >= 1
    assert "Too many sign-in attempts" in blocked.content.decode()
    cache.clear()


@pytest.mark.django_db
def test_sign_up_errors_are_shown_on_the_form():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/accounts/sign-up/",
        {
            "login": "123456789012",
            "kind": "individual",
            "full_name": "X",
            "password": "short",
            "password_again": "short",
        },
    )
    assert response.status_code == 200
    assert "IIN is not valid" in response.content.decode()
    assert not User.objects.filter(login="123456789012").exists()


@pytest.mark.django_db
def test_forms_need_the_csrf_token(court, make_user):
    user = make_user("applicant")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/cabinet/filings/new/", {"title": "x"}).status_code == 403
    filing = Filing.objects.create(
        court=court, proceeding="civil", instance="first", kind="claim", title="T", author=user
    )
    upload = client.post(
        f"/cabinet/filings/{filing.pk}/attachments/",
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes()), "title": "a"},
    )
    assert upload.status_code == 403
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_web_upload_over_the_limit_is_413_and_nothing_is_stored(court, make_user, settings):
    """# SPEC R-DOC-3: the browser gets a 413 page with the form error; nothing is kept."""
    settings.ATTACHMENT_MAX_BYTES = 4096
    user = make_user("applicant")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    filing_id = new_filing(client, court)
    response = upload_pdf(client, filing_id, "Үлкен", pdf_bytes(size_at_least=8192))
    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert not Attachment.objects.filter(filing_id=filing_id).exists()


@pytest.mark.django_db
def test_another_applicant_gets_404_on_the_pages(court, make_user):
    owner = make_user("applicant")
    filing = Filing.objects.create(
        court=court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="Бөтен өтініш",
        author=owner,
    )
    client = Client()
    client.force_login(make_user("applicant"))
    for url in (
        f"/cabinet/filings/{filing.pk}/",
        f"/cabinet/filings/{filing.pk}/sign/",
        f"/cabinet/filings/{filing.pk}/talon.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert filing.title not in client.get("/cabinet/").content.decode()
    assert client.get("/cabinet/").status_code == 200
    anonymous = Client().get("/cabinet/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/sign-in/")


@pytest.mark.django_db
def test_admin_shows_filings_read_only(court, make_user, client):
    """Operators see filings with files and history; nothing can be deleted (R-ECP-2)."""
    admin_user = make_user("applicant", is_staff=True, is_superuser=True)
    filing = Filing.objects.create(
        court=court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="Ops",
        author=admin_user,
    )
    client.force_login(admin_user)
    assert client.get("/admin/filings/filing/").status_code == 200
    assert client.get(f"/admin/filings/filing/{filing.pk}/change/").status_code == 200
    assert client.get(f"/admin/filings/filing/{filing.pk}/delete/").status_code == 403
