"""Judicial acts: upload, edit, signing payload, signing and publication (SPEC R-ACT-1..4, R-FIL-8,
R-FIL-12, R-DOC-1, R-DOC-4, R-ECP-1)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from filings.models import PowerAttorney, PowerOfAttorney, PowerStatus
from registry import acts
from registry.models import Act, ActStatus, CaseEvent
from sotkabinet.core.models import AuditLog, Notification
from sotkabinet.courts.services import court_today
from sotkabinet.documents.samples import docx_bytes, pdf_bytes, xlsx_bytes

from .acts_helpers import (  # noqa: F401  (fixtures)
    case_fixture,
    clerk_fixture,
    judge_fixture,
    make_case,
    party_fixture,
    payload_dict,
    representative_fixture,
    sign_act,
    stranger_fixture,
    tampered,
    upload_act,
)


def post_act(client, case_id, data: bytes, name="decision.pdf", headers=None, **fields):
    body = {"kind": "decision", "title": "Шешім", **fields}
    body["file"] = SimpleUploadedFile(name, data)
    return client.post(
        f"/api/v1/cases/{case_id}/acts/", body, format="multipart", headers=headers or {}
    )


# -- upload (R-ACT-1) -----------------------------------------------------------------------------


def test_judge_uploads_act_as_draft(client_for, case, judge):
    """SPEC R-ACT-1: the assigned judge places the act as a PDF; it is a draft dated today."""
    data = pdf_bytes("Шешім")
    response = post_act(client_for(judge), case.pk, data, title="Шешім №1")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["date"] == court_today(case.court).isoformat()
    assert body["detected_format"] == "pdf"
    assert body["signer"] is None and body["qr_url"] is None
    act = Act.objects.get(pk=body["id"])
    assert act.created_by == judge
    assert CaseEvent.objects.filter(case=case, kind="act_uploaded").exists()
    assert AuditLog.objects.filter(action="act.upload", object_id=str(act.pk)).exists()


def test_docx_act_is_accepted(client_for, case, judge):
    response = post_act(client_for(judge), case.pk, docx_bytes(), name="ruling.docx")
    assert response.status_code == 201
    assert response.json()["detected_format"] == "docx"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (xlsx_bytes(), "format_not_allowed"),
        (pdf_bytes(javascript=True), "active_content"),
        (b"", "empty"),
    ],
)
def test_act_file_is_validated_like_attachments(client_for, case, judge, data, code):
    """SPEC R-DOC-1, R-DOC-4: an act is a PDF or DOCX without active content; nothing is kept."""
    response = post_act(client_for(judge), case.pk, data, name="act.pdf")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not Act.objects.exists()


def test_too_large_act_file_is_413(client_for, case, judge, settings):
    settings.ATTACHMENT_MAX_BYTES = 2048
    response = post_act(client_for(judge), case.pk, pdf_bytes(size_at_least=4096))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not Act.objects.exists()


def test_act_date_may_be_past_never_future(client_for, case, judge):
    """docs/api.md: `date` defaults to today, may lie in the past, never in the future."""
    client = client_for(judge)
    today = court_today(case.court)
    past = post_act(client, case.pk, pdf_bytes(), date=(today - timedelta(days=30)).isoformat())
    assert past.status_code == 201
    assert past.json()["date"] == (today - timedelta(days=30)).isoformat()
    future = post_act(client, case.pk, pdf_bytes(), date=(today + timedelta(days=1)).isoformat())
    assert future.status_code == 400
    assert future.json()["error"]["code"] == "invalid_date"
    garbage = post_act(client, case.pk, pdf_bytes(), date="31.12.2025")
    assert garbage.status_code == 400
    assert garbage.json()["error"]["code"] == "invalid_date"
    assert Act.objects.count() == 1


def test_only_the_assigned_judge_uploads(
    client_for, make_user, court, case, party, clerk, stranger
):
    """A party or clerk who sees the case gets 403; someone who cannot see it gets 404."""
    other_judge = make_user("judge", court)
    assert post_act(client_for(party), case.pk, pdf_bytes()).status_code == 403
    assert post_act(client_for(clerk), case.pk, pdf_bytes()).status_code == 403
    # another judge of the same court is court staff: sees the case, may not act
    assert post_act(client_for(other_judge), case.pk, pdf_bytes()).status_code == 403
    assert post_act(client_for(stranger), case.pk, pdf_bytes()).status_code == 404
    assert not Act.objects.exists()


def test_upload_is_idempotent_with_a_key(client_for, case, judge):
    client = client_for(judge)
    data = pdf_bytes("Бір рет")
    first = post_act(client, case.pk, data, headers={"Idempotency-Key": "act-1"})
    second = post_act(client, case.pk, data, headers={"Idempotency-Key": "act-1"})
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert first.json() == second.json()
    assert Act.objects.count() == 1


# -- edit while draft ------------------------------------------------------------------------------


def test_judge_patches_a_draft(client_for, case, judge, tmp_path):
    act = upload_act(case, judge, tmp_path)
    client = client_for(judge)
    response = client.patch(
        f"/api/v1/acts/{act.pk}/", {"title": "Жаңа атауы", "kind": "ruling"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Жаңа атауы"
    assert response.json()["kind"] == "ruling"
    new_data = pdf_bytes("Түзетілген мәтін")
    replaced = client.patch(
        f"/api/v1/acts/{act.pk}/",
        {"file": SimpleUploadedFile("v2.pdf", new_data)},
        format="multipart",
    )
    assert replaced.status_code == 200
    assert replaced.json()["sha256"] == hashlib.sha256(new_data).hexdigest()
    assert replaced.json()["filename"] == "v2.pdf"


def test_party_cannot_see_or_patch_a_draft(client_for, case, judge, party, tmp_path):
    """R-ACT-4: before publication the act does not exist for the parties (404)."""
    act = upload_act(case, judge, tmp_path)
    client = client_for(party)
    assert client.get(f"/api/v1/acts/{act.pk}/").status_code == 404
    assert client.patch(f"/api/v1/acts/{act.pk}/", {"title": "x"}, format="json").status_code == 404


# -- signing payload -------------------------------------------------------------------------------


def test_signing_payload_is_canonical_and_binds_the_file(client_for, case, judge, clerk, tmp_path):
    """docs/conventions.md "Signing": act id, case number, court, kind and the file's SHA-256."""
    act = upload_act(case, judge, tmp_path)
    response = client_for(judge).get(f"/api/v1/acts/{act.pk}/signing-payload/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    payload = response.content
    assert payload == acts.act_signing_payload(act)
    data = payload_dict(payload)
    assert data["act"] == act.pk
    assert data["case"] == case.number
    assert data["court"] == case.court.code
    assert data["kind"] == "decision"
    assert data["sha256"] == act.sha256
    # canonical: sorted keys, no whitespace, raw UTF-8
    assert (
        payload
        == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    assert client_for(clerk).get(f"/api/v1/acts/{act.pk}/signing-payload/").status_code == 403


# -- signing and publication (R-ACT-2, R-ACT-3, R-ACT-4) -------------------------------------------


def test_sign_locks_and_publishes_to_the_parties(
    client_for, ecp, case, judge, party, representative, tmp_path
):
    """SPEC R-ACT-3, R-ACT-4: the judge's ЭЦҚ over the payload signs the act; it is published at
    once, that moment is the parties' date of receipt, and each party gets a notice with a link."""
    act = upload_act(case, judge, tmp_path)
    party.language = "ru"  # issue 10: the notice in the party's language, its date format too
    party.save(update_fields=["language"])
    client = client_for(judge)
    payload = client.get(f"/api/v1/acts/{act.pk}/signing-payload/").content
    before = timezone.now()
    response = client.post(
        f"/api/v1/acts/{act.pk}/sign/", {"cms": ecp.sign(judge, payload)}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "signed"
    assert body["signer"] == {"login": judge.login, "full_name": judge.full_name}
    act.refresh_from_db()
    assert act.published_at is not None and act.published_at >= before
    assert act.signed_at == act.published_at
    assert act.signature_payload.encode() == payload
    assert act.signature_verdict["valid"] is True
    assert act.signature_verdict["signers"][0]["iin"] == judge.login

    notices = Notification.objects.filter(kind="act_published", case_id=case.pk)
    assert {notice.user_id for notice in notices} == {party.pk, representative.pk}
    today = court_today(case.court)
    for notice in notices:
        assert notice.link == f"/api/v1/acts/{act.pk}/"
        assert case.number in notice.text
    # ru: "22.11.2026"; the representative has no language: the portal's (en in tests)
    assert today.strftime("%d.%m.%Y") in notices.get(user=party).text
    assert (
        f"{today.day} {today.strftime('%b')} {today.year}" in notices.get(user=representative).text
    )
    assert not Notification.objects.filter(user=judge).exists()

    # The act now appears in the party's cabinet (R-ACT-4, R-FIL-8).
    seen = client_for(party).get(f"/api/v1/acts/{act.pk}/")
    assert seen.status_code == 200
    assert seen.json()["published_at"] is not None
    assert CaseEvent.objects.filter(case=case, kind="act_published").exists()


def test_operative_part_is_published_the_day_it_is_signed(ecp, case, judge, tmp_path):
    """SPEC R-ACT-2: an operative part goes into the parties' cabinets the same day."""
    act = upload_act(case, judge, tmp_path, kind="operative_part", title="Қарар бөлігі")
    act = sign_act(act, judge, ecp)
    published_day = timezone.localtime(act.published_at, case.court.tzinfo).date()
    assert published_day == act.date == court_today(case.court)
    log = AuditLog.objects.get(action="act.sign", object_id=str(act.pk))
    assert log.data["late_operative_part"] is False


def test_sign_with_someone_elses_key_is_signer_mismatch(
    client_for, ecp, case, judge, party, tmp_path
):
    """The signature must be the assigned judge's key (R-FIL-11 applied to acts)."""
    act = upload_act(case, judge, tmp_path)
    payload = acts.act_signing_payload(act)
    response = client_for(judge).post(
        f"/api/v1/acts/{act.pk}/sign/", {"cms": ecp.sign(party, payload)}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signer_mismatch"
    act.refresh_from_db()
    assert act.status == ActStatus.DRAFT and act.published_at is None
    assert not Notification.objects.filter(kind="act_published").exists()


def test_sign_over_another_payload_is_tampered(client_for, ecp, case, judge, tmp_path):
    act = upload_act(case, judge, tmp_path)
    forged = acts.act_signing_payload(act).replace(act.sha256.encode(), b"0" * 64)
    response = client_for(judge).post(
        f"/api/v1/acts/{act.pk}/sign/", {"cms": ecp.sign(judge, forged)}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "signature_invalid",
        "message": response.json()["error"]["message"],
        "details": {"reason": "tampered"},
    }


def test_revoked_judge_key_is_refused(client_for, ecp, case, judge, tmp_path):
    act = upload_act(case, judge, tmp_path)
    cms = ecp.sign(judge, acts.act_signing_payload(act))
    ecp.revoke(judge)
    response = client_for(judge).post(f"/api/v1/acts/{act.pk}/sign/", {"cms": cms}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["reason"] == "revoked"


def test_signing_twice_is_locked(client_for, ecp, case, judge, tmp_path):
    act = sign_act(upload_act(case, judge, tmp_path), judge, ecp)
    response = client_for(judge).post(
        f"/api/v1/acts/{act.pk}/sign/",
        {"cms": ecp.sign(judge, acts.act_signing_payload(act))},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "locked"


def test_a_party_cannot_sign(client_for, ecp, case, judge, party, tmp_path):
    act = sign_act(upload_act(case, judge, tmp_path), judge, ecp)
    draft = upload_act(case, judge, tmp_path, title="Екінші")
    # the party sees neither the draft (404) nor may sign anything (403 on a visible act)
    payload = acts.act_signing_payload(draft)
    client = client_for(party)
    assert (
        client.post(
            f"/api/v1/acts/{draft.pk}/sign/", {"cms": ecp.sign(party, payload)}, format="json"
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/acts/{act.pk}/signing-payload/").status_code == 403


def test_attorney_with_power_to_receive_acts_is_notified(ecp, make_user, court, judge, tmp_path):
    """R-ACT-4: representatives acting under a power of attorney receive the act too."""
    principal = make_user("applicant")
    attorney = make_user("representative")
    other_attorney = make_user("representative")
    today = timezone.localdate()
    for who, scopes in ((attorney, ["receive_acts"]), (other_attorney, ["file_claims"])):
        power = PowerOfAttorney.objects.create(
            principal=principal,
            powers=scopes,
            valid_from=today - timedelta(days=10),
            valid_until=today + timedelta(days=10),
            fabula="Іс бойынша",
            status=PowerStatus.ACTIVE,
        )
        PowerAttorney.objects.create(power=power, iin=who.login, user=who)
    attorneys_case = make_case(court, judge, principal)
    sign_act(upload_act(attorneys_case, judge, tmp_path), judge, ecp)
    notified = set(
        Notification.objects.filter(kind="act_published").values_list("user_id", flat=True)
    )
    assert notified == {principal.pk, attorney.pk}


# -- the document ----------------------------------------------------------------------------------


def test_document_download_is_authorised_attachment(
    client_for, ecp, case, judge, party, stranger, tmp_path
):
    data = pdf_bytes("Құжат")
    act = sign_act(upload_act(case, judge, tmp_path, data=data), judge, ecp)
    response = client_for(party).get(f"/api/v1/acts/{act.pk}/document/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == data
    assert client_for(stranger).get(f"/api/v1/acts/{act.pk}/document/").status_code == 404
    assert AuditLog.objects.filter(action="act.download", actor=party).exists()


def test_a_changed_stored_file_cannot_be_signed(client_for, ecp, case, judge, tmp_path):
    """The judge signs the stored bytes; if they no longer match the draft's hash, nothing is
    signed or published (R-ACT-3, R-ARC-2)."""
    act = upload_act(case, judge, tmp_path, data=pdf_bytes("Changed after upload"))
    cms = ecp.sign(judge, acts.act_signing_payload(act))
    with tampered(act.blob):
        response = client_for(judge).post(
            f"/api/v1/acts/{act.pk}/sign/", {"cms": cms}, format="json"
        )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "document_tampered"
    assert Act.objects.get(pk=act.pk).status == ActStatus.DRAFT


def test_act_file_check_uses_the_settings_budget(client_for, case, judge, settings):
    """Issue 10 (budgets): an act's file checked in the request gets the PDF budget of the
    settings (`DOCUMENT_CHECK_MAX_OBJECTS`), not the library's default."""
    settings.DOCUMENT_CHECK_MAX_OBJECTS = 2
    response = post_act(client_for(judge), case.pk, pdf_bytes("Шешім"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "corrupt"
    assert "too complex to check" in response.json()["error"]["details"]["errors"][0]["message"]
    assert not Act.objects.exists()
