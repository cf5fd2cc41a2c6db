"""The judge's page lists the executive documents awaiting the judge's ЭЦҚ (SPEC R-ENF-2)."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from enforcement.services import writ_create
from registry.tests.acts_helpers import make_case, sign_act, upload_act


def test_judge_page_lists_writs_to_sign(ecp, make_user, court, district, tmp_path):
    judge = make_user("judge", court, full_name="Судья Жазушы")
    party = make_user("applicant", full_name="Тарап Бір")
    case = make_case(court, judge, party)
    act = sign_act(upload_act(case, judge, tmp_path), judge, ecp)
    writ = writ_create(
        acting_user=judge,
        act=act,
        claimant={"name": "Өндіріп алушы", "iin_bin": party.login},
        debtor={"name": "Борышкер Бақыт", "district": district.code},
        category="individual_sum",
        amount=Decimal("1000.00"),
        immediate=True,
    )
    client = Client()
    client.force_login(judge)
    html = client.get("/judge/acts/").content.decode()
    assert writ.number in html and "Борышкер Бақыт" in html
    assert f"/api/v1/writs/{writ.pk}/signing-payload/" in html
    assert client.get(f"/api/v1/writs/{writ.pk}/signing-payload/").status_code == 200
    other_judge = make_user("judge", court, full_name="Басқа Судья")
    client.force_login(other_judge)
    assert writ.number not in client.get("/judge/acts/").content.decode()
