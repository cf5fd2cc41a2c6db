"""The rejection path (SPEC R-REG-5, R-REG-7, R-FIL-12): the clerk picks a ground at the desk,
and the applicant sees that ground on the filing and in the notice."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from playwright.sync_api import expect

from filings import services
from filings.models import FilingStatus, RejectionGround
from sotkabinet.documents.samples import pdf_bytes

from .conftest import admin_sign_in, check_accessibility, shot, sign_in

pytestmark = pytest.mark.e2e


def received_filing(applicant, court, ecp):
    """A claim sent and received (signed with the test PKI), made through the services."""
    filing = services.filing_create(
        acting_user=applicant,
        court=court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="Жалдау шарты бойынша талап",
        parties=[
            {"role": "plaintiff", "name": applicant.full_name},
            {"role": "defendant", "name": "«Мысал» ЖШС"},
        ],
        annex=["Талап қою арызы", "Жалдау шарты"],
    )
    for title in filing.annex:
        upload = SimpleUploadedFile(f"{title}.pdf", pdf_bytes(text=title), "application/pdf")
        services.attachment_add(acting_user=applicant, filing=filing, uploaded=upload, title=title)
    payload = services.filing_signing_payload(filing)
    services.filing_submit(acting_user=applicant, filing=filing, cms=ecp.sign(applicant, payload))
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RECEIVED
    return filing


def test_rejection_ground_reaches_the_applicant(new_page, live, court, make_user, ecp):
    applicant = make_user("applicant", full_name="Сәрсенов Ержан")
    clerk = make_user("clerk", court, full_name="Омарова Динара", is_staff=True)
    filing = received_filing(applicant, court, ecp)

    clerk_page = new_page()
    admin_sign_in(clerk_page, live, clerk.login)
    clerk_page.goto(f"{live}/admin/registry/incomingfiling/{filing.pk}/change/")
    clerk_page.select_option("#id_ground", RejectionGround.WRONG_COURT)
    clerk_page.fill("#id_comment", "Іс Орал қалалық сотына қарасты.")
    shot(clerk_page, "20-clerk-reject")
    clerk_page.click("#reject-form input[type=submit]")
    expect(clerk_page.locator(".messagelist")).to_be_visible()
    filing.refresh_from_db()
    assert filing.status == FilingStatus.REJECTED
    assert filing.rejection_ground == RejectionGround.WRONG_COURT

    page = new_page()
    sign_in(page, live, applicant.login)
    card = page.locator(f".card[data-filing='{filing.pk}']")
    expect(card).to_have_class(re.compile("unread"))
    with translation.override("kk"):  # the browser asks for Kazakh (kk-KZ)
        ground = str(filing.get_rejection_ground_display())
    expect(card.locator(".next")).to_contain_text(ground)
    card.locator("h3 a").click()
    expect(page.locator("#rejection")).to_contain_text(ground)
    expect(page.locator("#rejection")).to_contain_text("Орал қалалық сотына")
    shot(page, "21-applicant-rejected")
    check_accessibility(page, "rejected filing")
