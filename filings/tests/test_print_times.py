"""Issue 10: every time a person reads is in the court's zone, in the page's language's format,
with the zone named. The talon, its public check, the e-receipt and the power of attorney's PDF
printed `2026-06-09 10:00:00 (Asia/Almaty, UTC+0500)` or a bare UTC time. They are official
documents in the court's languages (kk/ru), both of which write `09.06.2026 10:00:00`.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader

from filings.duty.payments import render_e_receipt
from filings.models import Filing, FilingStatus, Payment, PaymentStatus, PowerOfAttorney
from filings.talon import render_talon_pdf

pytestmark = pytest.mark.django_db

SENT = datetime(2026, 6, 9, 5, 0, 30, tzinfo=UTC)  # 10:00:30 in Almaty (UTC+5 since 2024)
LOCAL = "09.06.2026 10:00:30 (Asia/Almaty, UTC+5)"


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(
        "\n", " "
    )


@pytest.fixture
def filing(court, make_user):
    return Filing.objects.create(
        court=court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="Талап қою арызы",
        author=make_user("applicant"),
        status=FilingStatus.RECEIVED,
        submitted_at=SENT,
        received_at=SENT,
        registration_deadline=datetime(2026, 6, 10, 5, 0, tzinfo=UTC),
        number="ALM-SMAS-T-000042",
        manifest_sha256="a" * 64,
        parties=[{"role": "plaintiff", "name": "Талапкер", "iin_bin": ""}],
    )


def test_talon_pdf_times_in_court_time_with_the_zone(filing):
    text = pdf_text(render_talon_pdf(filing))
    assert LOCAL in text
    assert "10.06.2026 10:00 (Asia/Almaty, UTC+5)" in text  # registration deadline
    assert "09.06.2026 05:00:30 UTC" in text
    assert "2026-06-09" not in text


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_public_talon_check_times_in_court_time_with_the_zone(filing, language):
    html = Client().get(f"/verify/talon/{filing.number}/", HTTP_ACCEPT_LANGUAGE=language)
    page = html.content.decode()
    assert html.status_code == 200
    assert LOCAL in page
    assert "2026-06-09" not in page
    data = Client().get(f"/verify/talon/{filing.number}/", HTTP_ACCEPT="application/json").json()
    assert data["submitted_at"] == "2026-06-09T05:00:30+00:00"  # the JSON keeps ISO 8601


def test_e_receipt_paid_at_in_court_time_with_the_zone(filing):
    payment = Payment.objects.create(
        filing=filing,
        amount=Decimal("3932.00"),
        status=PaymentStatus.PAID,
        reference="ORDER-42",
        receipt_code="RC-42",
        payer=filing.author,
        paid_at=SENT,
    )
    attachment = render_e_receipt(payment)
    from sotkabinet.documents.upload import open_blob

    with open_blob(attachment.blob) as handle:
        text = pdf_text(handle.read())
    assert LOCAL in text
    assert "2026-06-09" not in text


def test_power_pdf_signed_at_in_court_time_with_the_zone(make_user):
    principal = make_user("applicant")
    power = PowerOfAttorney.objects.create(
        principal=principal,
        powers=["file_claims"],
        valid_from=date(2026, 6, 1),
        valid_until=date(2026, 12, 31),
        fabula="Қарыз өндіру туралы дау.",
        signed_at=SENT,
    )
    client = Client()
    client.force_login(principal)
    response = client.get(f"/cabinet/powers/{power.pk}/download.pdf")
    assert response.status_code == 200, response.content[:300]
    text = pdf_text(response.content)
    assert LOCAL in text
    assert "01.06.2026 — 31.12.2026" in text
    assert "2026-06-09" not in text


@pytest.mark.parametrize(
    ("language", "period"),
    [
        ("kk", "01.06.2026 — 31.12.2026"),
        ("ru", "01.06.2026 — 31.12.2026"),
        ("en", "1 Jun 2026 — 31 Dec 2026"),
    ],
)
def test_power_pages_show_the_period_in_the_page_language(make_user, language, period):
    """Issue 10: dates on pages in the page's language's format (was `2026-06-01`)."""
    principal = make_user("applicant")
    power = PowerOfAttorney.objects.create(
        principal=principal,
        powers=["file_claims"],
        valid_from=date(2026, 6, 1),
        valid_until=date(2026, 12, 31),
        fabula="Қарыз өндіру туралы дау.",
    )
    client = Client()
    client.force_login(principal)
    for url in ("/cabinet/powers/", f"/cabinet/powers/{power.pk}/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        assert period in page.content.decode()
        assert "2026-06-01" not in page.content.decode()


def test_filings_admin_shows_court_time(filing, make_user):
    """Issue 10: the operators' filing list and its history in court time, zone named."""
    from filings.models import FilingEvent

    FilingEvent.objects.create(filing=filing, status=filing.status, note="Қабылданды", at=SENT)
    client = Client()
    client.force_login(make_user("clerk", is_staff=True, is_superuser=True))
    listing = client.get("/admin/filings/filing/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    page = client.get(f"/admin/filings/filing/{filing.pk}/change/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "09.06.2026 10:00 (Asia/Almaty, UTC+5)" in listing
    assert "09.06.2026 10:00 (Asia/Almaty, UTC+5)" in page.content.decode()
