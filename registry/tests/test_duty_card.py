"""Issue 9 "Money": the clerk's registration card shows what was paid and what is still due
(SPEC R-REG-1, R-REG-4, R-FIL-5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from filings.models import Payment, PaymentStatus

pytestmark = pytest.mark.django_db


def pay(filing, amount: str, status: str = PaymentStatus.PAID) -> Payment:
    return Payment.objects.create(
        filing=filing,
        amount=Decimal(amount),
        status=status,
        reference=f"ref-{filing.pk}-{amount}-{status}",
        payer=filing.author,
    )


def test_card_shows_paid_and_still_due(clerk, make_filing):
    """Issue 9: a part-paid duty is `missing` on the card, with the paid sum and the rest."""
    filing = make_filing(duty_amount="37500.00", duty_status="missing")
    pay(filing, "12500.00")
    pay(filing, "9999.00", status=PaymentStatus.MISMATCH)  # not counted
    pay(filing, "5000.00", status=PaymentStatus.PENDING)  # not counted
    desk = Client()
    desk.force_login(clerk)
    response = desk.get(f"/admin/registry/incomingfiling/{filing.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd id="duty-paid">12500.00</dd>' in html
    assert '<dd id="duty-due"><strong>25000.00</strong></dd>' in html
    assert response.context["duty"]["status"] == "missing"


def test_card_of_a_fully_paid_duty_shows_nothing_due(clerk, make_filing):
    filing = make_filing(duty_amount="1000.00", duty_status="paid")
    pay(filing, "400.00")
    pay(filing, "600.00")
    desk = Client()
    desk.force_login(clerk)
    html = desk.get(f"/admin/registry/incomingfiling/{filing.pk}/change/").content.decode()
    assert '<dd id="duty-paid">1000.00</dd>' in html
    assert '<dd id="duty-due">0.00</dd>' in html


def test_queue_items_carry_the_paid_sum(clerk, make_filing, client_for):
    """Issue 9 / docs/api.md: the queue's filings have `duty: {"amount", "paid", "status"}`."""
    filing = make_filing(duty_amount="37500.00", duty_status="missing")
    pay(filing, "12500.00")
    response = client_for(clerk).get("/api/v1/registry/queue/")
    assert response.status_code == 200
    body = response.json()
    items = body["results"] if isinstance(body, dict) else body
    assert [item["duty"] for item in items] == [
        {"amount": "37500.00", "paid": "12500.00", "status": "missing"}
    ]
