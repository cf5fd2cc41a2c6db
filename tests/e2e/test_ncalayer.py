"""Signing through NCALayer in the browser (SPEC R-ECP-5, R-FIL-4, R-FIL-11).

The page talks to a stand-in NCALayer on wss://127.0.0.1:13579 (tests/e2e/ncalayer.py):
first nothing listens ("NCALayer is not running", with the install link); then it answers
"cancelled" (the page says so and nothing is sent); then it returns a CMS made with the test
PKI for the applicant, whose CA is trusted in the live server's database (the `ecp` fixture),
and the page submits it: the filing is received with a valid signature.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from filings.models import Filing, FilingStatus

from .conftest import shot, sign_in
from .ncalayer import FakeNCALayer
from .test_claim_story import file_claim_in_wizard

pytestmark = pytest.mark.e2e


def test_ncalayer_states_cancel_and_signature(new_page, live, court, make_user, ecp, tmp_path):
    applicant = make_user("applicant", full_name="Ким Светлана")
    person = ecp.person(applicant)  # the applicant's key in the test PKI (a signing key)

    def sign(data: bytes, detached: bool) -> str:
        return ecp.sign_with(person, data, detached=detached)

    page = new_page()
    sign_in(page, live, applicant.login)
    file_claim_in_wizard(page, live, court, tmp_path, screenshots=False)
    status = page.locator("#ecp-status")
    install = page.locator("#ecp-install")

    # Nothing listens on 13579: "not running", with the link to install NCALayer.
    page.click("#sign-ncalayer")
    expect(status).to_have_attribute("data-state", "not_running")
    expect(status).to_contain_text("NCALayer")
    expect(install).to_be_visible()
    expect(install).to_have_attribute("href", re.compile(r"^https://pki\.gov\.kz/"))
    shot(page, "40-ncalayer-not-running")

    with FakeNCALayer(sign, tmp_path) as layer:
        # The user closes NCALayer's window: cancelled, nothing sent.
        layer.mode = "cancel"
        page.click("#sign-ncalayer")
        expect(page.locator("#ecp-storages button")).to_have_count(1)
        page.click("#ecp-storages button")  # choose storage: the key file (PKCS#12)
        expect(status).to_have_attribute("data-state", "cancelled")
        expect(install).to_be_visible()
        shot(page, "41-ncalayer-cancelled")
        filing = Filing.objects.get(author=applicant)
        assert filing.status == FilingStatus.DRAFT

        # Now it signs: "signing" while NCALayer's window is open, then the page posts the CMS
        # and the filing is received.
        layer.mode = "sign"
        layer.hold = True
        page.click("#sign-ncalayer")
        expect(status).to_have_attribute("data-state", "choose_storage")
        page.click("#ecp-storages button")
        expect(status).to_have_attribute("data-state", "signing")
        expect(page.locator("#sign-ncalayer")).to_be_disabled()
        shot(page, "42-ncalayer-signing")
        layer.release.set()
        page.wait_for_url(re.compile(rf".*/cabinet/filings/{filing.pk}/$"))
        sign_requests = [r for r in layer.requests if r.get("method") == "sign"]
        assert len(sign_requests) == 2
        assert sign_requests[-1]["args"]["signingParams"]["encapsulate"] is False

    filing.refresh_from_db()
    assert filing.status == FilingStatus.RECEIVED, (filing.status, filing.signature_verdict)
    assert filing.signature_verdict["valid"] is True
    assert filing.signer_iin == applicant.login
    shot(page, "43-ncalayer-signed")
