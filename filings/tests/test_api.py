"""The applicant's filing flow through REST (docs/api.md).

SPEC R-FIL-1..4, R-FIL-7, R-FIL-8, R-FIL-11, R-FIL-12, R-ECP-2, R-REG-1, R-DOC-3, R-DOC-6.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from conftest import new_login
from filings.models import Attachment, Filing, FilingEvent, FilingStatus
from sotkabinet.core.models import IdempotencyRecord, Notification
from sotkabinet.documents.samples import exe_bytes, jpeg_bytes, pdf_bytes

from .conftest import filing_body, pdf_file, signing_payload, upload

flow = pytest.mark.django_db(transaction=True)


def register_and_sign_in(ecp, full_name: str = "Дана Нұрланқызы") -> tuple[APIClient, str]:
    """Register through the API with the holder's key (issue 9) and sign in with the password."""
    client = APIClient()
    login = new_login()
    response = client.post(
        "/api/v1/accounts/register/",
        {
            "login": login,
            "password": "Kazakh-Court-2026!",
            "full_name": full_name,
            "email": "dana@example.kz",
            "kind": "individual",
            **ecp.registration_proof(client, login, full_name=full_name),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    token = client.post(
        "/api/v1/auth/token/", {"login": login, "password": "Kazakh-Court-2026!"}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client, login


@flow
def test_happy_path_register_draft_upload_submit_receive_register_talon(court, judge, clerk, ecp):
    """GIVEN a new applicant WHEN they draft, upload two real PDFs, sign and submit THEN the
    worker receives the filing, the clerk registers it, and the applicant sees the case, the
    notices and downloads the talon.  # SPEC R-FIL-1, R-FIL-4, R-FIL-7, R-FIL-8, R-REG-1"""
    from registry.services import filing_register
    from sotkabinet.accounts.models import User

    client, login = register_and_sign_in(ecp)
    user = User.objects.get(login=login)

    created = client.post("/api/v1/filings/", filing_body(court), format="json")
    assert created.status_code == 201
    filing = created.json()
    assert filing["status"] == "draft"
    assert filing["number"] is None and filing["talon"] is None
    assert filing["duty"]["status"] in {"missing", "not_required"}
    assert [entry["status"] for entry in filing["history"]] == ["draft"]

    for title in filing["annex"]:
        response = upload(client, filing["id"], pdf_file(title, name=f"..\\{title}<1>.pdf"), title)
        assert response.status_code == 201, response.content
        attachment = response.json()
        assert attachment["status"] == "valid"  # eager worker: validated on commit
        assert attachment["detected_format"] == "pdf"
        assert attachment["filename"] == f"{title}_1_.pdf"  # sanitised: no path, no <>
        assert attachment["original_filename"].endswith(f"{title}<1>.pdf")
        fetched = client.get(f"/api/v1/filings/{filing['id']}/attachments/{attachment['id']}/")
        assert fetched.json()["sha256"] == attachment["sha256"]

    payload_response = client.get(f"/api/v1/filings/{filing['id']}/signing-payload/")
    assert payload_response["Content-Type"] == "application/json"
    payload = payload_response.content
    manifest = json.loads(payload)
    assert [a["sha256"] for a in manifest["attachments"]] == [
        a.sha256 for a in Attachment.objects.filter(filing_id=filing["id"]).order_by("id")
    ]
    assert (
        payload
        == json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )

    submitted = client.post(
        f"/api/v1/filings/{filing['id']}/submit/", {"cms": ecp.sign(user, payload)}, format="json"
    )
    assert submitted.status_code == 202, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted"
    assert body["number"] and body["talon"]["number"] == body["number"]
    assert body["submitted_at"] and body["registration_deadline"]
    assert body["submitted_at_local"].endswith("+05:00")  # Asia/Almaty, 000 п.41

    detail = client.get(f"/api/v1/filings/{filing['id']}/").json()
    assert detail["status"] == "received"
    assert detail["signature"]["valid"] is True
    assert detail["signature"]["checked_at"]
    assert detail["signature"]["signers"][0]["iin"] == login
    assert [entry["status"] for entry in detail["history"]] == ["draft", "submitted", "received"]

    filing_register(acting_user=clerk, filing=Filing.objects.get(pk=filing["id"]))

    detail = client.get(f"/api/v1/filings/{filing['id']}/").json()
    assert detail["status"] == "registered"
    assert detail["case"]["number"].startswith(f"{court.code}-")
    assert detail["case"]["judge"] == {"login": judge.login, "full_name": judge.full_name}
    my_cases = client.get("/api/v1/filings/?status=registered").json()
    assert [item["id"] for item in my_cases["results"]] == [filing["id"]]

    notices = client.get("/api/v1/notifications/").json()["results"]
    kinds = [notice["kind"] for notice in notices]
    assert {"filing_submitted", "filing_received", "filing_registered"} <= set(kinds)
    registered = next(n for n in notices if n["kind"] == "filing_registered")
    assert registered["filing"] == filing["id"] and registered["case"] == detail["case"]["id"]
    received = next(n for n in notices if n["kind"] == "filing_received")
    assert received["link"] == f"/cabinet/filings/{filing['id']}/"

    talon = client.get(detail["talon"]["url"])
    assert talon.status_code == 200
    assert talon["Content-Type"] == "application/pdf"
    assert b"".join(talon.streaming_content).startswith(b"%PDF")


@flow
def test_sync_errors_attachments_invalid_and_annex_mismatch(court, applicant, ecp, client_for):
    """# SPEC R-DOC-1, R-DOC-6: invalid files and a wrong document count are refused."""
    client = client_for(applicant)
    filing_id = client.post("/api/v1/filings/", filing_body(court), format="json").json()["id"]
    first = upload(client, filing_id, pdf_file("one"), "Талап қою арызы").json()
    payload = signing_payload(client, filing_id)
    mismatch = client.post(
        f"/api/v1/filings/{filing_id}/submit/",
        {"cms": ecp.sign(applicant, payload)},
        format="json",
    )
    assert mismatch.status_code == 400
    assert mismatch.json()["error"]["code"] == "annex_mismatch"
    assert mismatch.json()["error"]["details"] == {"annex": 2, "documents": 1}

    # A receipt does not count as a document of the annex.
    receipt = upload(client, filing_id, pdf_file("receipt"), "Түбіртек", kind="duty_receipt")
    assert receipt.json()["kind"] == "duty_receipt"
    payload = signing_payload(client, filing_id)
    still = client.post(
        f"/api/v1/filings/{filing_id}/submit/",
        {"cms": ecp.sign(applicant, payload)},
        format="json",
    )
    assert still.json()["error"]["code"] == "annex_mismatch"

    exe = SimpleUploadedFile("contract.pdf", exe_bytes(), content_type="application/pdf")
    bad = upload(client, filing_id, exe, "Шарттың көшірмесі").json()
    assert bad["status"] == "invalid"
    assert [error["code"] for error in bad["errors"]] == ["format_not_allowed"]
    payload = signing_payload(client, filing_id)
    invalid = client.post(
        f"/api/v1/filings/{filing_id}/submit/",
        {"cms": ecp.sign(applicant, payload)},
        format="json",
    )
    assert invalid.status_code == 400
    assert invalid.json()["error"]["code"] == "attachments_invalid"
    assert invalid.json()["error"]["details"]["attachments"] == [bad["id"]]
    assert first["status"] == "valid"
    assert Filing.objects.get(pk=filing_id).status == FilingStatus.DRAFT


@pytest.mark.django_db
def test_sync_error_attachments_pending(court, applicant, ecp, client_for):
    """Without a commit the validation task never ran: the files are still pending."""
    client = client_for(applicant)
    filing_id = client.post("/api/v1/filings/", filing_body(court), format="json").json()["id"]
    for title in ("Талап қою арызы", "Шарттың көшірмесі"):
        assert upload(client, filing_id, pdf_file(title), title).json()["status"] == "pending"
    payload = signing_payload(client, filing_id)
    response = client.post(
        f"/api/v1/filings/{filing_id}/submit/",
        {"cms": ecp.sign(applicant, payload)},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "attachments_pending"


@flow
def test_sync_errors_signature_malformed_tampered_and_signer_mismatch(
    draft_with_files, applicant, stranger, ecp
):
    """# SPEC R-FIL-11, R-ECP-1: the CMS must parse, cover this payload, and be the applicant's."""
    client, filing_id = draft_with_files()
    url = f"/api/v1/filings/{filing_id}/submit/"
    payload = signing_payload(client, filing_id)

    malformed = client.post(url, {"cms": "bm90IGEgQ01T"}, format="json")
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "signature_invalid"
    assert malformed.json()["error"]["details"]["reason"] == "malformed"

    other_payload = payload.replace(b'"title":"', b'"title":"X', 1)
    assert other_payload != payload
    for cms in (ecp.sign(applicant, other_payload), ecp.sign(applicant, other_payload, False)):
        tampered = client.post(url, {"cms": cms}, format="json")
        assert tampered.status_code == 400
        assert tampered.json()["error"]["details"]["reason"] == "tampered"

    # The payload changes with the files: a signature over the old manifest no longer covers it.
    old_signature = ecp.sign(applicant, payload)
    extra = upload(client, filing_id, pdf_file("extra"), "Қосымша", kind="deferral_proof")
    assert extra.status_code == 201
    stale = client.post(url, {"cms": old_signature}, format="json")
    assert stale.json()["error"]["details"]["reason"] == "tampered"

    payload = signing_payload(client, filing_id)
    mismatch = client.post(url, {"cms": ecp.sign(stranger, payload)}, format="json")
    assert mismatch.status_code == 400
    assert mismatch.json()["error"]["code"] == "signer_mismatch"

    attached = client.post(url, {"cms": ecp.sign(applicant, payload, False)}, format="json")
    assert attached.status_code == 202
    again = client.post(url, {"cms": ecp.sign(applicant, payload)}, format="json")
    assert again.status_code == 409
    assert FilingEvent.objects.filter(filing_id=filing_id, status="submitted").count() == 1


@flow
def test_not_received_when_the_certificate_is_revoked(draft_with_files, applicant, ecp):
    """GIVEN a revoked signing certificate WHEN the applicant submits THEN the synchronous stage
    accepts (it cannot know), and the worker records not_received with the reason, notifies the
    applicant, and deletes nothing.  # SPEC R-ECP-1, R-ECP-2, R-ECP-3"""
    client, filing_id = draft_with_files()
    ecp.revoke(applicant)
    applicant.language = "ru"  # issue 10: the notice is in the applicant's language only
    applicant.save(update_fields=["language"])
    payload = signing_payload(client, filing_id)
    response = client.post(
        f"/api/v1/filings/{filing_id}/submit/",
        {"cms": ecp.sign(applicant, payload)},
        format="json",
    )
    assert response.status_code == 202
    detail = client.get(f"/api/v1/filings/{filing_id}/").json()
    assert detail["status"] == "not_received"
    assert detail["not_received_reason"] == "signature_invalid"
    assert detail["signature"]["valid"] is False
    assert detail["signature"]["reason"] == "revoked"
    notice = Notification.objects.get(user=applicant, kind="filing_not_received")
    assert notice.text == (
        f"Обращение № {Filing.objects.get(pk=filing_id).number} не получено. "
        "ЭЦП недействительна: сертификат отозван."
    )
    assert notice.filing_id == filing_id and notice.link == f"/cabinet/filings/{filing_id}/"
    attachments = Attachment.objects.filter(filing_id=filing_id)
    assert attachments.count() == 2
    assert all(default_storage.exists(attachment.blob) for attachment in attachments)
    assert Filing.objects.get(pk=filing_id).manifest.encode() == payload


@flow
def test_isolation_another_applicant_gets_404(draft_with_files, applicant, stranger, client_for):
    """# docs/conventions.md: not the caller's to see is 404, for every object of the flow."""
    client, filing_id = draft_with_files()
    attachment_id = Attachment.objects.filter(filing_id=filing_id).first().pk
    notice = Notification.objects.create(user=applicant, kind="test", text="A's notice")
    other = client_for(stranger)
    for url in (
        f"/api/v1/filings/{filing_id}/",
        f"/api/v1/filings/{filing_id}/attachments/{attachment_id}/",
        f"/api/v1/filings/{filing_id}/signing-payload/",
        f"/api/v1/filings/{filing_id}/talon.pdf",
        f"/api/v1/notifications/{notice.pk}/",
    ):
        response = other.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    assert (
        other.delete(f"/api/v1/filings/{filing_id}/attachments/{attachment_id}/").status_code == 404
    )
    assert upload(other, filing_id, pdf_file("x"), "x").status_code == 404
    assert (
        other.post(
            f"/api/v1/filings/{filing_id}/submit/", {"cms": "AAAA"}, format="json"
        ).status_code
        == 404
    )
    assert other.get("/api/v1/filings/").json()["count"] == 0
    assert other.get("/api/v1/notifications/").json()["count"] == 0
    assert client.get(f"/api/v1/notifications/{notice.pk}/").json()["text"] == "A's notice"
    assert Attachment.objects.filter(filing_id=filing_id).count() == 2


@pytest.mark.django_db
def test_court_staff_see_but_cannot_change_a_filing(court, applicant, clerk, client_for):
    """A clerk of the filing's court may know a sent filing exists: 403 on a change, not 404.
    An unsent draft is private (issue 9): 404 to the clerk."""
    client = client_for(applicant)
    filing_id = client.post("/api/v1/filings/", filing_body(court), format="json").json()["id"]
    staff = client_for(clerk)
    assert staff.get(f"/api/v1/filings/{filing_id}/").status_code == 404
    Filing.objects.filter(pk=filing_id).update(status="submitted")
    assert staff.get(f"/api/v1/filings/{filing_id}/").status_code == 200
    response = staff.post(f"/api/v1/filings/{filing_id}/submit/", {"cms": "AAAA"}, format="json")
    assert response.status_code == 403


@pytest.mark.django_db
def test_idempotency_key_replay_and_reuse(court, applicant, client_for):
    """# docs/conventions.md: same key + same body replays; another body gives 422."""
    client = client_for(applicant)
    body = filing_body(court)
    first = client.post("/api/v1/filings/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    replay = client.post("/api/v1/filings/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Filing.objects.filter(author=applicant).count() == 1
    reused = client.post(
        "/api/v1/filings/",
        {**body, "title": "Басқа"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert Filing.objects.filter(author=applicant).count() == 1


@pytest.mark.django_db
def test_upload_replay_with_idempotency_key_stores_one_attachment(court, applicant, client_for):
    client = client_for(applicant)
    filing_id = client.post("/api/v1/filings/", filing_body(court), format="json").json()["id"]
    content = pdf_bytes(text="same")
    responses = [
        upload(
            client,
            filing_id,
            SimpleUploadedFile("a.pdf", content),
            "Талап қою арызы",
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[1]["Idempotent-Replayed"] == "true"
    assert Attachment.objects.filter(filing_id=filing_id).count() == 1


def _stored_blobs() -> set[str]:
    names: set[str] = set()

    def walk(directory: str) -> None:
        if not default_storage.exists(directory):
            return
        subdirectories, files = default_storage.listdir(directory)
        names.update(f"{directory}/{name}" for name in files)
        for sub in subdirectories:
            walk(f"{directory}/{sub}")

    walk("blobs")
    return names


@pytest.mark.parametrize(
    ("proceeding", "setting"),
    [("civil", "ATTACHMENT_MAX_BYTES"), ("criminal", "ATTACHMENT_MAX_BYTES_CRIMINAL")],
)
@pytest.mark.django_db
def test_oversize_upload_is_413_and_nothing_is_stored(
    court, applicant, client_for, settings, proceeding, setting
):
    """# SPEC R-DOC-3: over the limit is answered 413 too_large while streaming; no row, no blob."""
    setattr(settings, setting, 4096)
    client = client_for(applicant)
    filing_id = client.post(
        "/api/v1/filings/", filing_body(court, proceeding=proceeding), format="json"
    ).json()["id"]
    before = _stored_blobs()
    big = SimpleUploadedFile("big.pdf", pdf_bytes(size_at_least=8192))
    response = upload(client, filing_id, big, "Талап қою арызы", HTTP_IDEMPOTENCY_KEY="big-1")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not Attachment.objects.filter(filing_id=filing_id).exists()
    assert _stored_blobs() == before
    assert not IdempotencyRecord.objects.filter(key="big-1").exists()
    small = upload(client, filing_id, SimpleUploadedFile("s.pdf", pdf_bytes()), "Талап")
    assert small.status_code == 201


@flow
def test_jpeg_only_in_criminal_proceedings(court, applicant, client_for):
    """# SPEC R-DOC-1: JPEG is accepted in criminal proceedings only (001 п.12)."""
    client = client_for(applicant)
    statuses = {}
    for proceeding in ("criminal", "civil"):
        filing_id = client.post(
            "/api/v1/filings/", filing_body(court, proceeding=proceeding), format="json"
        ).json()["id"]
        photo = SimpleUploadedFile("scan.jpg", jpeg_bytes(), content_type="image/jpeg")
        attachment = upload(client, filing_id, photo, "Фото").json()
        statuses[proceeding] = (attachment["status"], [e["code"] for e in attachment["errors"]])
    assert statuses == {"criminal": ("valid", []), "civil": ("invalid", ["format_not_allowed"])}


@flow
def test_attachments_can_change_only_in_a_draft(draft_with_files, applicant, ecp):
    """# SPEC R-FIL-4: editable until signing; then 409 not_draft."""
    client, filing_id = draft_with_files()
    extra = upload(client, filing_id, pdf_file("extra"), "Артық").json()
    assert (
        client.delete(f"/api/v1/filings/{filing_id}/attachments/{extra['id']}/").status_code == 204
    )
    assert not Attachment.objects.filter(pk=extra["id"]).exists()

    payload = signing_payload(client, filing_id)
    client.post(
        f"/api/v1/filings/{filing_id}/submit/",
        {"cms": ecp.sign(applicant, payload)},
        format="json",
    )
    kept = Attachment.objects.filter(filing_id=filing_id).first()
    deleted = client.delete(f"/api/v1/filings/{filing_id}/attachments/{kept.pk}/")
    assert deleted.status_code == 409
    assert deleted.json()["error"]["code"] == "not_draft"
    late = upload(client, filing_id, pdf_file("late"), "Кеш")
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "not_draft"
    # The payload of a sent filing is what was signed, byte for byte.
    assert signing_payload(client, filing_id) == payload


@pytest.mark.django_db
def test_create_validation_errors(court, applicant, client_for):
    client = client_for(applicant)
    bad_kind = client.post("/api/v1/filings/", filing_body(court, kind="poem"), format="json")
    assert bad_kind.status_code == 400 and bad_kind.json()["error"]["code"] == "invalid"
    no_annex = client.post("/api/v1/filings/", filing_body(court, annex=[]), format="json")
    assert no_annex.status_code == 400
    bad_party = client.post(
        "/api/v1/filings/",
        filing_body(court, parties=[{"role": "plaintiff", "name": "A", "iin_bin": "123456789012"}]),
        format="json",
    )
    assert bad_party.status_code == 400
    unknown_court = client.post(
        "/api/v1/filings/", {**filing_body(court), "court": 99999}, format="json"
    )
    assert unknown_court.status_code == 400
    not_my_case = client.post("/api/v1/filings/", filing_body(court, case=12345), format="json")
    assert not_my_case.status_code == 400
    assert not_my_case.json()["error"]["details"]["case"]
    unauthenticated = APIClient().post("/api/v1/filings/", filing_body(court), format="json")
    assert unauthenticated.status_code == 401


@pytest.mark.django_db
def test_supplement_to_a_case_the_applicant_takes_part_in(court, applicant, judge, client_for):
    """# SPEC R-FIL-9: additional documents go to an existing case of the applicant's."""
    from registry.models import Case, CaseParticipant

    case = Case.objects.create(
        number=f"{court.code}-2026-1",
        court=court,
        year=2026,
        sequence=1,
        judge=judge,
        proceeding="civil",
        category="civil",
    )
    client = client_for(applicant)
    refused = client.post("/api/v1/filings/", filing_body(court, case=case.pk), format="json")
    assert refused.status_code == 400
    CaseParticipant.objects.create(case=case, user=applicant, role="applicant")
    accepted = client.post(
        "/api/v1/filings/", filing_body(court, case=case.pk, kind="motion"), format="json"
    )
    assert accepted.status_code == 201
    assert accepted.json()["case"] == {
        "id": case.pk,
        "number": case.number,
        "judge": {"login": judge.login, "full_name": judge.full_name},
    }


@flow
def test_attorney_files_and_signs_under_an_active_power(
    court, make_user, ecp, client_for, draft_with_files
):
    """# SPEC R-FIL-10, R-FIL-11: an attorney with an active power signs for the principal;
    the principal sees the filing in My cases."""
    from filings import powers

    principal = make_user("applicant", full_name="Сенім Берушi")
    attorney = make_user("representative", full_name="Адвокат Әлиев")
    today = powers._today()
    power = powers.power_create(
        acting_user=principal,
        attorneys=[attorney.login],
        powers=["file_claims", "sign_documents"],
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=30),
        fabula="Қарыз бойынша дау",
    )
    powers.power_sign(
        acting_user=principal,
        power=power,
        cms=ecp.sign(principal, powers.power_signing_payload(power)),
    )
    client, filing_id = draft_with_files(user=attorney, principal=principal.login, power=power.pk)
    payload = signing_payload(client, filing_id)
    response = client.post(
        f"/api/v1/filings/{filing_id}/submit/",
        {"cms": ecp.sign(attorney, payload)},
        format="json",
    )
    assert response.status_code == 202, response.content
    assert response.json()["acting_for"] == {
        "login": principal.login,
        "full_name": principal.full_name,
    }
    assert response.json()["power"] == power.pk
    mine = client_for(principal).get("/api/v1/filings/").json()
    assert [item["id"] for item in mine["results"]] == [filing_id]
    assert mine["results"][0]["status"] == "received"
    assert Notification.objects.filter(user=principal, kind="filing_received").exists()

    # Submit checks the power again (docs/api.md): revoked after the draft was made.
    second_client, second_id = draft_with_files(
        user=attorney, principal=principal.login, power=power.pk
    )
    powers.power_revoke(acting_user=principal, power=power)
    second_payload = signing_payload(second_client, second_id)
    refused = second_client.post(
        f"/api/v1/filings/{second_id}/submit/",
        {"cms": ecp.sign(attorney, second_payload)},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "power_revoked"
    assert Filing.objects.get(pk=second_id).status == FilingStatus.DRAFT
    revoked = client.post(
        "/api/v1/filings/",
        filing_body(court, principal=principal.login, power=power.pk),
        format="json",
    )
    assert revoked.status_code == 400
    assert revoked.json()["error"]["code"] == "power_revoked"


@flow
def test_attorney_without_power_cannot_sign_for_the_applicant(draft_with_files, make_user, ecp):
    """# SPEC R-FIL-11: a key that is neither the applicant's nor an authorised attorney's."""
    client, filing_id = draft_with_files()
    lawyer = make_user("representative")
    payload = signing_payload(client, filing_id)
    response = client.post(
        f"/api/v1/filings/{filing_id}/submit/", {"cms": ecp.sign(lawyer, payload)}, format="json"
    )
    assert response.json()["error"]["code"] == "signer_mismatch"


@flow
def test_talon_is_rendered_lazily_and_answers_202_while_rendering(
    draft_with_files, applicant, ecp, monkeypatch
):
    """# SPEC R-FIL-7: 202 with Retry-After until the PDF exists, then the cached PDF."""
    from filings import tasks

    client, filing_id = draft_with_files()
    draft_talon = client.get(f"/api/v1/filings/{filing_id}/talon.pdf")
    assert draft_talon.status_code == 409
    assert draft_talon.json()["error"]["code"] == "not_submitted"
    payload = signing_payload(client, filing_id)
    client.post(
        f"/api/v1/filings/{filing_id}/submit/",
        {"cms": ecp.sign(applicant, payload)},
        format="json",
    )
    queued = []
    monkeypatch.setattr(tasks.talon_render, "delay", lambda pk: queued.append(pk))
    pending = client.get(f"/api/v1/filings/{filing_id}/talon.pdf", HTTP_ACCEPT="application/pdf")
    assert pending.status_code == 202
    assert pending["Retry-After"] == "1"  # issue 10: clear of the 5 s keep-alive
    again = client.get(f"/api/v1/filings/{filing_id}/talon.pdf")
    assert again.status_code == 202
    assert queued == [filing_id]  # one render at a time
    monkeypatch.undo()

    tasks.talon_render(filing_id)
    stored = Filing.objects.get(pk=filing_id).talon_pdf
    assert stored and default_storage.exists(stored)
    ready = client.get(f"/api/v1/filings/{filing_id}/talon.pdf")
    assert ready.status_code == 200
    assert b"".join(ready.streaming_content).startswith(b"%PDF")
    assert Filing.objects.get(pk=filing_id).talon_pdf == stored  # rendered once


@flow
def test_talon_content_and_public_check(draft_with_files, applicant, ecp, client):
    """# SPEC R-FIL-7: number, UTC and local time, sender, recipient, hashes, QR to the check."""
    from pypdf import PdfReader

    from filings.talon import render_talon_pdf

    api, filing_id = draft_with_files()
    payload = signing_payload(api, filing_id)
    api.post(
        f"/api/v1/filings/{filing_id}/submit/",
        {"cms": ecp.sign(applicant, payload)},
        format="json",
    )
    filing = Filing.objects.get(pk=filing_id)
    import io

    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_talon_pdf(filing))).pages
    )
    compact = text.replace("\n", "")
    assert filing.number in compact
    assert applicant.login in compact and filing.court.name.split()[0] in compact
    assert "UTC" in compact and "Asia/Almaty" in compact
    for attachment in filing.attachments.all():
        assert attachment.sha256[:16] in compact
    assert "Получатель" in compact and "Алушы" in compact

    page = client.get(f"/verify/talon/{filing.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert filing.number in html and filing.court.name in html
    assert all(a.sha256 in html for a in filing.attachments.all())
    assert filing.title not in html and applicant.full_name not in html
    data = client.get(f"/verify/talon/{filing.number}/", HTTP_ACCEPT="application/json").json()
    assert data["number"] == filing.number
    assert {a["sha256"] for a in data["attachments"]} == {
        a.sha256 for a in filing.attachments.all()
    }
    assert client.get("/verify/talon/20260101-000001-AAAAAA/").status_code == 404


@pytest.mark.django_db
def test_list_filter_and_bad_status(court, applicant, client_for):
    client = client_for(applicant)
    client.post("/api/v1/filings/", filing_body(court), format="json")
    assert client.get("/api/v1/filings/?status=draft").json()["count"] == 1
    assert client.get("/api/v1/filings/?status=received").json()["count"] == 0
    assert client.get("/api/v1/filings/?status=nonsense").status_code == 400


@flow
def test_supplement_to_an_earlier_sent_filing(draft_with_files, applicant, stranger, ecp, court):
    """# SPEC R-FIL-9: additional documents to an earlier filing; only one's own, once sent."""
    client, first_id = draft_with_files()
    draft_target = client.post(
        "/api/v1/filings/", filing_body(court, supplement_to=first_id), format="json"
    )
    assert draft_target.status_code == 400  # a draft is not sent yet
    client.post(
        f"/api/v1/filings/{first_id}/submit/",
        {"cms": ecp.sign(applicant, signing_payload(client, first_id))},
        format="json",
    )
    created = client.post(
        "/api/v1/filings/",
        filing_body(court, supplement_to=first_id, kind="motion", annex=["Өтінішхат"]),
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["supplement_to"] == first_id
    assert json.loads(signing_payload(client, created.json()["id"]))["supplement_to"] == first_id
    from rest_framework.test import APIClient as Client

    other = Client()
    other.force_authenticate(stranger)
    foreign = other.post(
        "/api/v1/filings/", filing_body(court, supplement_to=first_id), format="json"
    )
    assert foreign.status_code == 400
