"""issue 10: the applicant's notices of the filing flow are in the applicant's language only.

They used to be "kk / ru" glued together; the talon PDF stays in the court's official languages.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from filings import duty
from filings.models import Filing, Payment
from sotkabinet.core.models import Notification

from .conftest import signing_payload

flow = pytest.mark.django_db(transaction=True)

EXPECTED = {
    "kk": {
        "filing_submitted": "№ {number} өтініш жіберілді және тексерілуде.",
        "filing_received": "№ {number} өтініш қабылданды, тіркеу-бақылау карточкасы жасалды.",
    },
    "ru": {
        "filing_submitted": "Обращение № {number} отправлено и проверяется.",
        "filing_received": "Обращение № {number} получено, создана регистрационно-контрольная "
        "карточка.",
    },
    "en": {
        "filing_submitted": "Filing No. {number} is sent and is being checked.",
        "filing_received": "Filing No. {number} is received; its registration card is created.",
    },
}


@flow
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_filing_notices_are_in_the_applicants_language(draft_with_files, applicant, ecp, language):
    applicant.language = language
    applicant.save(update_fields=["language"])
    client, filing_id = draft_with_files()
    payload = signing_payload(client, filing_id)
    response = client.post(
        f"/api/v1/filings/{filing_id}/submit/", {"cms": ecp.sign(applicant, payload)}, format="json"
    )
    assert response.status_code == 202, response.content
    number = Filing.objects.get(pk=filing_id).number
    for kind, text in EXPECTED[language].items():
        notice = Notification.objects.get(user=applicant, kind=kind)
        assert notice.text == text.format(number=number)


@pytest.mark.django_db
def test_a_payment_notice_is_in_the_payers_language(court, applicant):
    """The gateway's callback runs with no user's request: the payer's language still rules."""
    applicant.language = "ru"
    applicant.save(update_fields=["language"])
    filing = Filing.objects.create(
        court=court,
        instance="first",
        proceeding="civil",
        kind="claim",
        title="T",
        parties=[{"role": "plaintiff", "name": "A"}],
        annex=["A"],
        author=applicant,
        duty_amount=Decimal("10000.00"),
    )
    payment = Payment.objects.create(
        filing=filing, amount=Decimal("10000.00"), payer=applicant, reference="PAY-RU-1"
    )
    raw = json.dumps({"reference": payment.reference, "status": "failed"}).encode()
    duty.payment_callback(raw, duty.callback_signature(raw))
    notice = Notification.objects.get(user=applicant, kind="payment_failed")
    assert notice.text == "Платёж государственной пошлины PAY-RU-1 не прошёл."
