"""issue 10: every file endpoint of the API answers a client that asks for the file by its type.

`GET /api/v1/acts/{id}/pdf/` with `Accept: application/pdf` answered 406 (DRF's negotiation knows
only JSON). Each file endpoint (talon, act document, act PDF, paper copy, archive item and export,
power document, signing payloads) must answer `Accept: application/pdf`, `*/*` and no Accept at
all with the file, while its errors still come as the JSON envelope (docs/conventions.md).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from archive import services as archive_services
from archive.inventory import inventory_payload
from archive.tests.conftest import add_act, add_filing
from archive.tests.conftest import make_case as archive_case
from filings import powers
from filings.models import PowerStatus
from registry.models import Case
from registry.tests.acts_helpers import make_case, sign_act, upload_act
from sotkabinet.documents.samples import pdf_bytes

pytestmark = pytest.mark.django_db

ACCEPTS = ["application/pdf", "*/*", None]


def get(client, url: str, accept: str | None):
    extra = {"HTTP_ACCEPT": accept} if accept is not None else {}
    return client.get(url, **extra)


def submitted_filing(client_for, court, user, ecp, on_commit) -> int:
    """A submitted filing; `on_commit` runs the worker's stages (eager) as each request commits."""
    client = client_for(user)
    body = {
        "court": court.pk,
        "proceeding": "civil",
        "instance": "first",
        "kind": "claim",
        "title": "Қарызды өндіріп алу туралы талап қою арызы",
        "parties": [
            {"role": "plaintiff", "name": "Айгүл Серікқызы"},
            {"role": "defendant", "name": "ЖШС «Мысал»"},
        ],
        "annex": ["Талап қою арызы"],
    }
    filing_id = client.post("/api/v1/filings/", body, format="json").json()["id"]
    with on_commit(execute=True):
        uploaded = client.post(
            f"/api/v1/filings/{filing_id}/attachments/",
            {
                "file": SimpleUploadedFile("arыz.pdf", pdf_bytes("Арыз"), "application/pdf"),
                "title": "A",
            },
            format="multipart",
        )
    assert uploaded.status_code == 201, uploaded.content
    payload = client.get(f"/api/v1/filings/{filing_id}/signing-payload/").content
    with on_commit(execute=True):
        submitted = client.post(
            f"/api/v1/filings/{filing_id}/submit/", {"cms": ecp.sign(user, payload)}, format="json"
        )
    assert submitted.status_code == 202, submitted.content
    return filing_id


@pytest.fixture
def endpoints(client_for, make_user, court, ecp, tmp_path, django_capture_on_commit_callbacks):
    """name -> (client, url, content type of the answer): one builder per file endpoint."""
    judge = make_user("judge", court)
    secretary = make_user("secretary", court)
    archivist = make_user("archivist", court)
    party = make_user("applicant")

    def talon():
        filing_id = submitted_filing(
            client_for, court, party, ecp, django_capture_on_commit_callbacks
        )
        return client_for(party), f"/api/v1/filings/{filing_id}/talon.pdf", "application/pdf"

    def filing_signing_payload():
        client = client_for(party)
        body = {
            "court": court.pk,
            "proceeding": "civil",
            "instance": "first",
            "kind": "claim",
            "title": "T",
            "parties": [{"role": "plaintiff", "name": "A"}],
            "annex": ["A"],
        }
        filing_id = client.post("/api/v1/filings/", body, format="json").json()["id"]
        return client, f"/api/v1/filings/{filing_id}/signing-payload/", "application/json"

    def signed_act():
        case = make_case(court, judge, party)
        return sign_act(upload_act(case, judge, tmp_path), judge, ecp)

    def act_document():
        act = signed_act()
        return client_for(party), f"/api/v1/acts/{act.pk}/document/", "application/pdf"

    def act_pdf():
        act = signed_act()
        return client_for(party), f"/api/v1/acts/{act.pk}/pdf/", "application/pdf"

    def act_signing_payload():
        act = upload_act(make_case(court, judge, party), judge, tmp_path)
        return client_for(judge), f"/api/v1/acts/{act.pk}/signing-payload/", "application/json"

    def act_legal_force_payload():
        act = signed_act()
        url = f"/api/v1/acts/{act.pk}/legal-force-payload/"
        return client_for(judge), url, "application/json"

    def power_document():
        power = powers.power_create(
            acting_user=party,
            attorneys=[make_user("representative").login],
            powers=["file_claims"],
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate() + timedelta(days=30),
            fabula="Қарыз өндіру туралы дау.",
        )
        type(power).objects.filter(pk=power.pk).update(status=PowerStatus.ACTIVE)
        return client_for(party), f"/api/v1/powers/{power.pk}/document/", "application/json"

    def power_signing_payload():
        power = powers.power_create(
            acting_user=party,
            attorneys=[make_user("representative").login],
            powers=["file_claims"],
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate() + timedelta(days=30),
            fabula="Қарыз өндіру туралы дау.",
        )
        return client_for(party), f"/api/v1/powers/{power.pk}/signing-payload/", "application/json"

    def archived():
        case = archive_case(court, judge, secretary, party)
        now = timezone.now()
        add_filing(case, party, ecp, submitted_at=now - timedelta(days=200))
        add_act(
            case,
            judge,
            ecp,
            signed_at=now - timedelta(days=70),
            legal_force_date=(now - timedelta(days=40)).date(),
        )
        return archive_services.archive_transfer(
            acting_user=secretary, case=case, inventory_cms=ecp.sign(judge, inventory_payload(case))
        )

    def paper_copy():
        transfer = archived()
        url = f"/api/v1/archive/{transfer.pk}/paper-copy.pdf"
        return client_for(party), url, "application/pdf"

    def archive_item():
        transfer = archived()
        item = transfer.items.order_by("position").first()
        url = f"/api/v1/archive/{transfer.pk}/items/{item.pk}/"
        return client_for(party), url, item.content_type

    def archive_export():
        transfer = archived()
        url = f"/api/v1/archive/{transfer.pk}/export.zip"
        return client_for(archivist), url, "application/zip"

    return {
        "talon": talon,
        "filing_signing_payload": filing_signing_payload,
        "act_document": act_document,
        "act_pdf": act_pdf,
        "act_signing_payload": act_signing_payload,
        "act_legal_force_payload": act_legal_force_payload,
        "power_document": power_document,
        "power_signing_payload": power_signing_payload,
        "archive_paper_copy": paper_copy,
        "archive_item": archive_item,
        "archive_export": archive_export,
    }


ENDPOINTS = [
    "talon",
    "filing_signing_payload",
    "act_document",
    "act_pdf",
    "act_signing_payload",
    "act_legal_force_payload",
    "power_document",
    "power_signing_payload",
    "archive_paper_copy",
    "archive_item",
    "archive_export",
]


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_file_endpoint_answers_any_accept(endpoints, name, accept):
    client, url, content_type = endpoints[name]()
    response = get(client, url, accept)
    assert response.status_code == 200, (response.status_code, response.content[:300])
    assert response["Content-Type"].split(";")[0] == content_type
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type == "application/pdf":
        assert body.startswith(b"%PDF-")
    assert body


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/filings/999999/talon.pdf",
        "/api/v1/filings/999999/signing-payload/",
        "/api/v1/acts/999999/document/",
        "/api/v1/acts/999999/pdf/",
        "/api/v1/acts/999999/signing-payload/",
        "/api/v1/powers/999999/document/",
        "/api/v1/archive/999999/paper-copy.pdf",
        "/api/v1/archive/999999/export.zip",
        "/api/v1/writs/999999/signing-payload/",
    ],
)
def test_file_endpoint_errors_stay_json(client_for, make_user, url, accept):
    """Not found (or not the caller's): the JSON envelope, whatever the Accept header says."""
    response = get(client_for(make_user("applicant")), url, accept)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_a_refused_download_is_json_too(endpoints, client_for, make_user, court):
    """403 for someone who may see the archive but not export it: the envelope, not 406."""
    _client, url, _type = endpoints["archive_paper_copy"]()
    judge = Case.objects.get().judge
    export = url.replace("paper-copy.pdf", "export.zip")
    response = get(client_for(judge), export, "application/zip")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("accept", ACCEPTS)
def test_e_receipt_download_answers_any_accept(court, make_user, accept):
    """The e-receipt download (a cabinet page, not DRF) gives the PDF for any Accept too."""
    from decimal import Decimal

    from django.test import Client

    from filings.duty.payments import render_e_receipt
    from filings.models import Filing, FilingStatus, Payment, PaymentStatus

    payer = make_user("applicant")
    filing = Filing.objects.create(
        court=court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="T",
        author=payer,
        status=FilingStatus.DRAFT,
        parties=[{"role": "plaintiff", "name": "A", "iin_bin": ""}],
    )
    payment = Payment.objects.create(
        filing=filing,
        amount=Decimal("3932.00"),
        status=PaymentStatus.PAID,
        reference="ORDER-ACCEPT",
        receipt_code="RC-ACCEPT",
        payer=payer,
        paid_at=timezone.now(),
    )
    receipt = render_e_receipt(payment)
    client = Client()
    client.force_login(payer)
    response = get(client, f"/cabinet/filings/{filing.pk}/duty/receipts/{receipt.pk}/", accept)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
