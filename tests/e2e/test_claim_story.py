"""The main story in a real browser (SPEC R-FIL-1, R-FIL-4, R-FIL-7, R-FIL-8, R-FIL-12, R-REG-1,
R-REG-6, R-ACT-4, R-ACT-5, R-ECP-6):

1. an applicant signs up (the ИИН proven with the DEMO key, issue 9), files a claim with two
   documents through the guided wizard, signs with the DEMO signer and downloads the talon;
2. the clerk registers it at the admin desk, and the applicant sees the case and the notice;
3. the judge places and signs a decision (DEMO signer); the applicant sees it, received today,
   and downloads it; the judge marks legal force and the public /verify/ page proves it on a
   360 px phone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from filings.models import Filing, FilingStatus
from registry.models import Act
from sotkabinet.core.timefmt import local_time
from sotkabinet.documents.samples import pdf_bytes

from .conftest import (
    admin_sign_in,
    check_accessibility,
    new_iin,
    no_horizontal_scroll,
    shot,
    sign_in,
)

pytestmark = pytest.mark.e2e

DUTY_LINK = "main a[href$='/duty/']:not([href*='/steps/'])"  # the duty page, not the step


@pytest.fixture
def clerk(make_user, court):
    return make_user("clerk", court, full_name="Ахметова Гүлнар", is_staff=True)


@pytest.fixture
def judge(make_user, court):
    return make_user("judge", court, full_name="Жұмабаев Марат")


def _pdf(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(pdf_bytes(text=text))
    return path


def file_claim_in_wizard(page, live: str, court, tmp_path: Path, *, screenshots: bool) -> None:
    """Steps 1–7 of the wizard for a claim with two documents, up to the sign step."""
    page.goto(f"{live}/cabinet/file/?new=1")
    expect(page.locator("#missing-list")).to_be_visible()
    page.select_option("#id_court", str(court.pk))
    page.select_option("#id_proceeding", "civil")
    page.select_option("#id_instance", "first")
    if screenshots:
        shot(page, "02-wizard-court")
        check_accessibility(page, "wizard: court")
    page.click("#step-save")
    page.select_option("#id_kind", "claim")
    page.fill("#id_title", "Қарызды өндіріп алу туралы талап қою арызы")
    page.click("#step-save")
    page.select_option("#id_party-0-role", "plaintiff")
    page.fill("#id_party-0-name", "Нұрланова Әлия Серікқызы")
    page.click("#add-row")
    page.select_option("#id_party-1-role", "defendant")
    page.fill("#id_party-1-name", "«Дала Агро» ЖШС")
    page.click("#step-save")
    page.fill("#id_annex-0-title", "Талап қою арызы")
    page.click("#add-row")
    page.fill("#id_annex-1-title", "Қарыз шарты")
    page.click("#step-save")
    page.wait_for_url(re.compile(r".*/steps/files/$"))
    expect(page.locator("#missing-list")).to_contain_text("Талап қою арызы")
    page.set_input_files("#file-0", str(_pdf(tmp_path, "claim.pdf", "Талап қою арызы")))
    expect(page.locator("#slot-0-attachments [data-status=valid]")).to_be_visible()
    page.set_input_files("#file-1", str(_pdf(tmp_path, "contract.pdf", "Қарыз шарты")))
    expect(page.locator("#slot-1-attachments [data-status=valid]")).to_be_visible()
    expect(page.locator("#missing-list")).not_to_contain_text("Қарыз шарты")
    if screenshots:
        shot(page, "03-wizard-files")
        check_accessibility(page, "wizard: files")
    page.click("#step-save")  # files -> duty
    if screenshots and page.locator(DUTY_LINK).count():
        page.click(DUTY_LINK)
        check_accessibility(page, "state duty page")
        page.go_back()
    page.click("#step-save")  # duty -> review
    page.wait_for_url(re.compile(r".*/steps/review/$"))
    if screenshots:
        shot(page, "04-wizard-review")
    page.click("#step-save")  # review -> sign
    page.wait_for_url(re.compile(r".*/steps/sign/$"))


def test_claim_from_sign_up_to_the_signed_decision(new_page, live, court, clerk, judge, tmp_path):
    # 1. Sign up, file, DEMO-sign, download the talon.
    applicant_page = new_page()
    login = new_iin()
    applicant_page.goto(f"{live}/accounts/sign-up/")
    applicant_page.fill("#id_login", login)
    applicant_page.select_option("#id_kind", "individual")
    applicant_page.fill("#id_full_name", "Нұрланова Әлия Серікқызы")
    applicant_page.fill("#id_email", "aliya@example.kz")
    applicant_page.fill("#id_password", "Str0ng-Passw0rd!")
    applicant_page.fill("#id_password_again", "Str0ng-Passw0rd!")
    shot(applicant_page, "01-sign-up")
    check_accessibility(applicant_page, "sign-up")
    # Issue 9: the ИИН is proven by the key; the DEMO key signs this session's challenge.
    applicant_page.click("#ecp-sign-demo")
    applicant_page.wait_for_url(re.compile(r".*/cabinet/$"))

    file_claim_in_wizard(applicant_page, live, court, tmp_path, screenshots=True)
    shot(applicant_page, "05-wizard-sign")
    check_accessibility(applicant_page, "wizard: sign")
    applicant_page.click("#sign-demo")
    applicant_page.wait_for_url(re.compile(r".*/cabinet/filings/\d+/$"))
    filing = Filing.objects.get(author__login=login)
    assert filing.status == FilingStatus.RECEIVED, filing.status
    expect(applicant_page.locator("h1")).to_have_text(filing.title)
    with applicant_page.expect_download() as download:
        applicant_page.click("#talon-download")
    talon = Path(download.value.path()).read_bytes()
    assert talon.startswith(b"%PDF")
    assert download.value.suggested_filename == f"talon-{filing.number}.pdf"
    shot(applicant_page, "06-filing-sent")
    check_accessibility(applicant_page, "filing page")

    # 2. The clerk registers it at the desk (queue with the deadline badge, one click to the
    # card, attachment preview); the applicant sees the case and the notice.
    clerk_page = new_page(width=1440)
    admin_sign_in(clerk_page, live, clerk.login)
    clerk_page.goto(f"{live}/admin/registry/incomingfiling/")
    # Issue 10: the deadline in court time, the page language's format, the zone named.
    with translation.override(clerk_page.locator("html").get_attribute("lang")):
        received_by = local_time(filing.registration_deadline, court.timezone)
    expect(clerk_page.locator("#result_list")).to_contain_text(filing.number)
    expect(clerk_page.locator("#result_list")).to_contain_text(received_by)
    shot(clerk_page, "07-clerk-queue")
    clerk_page.click(f"#result_list a:has-text('{filing.number}')")
    expect(clerk_page.locator("#register-form")).to_be_visible()
    preview = clerk_page.locator("iframe.pdf-preview").first
    clerk_page.locator("details summary").first.click()
    expect(preview).to_be_visible()
    assert (
        clerk_page.request.get(live + preview.get_attribute("src"))
        .headers["content-type"]
        .startswith("application/pdf")
    )
    shot(clerk_page, "08-clerk-card")
    clerk_page.locator("details summary").first.click()  # close the preview again
    expect(preview).to_be_hidden()
    clerk_page.locator("#register-form input[type=submit]").click()
    expect(clerk_page.locator(".messagelist")).to_be_visible()
    filing.refresh_from_db()
    assert filing.status == FilingStatus.REGISTERED and filing.case is not None
    case = filing.case
    expect(clerk_page.locator(".messagelist")).to_contain_text(case.number)

    applicant_page.goto(f"{live}/cabinet/")
    card = applicant_page.locator(f".card[data-filing='{filing.pk}']")
    expect(card).to_contain_text(case.number)
    expect(card).to_have_class(re.compile("unread"))
    expect(applicant_page.locator(".notices")).to_contain_text(case.number)
    shot(applicant_page, "09-my-cases-registered")
    check_accessibility(applicant_page, "my cases")
    applicant_page.goto(f"{live}/cabinet/notifications/")
    expect(applicant_page.locator(".notices li.unread").first).to_be_visible()
    check_accessibility(applicant_page, "notifications")

    # 3. The judge places and signs the decision; the applicant sees and downloads it.
    judge_page = new_page()
    sign_in(judge_page, live, judge.login)
    judge_page.goto(f"{live}/judge/acts/")
    judge_page.click(f"summary:has-text('{case.number}')")
    decision = _pdf(tmp_path, "decision.pdf", "Шешім: талап қанағаттандырылсын")
    form = judge_page.locator(f"form[action='/judge/cases/{case.pk}/acts/']")
    form.locator("select[name=kind]").select_option("decision")
    form.locator("input[name=title]").fill("Талапты қанағаттандыру туралы шешім")
    form.locator("input[name=file]").set_input_files(str(decision))
    form.locator("button[type=submit]").click()
    sign_button = judge_page.locator("#to-sign ~ table button[data-demo]").first
    expect(sign_button).to_be_visible()
    shot(judge_page, "10-judge-to-sign")
    check_accessibility(judge_page, "judge's page")
    sign_button.click()
    mark_button = judge_page.locator("button[data-demo][data-date-input]").first
    expect(mark_button).to_be_visible()
    act = Act.objects.get(case=case)
    assert act.status == "signed" and act.published_at is not None

    applicant_page.goto(f"{live}/cabinet/")
    received = timezone.localdate(act.published_at).strftime("%d.%m.%Y")
    acts_list = applicant_page.locator(f".card[data-filing='{filing.pk}'] .acts")
    expect(acts_list).to_contain_text(act.title)
    expect(acts_list).to_contain_text(received)
    shot(applicant_page, "11-my-cases-act")
    applicant_page.click(f"a:has-text('{case.number}')")
    row = applicant_page.locator(f"tr[data-act='{act.pk}']")
    expect(row).to_have_class(re.compile("unread"))
    shot(applicant_page, "12-case-act")
    check_accessibility(applicant_page, "case page")
    with applicant_page.expect_download() as download:
        row.locator("a[download]").click()
    assert Path(download.value.path()).read_bytes() == decision.read_bytes()

    # The legal-force mark, and the public check on a phone (R-ACT-5, R-ECP-6).
    mark_button.click()
    expect(judge_page.locator("button[data-demo][data-date-input]")).to_have_count(0)
    act.refresh_from_db()
    assert act.verify_code
    phone = new_page(width=360, height=740)
    phone.goto(f"{live}/verify/{act.verify_code}/")
    expect(phone.locator(".verdict.ok")).to_be_visible()
    assert no_horizontal_scroll(phone)
    shot(phone, "13-verify-phone")
    check_accessibility(phone, "verify on a phone")
