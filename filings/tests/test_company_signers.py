"""Issue 9 "Legal entities": only the first head's key or an employee key with the right to sign
(role OIDs under 1.2.398.3.3.4.1.2, SPEC R-ECP-4) may sign a filing for a company. A plain
employee's key signs in, but its filing is refused with `signer_mismatch`
(details.reason `no_signing_right`). SPEC R-FIL-11.
"""

from __future__ import annotations

import pytest

from filings.models import Filing, FilingStatus

from .conftest import signing_payload

flow = pytest.mark.django_db(transaction=True)


@pytest.fixture
def company(make_user):
    return make_user(kind="legal_entity", full_name="«Алатау Құрылыс» ЖШС", business_size="small")


def submit(client, filing_id: int, cms: str):
    return client.post(f"/api/v1/filings/{filing_id}/submit/", {"cms": cms}, format="json")


@flow
@pytest.mark.parametrize("role", ["head", "signer"])
def test_the_head_or_a_person_with_the_right_to_sign_signs_for_the_company(
    role, company, draft_with_files, ecp
):
    client, filing_id = draft_with_files(user=company)
    cms = ecp.sign(company, signing_payload(client, filing_id), role=role)
    response = submit(client, filing_id, cms)
    assert response.status_code == 202, response.content
    filing = Filing.objects.get(pk=filing_id)
    assert filing.status == FilingStatus.RECEIVED, filing.signature_verdict
    assert filing.signer_bin == company.login and filing.signer_iin != company.login


@flow
@pytest.mark.parametrize("role", ["employee", "hr", "finance", "1.2.398.3.3.4.1.2"])
def test_a_company_key_without_the_right_to_sign_is_refused(role, company, draft_with_files, ecp):
    """`1.2.398.3.3.4.1.2` alone: a legal entity's key with no role at all."""
    client, filing_id = draft_with_files(user=company)
    cms = ecp.sign(company, signing_payload(client, filing_id), role=role)
    response = submit(client, filing_id, cms)
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "signer_mismatch"
    assert body["details"] == {"signers": [company.login], "reason": "no_signing_right"}
    assert Filing.objects.get(pk=filing_id).status == FilingStatus.DRAFT


@pytest.mark.django_db
def test_a_plain_employee_key_still_signs_in(company, api_client, ecp):
    nonce = api_client.post("/api/v1/auth/ecp/challenge/").json()["nonce"]
    cms = ecp.sign_nonce(company, nonce, role="employee")
    response = api_client.post("/api/v1/auth/ecp/", {"nonce": nonce, "cms": cms}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["login"] == company.login
