"""The guided filing wizard (R-FIL-4): steps kept server-side, what is missing, XHR uploads with
the server's verdict, and signing from the last step."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from filings.models import Filing, FilingStatus
from filings.services.draft_edit import filing_update_draft
from sotkabinet.errors import DomainError

from .conftest import pdf_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser(applicant) -> Client:
    client = Client()
    client.force_login(applicant)
    return client


def _answer_first_steps(browser: Client, court) -> Filing:
    assert (
        browser.post(
            "/cabinet/file/court/",
            {
                "court": court.pk,
                "proceeding": "civil",
                "instance": "first",
            },
        ).status_code
        == 302
    )
    assert (
        browser.post(
            "/cabinet/file/kind/",
            {
                "kind": "claim",
                "title": "Қарызды өндіріп алу туралы",
                "language": "kk",
            },
        ).status_code
        == 302
    )
    assert (
        browser.post(
            "/cabinet/file/parties/",
            {
                "party-count": "2",
                "party-0-role": "plaintiff",
                "party-0-name": "Айгүл Серікқызы",
                "party-1-role": "defendant",
                "party-1-name": "ЖШС «Мысал»",
            },
        ).status_code
        == 302
    )
    response = browser.post(
        "/cabinet/file/annex/",
        {
            "annex-count": "2",
            "annex-0-title": "Талап қою арызы",
            "annex-1-title": "Шарт",
        },
    )
    assert response.status_code == 302
    filing = Filing.objects.get()
    assert response["Location"] == f"/cabinet/filings/{filing.pk}/steps/files/"
    return filing


def test_answers_before_the_annex_are_kept_in_the_session_and_missing_is_shown(browser, court):
    """SPEC R-FIL-4: the wizard keeps the answers and lists what each step still needs."""
    page = browser.get("/cabinet/file/court/")
    assert "Choose the court." in page.content.decode()
    browser.post(
        "/cabinet/file/court/",
        {
            "court": court.pk,
            "proceeding": "civil",
            "instance": "first",
        },
    )
    page = browser.get("/cabinet/file/court/").content.decode()
    assert f'value="{court.pk}" selected' in page
    assert "Choose the court." not in page
    assert "Choose the kind of document." in page
    assert not Filing.objects.exists()


def test_a_claim_without_a_defendant_is_flagged(browser, court):
    browser.post(
        "/cabinet/file/court/", {"court": court.pk, "proceeding": "civil", "instance": "first"}
    )
    browser.post("/cabinet/file/kind/", {"kind": "claim", "title": "X", "language": "kk"})
    browser.post(
        "/cabinet/file/parties/",
        {
            "party-count": "1",
            "party-0-role": "plaintiff",
            "party-0-name": "Айгүл",
        },
    )
    assert "A claim names the defendant." in browser.get("/cabinet/file/annex/").content.decode()


def test_party_rows_are_checked(browser, court):
    response = browser.post(
        "/cabinet/file/parties/",
        {
            "party-count": "1",
            "party-0-role": "",
            "party-0-name": "Айгүл",
            "party-0-iin_bin": "123",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose the role." in text and "Not a valid IIN/BIN." in text


def test_the_annex_step_creates_the_draft_and_files_are_missing(browser, court, applicant):
    filing = _answer_first_steps(browser, court)
    assert filing.status == FilingStatus.DRAFT and filing.author == applicant
    assert filing.annex == ["Талап қою арызы", "Шарт"]
    page = browser.get(f"/cabinet/filings/{filing.pk}/steps/files/").content.decode()
    assert "Upload the file for “Талап қою арызы”." in page
    # the review blocks signing, and the sign step sends back to the review
    response = browser.get(f"/cabinet/filings/{filing.pk}/steps/sign/")
    assert response["Location"] == f"/cabinet/filings/{filing.pk}/steps/review/"
    # resuming opens the first step with something missing
    resume = browser.get(f"/cabinet/filings/{filing.pk}/continue/")
    assert resume["Location"] == f"/cabinet/filings/{filing.pk}/steps/files/"


def test_upload_answers_the_row_with_the_servers_verdict(browser, court):
    """SPEC R-DOC-1: the server sniffs the content; a renamed .exe is refused with a message."""
    filing = _answer_first_steps(browser, court)
    url = f"/cabinet/filings/{filing.pk}/steps/files/upload/"
    good = browser.post(url, {"title": "Талап қою арызы", "file": pdf_file("a")})
    assert good.status_code == 201
    assert good.json()["status"] == "valid"
    assert 'data-status="valid"' in good.json()["html"]
    exe = SimpleUploadedFile("Шарт.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    bad = browser.post(url, {"title": "Шарт", "file": exe}, HTTP_ACCEPT_LANGUAGE="ru")
    body = bad.json()
    if bad.status_code == 201:  # stored, then refused by the check
        assert body["status"] == "invalid"
        assert "Недопустимый формат файла" in body["html"]
    else:
        assert bad.status_code == 400
    row = browser.get(
        f"/cabinet/filings/{filing.pk}/steps/files/{good.json()['id']}/",
        HTTP_ACCEPT="application/json",
    )
    assert row.json()["status"] == "valid"
    page = browser.get(f"/cabinet/filings/{filing.pk}/steps/files/").content.decode()
    assert "Upload the file for “Талап қою арызы”." not in page


def test_upload_over_the_limit_is_413_with_a_message(browser, court, settings):
    """SPEC R-DOC-3: the limit is enforced by the server while streaming (patched down)."""
    settings.ATTACHMENT_MAX_BYTES = 2048
    filing = _answer_first_steps(browser, court)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 5000, "application/pdf")
    response = browser.post(
        f"/cabinet/filings/{filing.pk}/steps/files/upload/", {"title": "Шарт", "file": big}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not filing.attachments.exists()


def test_later_visits_change_the_same_draft(browser, court, other_court):
    filing = _answer_first_steps(browser, court)
    response = browser.post(
        f"/cabinet/filings/{filing.pk}/steps/court/",
        {
            "court": other_court.pk,
            "proceeding": "civil",
            "instance": "first",
        },
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.court == other_court
    assert Filing.objects.count() == 1


def test_update_service_refuses_a_sent_filing(applicant, court):
    """SPEC R-FIL-4: editable until signing only."""
    from filings.services import filing_create

    filing = filing_create(
        acting_user=applicant,
        court=court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="T",
        parties=[{"role": "plaintiff", "name": "A"}],
        annex=["A"],
    )
    Filing.objects.filter(pk=filing.pk).update(status=FilingStatus.SUBMITTED)
    with pytest.raises(DomainError) as caught:
        filing_update_draft(acting_user=applicant, filing=filing, title="New")
    assert caught.value.code == "not_draft"
    with pytest.raises(DomainError):
        filing_update_draft(acting_user=applicant, filing=filing, author=applicant)


def test_sign_step_with_the_demo_key_sends_the_filing(browser, court, settings):
    """SPEC R-FIL-4, R-FIL-7: the last step signs (DEMO key) and sends; the talon follows."""
    filing = _answer_first_steps(browser, court)
    url = f"/cabinet/filings/{filing.pk}/steps/files/upload/"
    for title in filing.annex:
        assert browser.post(url, {"title": title, "file": pdf_file(title)}).status_code == 201
    page = browser.get(f"/cabinet/filings/{filing.pk}/steps/sign/")
    assert page.status_code == 200
    assert 'id="sign-demo"' in page.content.decode()
    response = browser.post(f"/cabinet/filings/{filing.pk}/steps/sign/", {"demo": "1"})
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.status != FilingStatus.DRAFT and filing.number
    # a sent filing's steps lead to its page
    again = browser.get(f"/cabinet/filings/{filing.pk}/steps/files/")
    assert again["Location"] == f"/cabinet/filings/{filing.pk}/"


def test_demo_button_only_in_demo(browser, court, settings):
    filing = _answer_first_steps(browser, court)
    url = f"/cabinet/filings/{filing.pk}/steps/files/upload/"
    for title in filing.annex:
        browser.post(url, {"title": title, "file": pdf_file(title)})
    settings.DEMO = False
    page = browser.get(f"/cabinet/filings/{filing.pk}/steps/sign/").content.decode()
    assert 'id="sign-demo"' not in page and 'id="sign-ncalayer"' in page
    response = browser.post(f"/cabinet/filings/{filing.pk}/steps/sign/", {"demo": "1"})
    assert response.status_code == 400
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT


def test_a_row_being_checked_polls_until_the_verdict(browser, court):
    """The server's verdict arrives without a reload: a pending row asks htmx to poll it."""
    filing = _answer_first_steps(browser, court)
    url = f"/cabinet/filings/{filing.pk}/steps/files/upload/"
    attachment_id = browser.post(url, {"title": "Шарт", "file": pdf_file("b")}).json()["id"]
    filing.attachments.filter(pk=attachment_id).update(status="pending")
    poll = f"/cabinet/filings/{filing.pk}/steps/files/{attachment_id}/"
    pending = browser.get(poll).content.decode()
    assert 'hx-trigger="every 1s"' in pending and f'hx-get="{poll}"' in pending
    filing.attachments.filter(pk=attachment_id).update(status="valid")
    done = browser.get(poll).content.decode()
    assert 'data-status="valid"' in done and "hx-trigger" not in done


def test_enter_in_a_row_saves_rather_than_adds_a_row(browser):
    """The first submit button of the parties form (the one Enter uses) saves the step."""
    html = browser.get("/cabinet/file/parties/").content.decode()
    form = html[html.index('name="party-count"') :]
    first_button = form[form.index("<button") : form.index(">", form.index("<button"))]
    assert 'name="add_row"' not in first_button
