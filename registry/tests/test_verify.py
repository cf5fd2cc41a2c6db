"""The public verification page /verify/<code>/ (SPEC R-ECP-6, R-ACT-5; docs/api.md; closed
proceedings never show content)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from registry import verify_views
from registry.models import Act

from .acts_helpers import (  # noqa: F401  (fixtures)
    judge_fixture,
    make_case,
    mark_legal_force,
    party_fixture,
    sign_act,
    tampered,
    upload_act,
)

JSON = {"HTTP_ACCEPT": "application/json"}
CONTRACT_FIELDS = {
    "code",
    "kind",
    "document_sha256",
    "valid",
    "reason",
    "signers",
    "legal_force_date",
}


@pytest.fixture(autouse=True)
def generous_rate(monkeypatch):
    """The page is throttled per client address; every test client here is 127.0.0.1."""
    monkeypatch.setattr(verify_views, "VERIFY_RATE_PER_MINUTE", 10_000)


@pytest.fixture
def marked_act(ecp, court, judge, party, tmp_path):
    case = make_case(court, judge, party)
    return mark_legal_force(sign_act(upload_act(case, judge, tmp_path), judge, ecp), judge, ecp)


@pytest.fixture
def closed_act(ecp, court, judge, party, tmp_path):
    case = make_case(court, judge, party, closed=True)
    act = upload_act(case, judge, tmp_path, title="Бала асырап алу туралы шешім")
    return mark_legal_force(sign_act(act, judge, ecp), judge, ecp)


def verify(client, act_or_code, **headers):
    code = act_or_code if isinstance(act_or_code, str) else act_or_code.verify_code
    return client.get(f"/verify/{code}/", **headers)


def test_valid_act_verifies_for_anyone(client, marked_act, judge):
    """R-ECP-6: scanning the QR code proves the document and its signatures, without signing in."""
    response = verify(client, marked_act, **JSON)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) >= CONTRACT_FIELDS
    assert body["code"] == marked_act.verify_code
    assert body["kind"] == "decision"
    assert body["document_sha256"] == marked_act.sha256
    assert body["valid"] is True and body["reason"] is None
    assert body["legal_force_date"] == marked_act.legal_force_date.isoformat()
    # the judge's signature of the act and the judge's legal-force mark; the public signer
    # object leaves out the ИИН (issue 9, docs/api.md: `/verify/`)
    assert [signer["full_name"] for signer in body["signers"]] == [judge.full_name] * 2
    assert not any("iin" in signer for signer in body["signers"])
    assert {"certificate_serial", "issuer", "signing_time", "key_usage"} <= set(body["signers"][0])
    # an open case shows what the document is
    assert body["title"] == marked_act.title
    assert body["case_number"] == marked_act.case.number


def test_html_page_is_the_default(client, marked_act):
    response = verify(client, marked_act)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert marked_act.sha256 in page
    assert 'class="verdict ok"' in page
    assert marked_act.title in page
    as_json = client.get(f"/verify/{marked_act.verify_code}/?format=json")
    assert as_json.json()["valid"] is True


def test_tampered_stored_file_is_not_valid(client, marked_act):
    """R-ARC-2 / R-ECP-6: one changed byte of the stored file and the page says tampered."""
    with tampered(marked_act.blob):
        body = verify(client, marked_act, **JSON).json()
        assert body["valid"] is False
        assert body["reason"] == "tampered"
        page = verify(client, marked_act).content.decode()
        assert 'class="verdict bad"' in page
    assert verify(client, marked_act, **JSON).json()["valid"] is True


def test_unknown_code_is_404(client, marked_act):
    response = verify(client, "no-such-code-at-all", **JSON)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    page = verify(client, "no-such-code-at-all")
    assert page.status_code == 404
    assert marked_act.sha256 not in page.content.decode()


def test_closed_case_shows_only_hash_and_verdict(client, closed_act):
    """SPEC "Hearings and openness": closed proceedings are never exposed to the public."""
    body = verify(client, closed_act, **JSON).json()
    assert body["valid"] is True
    assert body["document_sha256"] == closed_act.sha256
    for hidden in ("title", "case_number", "court_name", "date"):
        assert hidden not in body
    serialized = str(body)
    assert closed_act.title not in serialized
    assert closed_act.case.number not in serialized
    page = verify(client, closed_act).content.decode()
    assert closed_act.title not in page
    assert closed_act.case.number not in page
    assert closed_act.case.court.name not in page
    assert closed_act.sha256 in page


def test_a_key_revoked_after_signing_does_not_undo_the_act(client, ecp, marked_act, judge):
    """Signatures are verified as of when they were made: a later revocation leaves them valid."""
    ecp.revoke(judge, at=timezone.now() + timedelta(seconds=2))
    body = verify(client, marked_act, **JSON).json()
    assert body["valid"] is True, body


def test_a_key_revoked_before_the_mark_makes_it_invalid(client, ecp, court, judge, party, tmp_path):
    """The mark signed after its key was revoked: the verdict names the reason."""
    case = make_case(court, judge, party)
    act = sign_act(upload_act(case, judge, tmp_path, title="Кейін"), judge, ecp)
    act = mark_legal_force(act, judge, ecp)
    # Forge what a mark by an already revoked key would have left: the mark signed "earlier"
    # than now but verified against a CRL that revokes the key before it.
    ecp.revoke(judge, at=act.signed_at - timedelta(days=1))
    body = verify(client, act, **JSON).json()
    assert body["valid"] is False
    assert body["reason"] == "revoked"


def test_only_a_legal_force_mark_gives_a_public_code(client, ecp, court, judge, party, tmp_path):
    case = make_case(court, judge, party)
    act = sign_act(upload_act(case, judge, tmp_path), judge, ecp)
    assert act.verify_code is None
    assert not Act.objects.filter(verify_code__isnull=False).exists()


def test_visits_are_throttled_per_client_address(client, marked_act, monkeypatch):
    """The page hashes the stored file on every visit, so one address cannot ask without bound."""
    monkeypatch.setattr(verify_views, "VERIFY_RATE_PER_MINUTE", 2)
    monkeypatch.setattr(verify_views, "_clock", lambda: 1_800_000_030.0)  # mid-minute
    address = {"REMOTE_ADDR": "203.0.113.77"}
    assert verify(client, marked_act, **JSON, **address).status_code == 200
    assert verify(client, marked_act, **JSON, **address).status_code == 200
    limited = verify(client, marked_act, **JSON, **address)
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "throttled"
    assert limited["Retry-After"] == "31"
    assert verify(client, marked_act, **JSON, REMOTE_ADDR="203.0.113.78").status_code == 200
