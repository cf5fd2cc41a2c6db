"""The АИС ОИП stand-in's receiving API: authentication, idempotent registration (R-ENF-3)."""

from __future__ import annotations

import copy
import hashlib
import hmac
from datetime import datetime

import pytest
from rest_framework.test import APIClient

from enforcement.chamber.models import InboundRequest, Registration
from enforcement.client import service_token
from enforcement.models import OutboxMessage, Writ
from enforcement.tests.conftest import DEBTOR_IIN

URL = "/api/v1/ais-oip/writs/"


def sample_payload(writ_id: int = 9001, *, district: str = "ALM-BOST", **writ) -> dict:
    """A payload of the R-ENF-3 shape from some court system (no writ of ours behind it)."""
    return {
        "schema": "sotkabinet.writ/1",
        "resubmission": False,
        "writ": {
            "id": writ_id,
            "number": f"X-2026-1/АҚ-{writ_id}",
            "category": "individual_sum",
            "amount": "1000.00",
            "immediate": False,
            "state_interest": False,
            **writ,
        },
        "claimant": {"name": "Асқар", "iin_bin": "900101400014"},
        "debtor": {"name": "Бақыт", "iin_bin": DEBTOR_IIN, "district": district},
        "case": {"number": "X-2026-1", "proceeding": "civil"},
        "judge": {"login": "880303500011", "full_name": "Судья"},
        "court": {"code": "X", "name": "Сот"},
        "registration": {"case_number": "X-2026-1"},
        "act": {"id": 1, "sha256": "0" * 64},
    }


@pytest.fixture
def service():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token test-service-token")
    return client


def post(client, payload, key="key-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, payload, format="json", **headers)


def test_r_enf_3_registration_returns_number_date_and_registered(service, db):  # 000 п.57
    response = post(service, sample_payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "registered"
    assert body["enforcement_number"] == Registration.objects.get().number
    assert datetime.fromisoformat(body["registered_at"]).utcoffset() is not None
    assert body["distribution_deadline"]


def test_r_enf_3_the_same_key_replays_the_first_answer(service, db):  # Idempotency-Key
    first = post(service, sample_payload())
    again = post(service, sample_payload())
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Registration.objects.count() == 1
    assert InboundRequest.objects.count() == 1


def test_r_enf_3_the_same_key_with_another_body_is_422(service, db):  # Idempotency-Key
    post(service, sample_payload())
    other = sample_payload()
    other["debtor"]["name"] = "Басқа"
    response = post(service, other)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_r_enf_3_another_key_for_the_same_document_registers_nothing_new(service, db):
    first = post(service, sample_payload(), key="a")
    second = post(service, sample_payload(), key="b")
    assert second.status_code == 200
    assert second.json()["enforcement_number"] == first.json()["enforcement_number"]
    assert Registration.objects.count() == 1


def test_r_enf_3_a_key_is_required(service, db):
    response = post(service, sample_payload(), key=None)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "breakage",
    [
        lambda payload: payload["writ"].update(category="fine"),
        lambda payload: payload["debtor"].pop("district"),
        lambda payload: payload.pop("case"),
        lambda payload: payload["writ"].update(id="seven"),
    ],
)
def test_r_enf_3_a_malformed_payload_is_400(service, db, breakage):
    payload = copy.deepcopy(sample_payload())
    breakage(payload)
    assert post(service, payload).status_code == 400
    assert not Registration.objects.exists()


def test_authentication_service_token_only(db, client_for, make_user, settings, service):
    """Issue 9: only the court system's service token; a chamber user is not the service."""
    anonymous = APIClient()
    assert post(anonymous, sample_payload()).status_code == 401
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token not-the-service-token")
    assert post(wrong, sample_payload()).status_code == 401
    judge = make_user("judge")
    assert post(client_for(judge), sample_payload()).status_code == 403
    chamber_user = make_user("chamber")
    assert post(client_for(chamber_user), sample_payload()).status_code == 403
    assert not Registration.objects.exists()
    assert post(service, sample_payload()).status_code == 201


def test_issue_9_the_service_token_is_never_derived_from_secret_key(db, settings, service):
    settings.ENFORCEMENT_API_TOKEN = ""
    assert service_token() == ""
    empty = APIClient()
    empty.credentials(HTTP_AUTHORIZATION="Token ")
    assert post(empty, sample_payload(), key="k2").status_code == 401
    assert post(service, sample_payload(), key="k3").status_code == 401
    for message in (b"sotkabinet:ais-oip-service-token", b""):
        derived = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
        guess = APIClient()
        guess.credentials(HTTP_AUTHORIZATION=f"Token {derived}")
        assert post(guess, sample_payload(), key="k4").status_code == 401
    assert not Registration.objects.exists()


def test_issue_9_a_chamber_user_cannot_pre_empt_or_read_the_courts_writs(
    db, client_for, make_user, service
):
    """Registrations are keyed by the writ id the caller sends; only the service may send one."""
    chamber_user = make_user("chamber")
    squatter = client_for(chamber_user)
    assert post(squatter, sample_payload(9001), key="chosen").status_code == 403
    created = post(service, sample_payload(9001), key="court-key")
    assert created.status_code == 201  # the court's own writ is new, not someone's replay
    number = created.json()["enforcement_number"]
    assert squatter.get(f"{URL}{number}/").status_code == 403
    assert post(squatter, sample_payload(9001), key="court-key").status_code == 403
    assert Registration.objects.get(source_writ_id=9001).inbound_requests.count() == 1


@pytest.mark.parametrize(
    "other",
    [
        lambda payload: payload["writ"].update(number="Y-2026-7/АҚ-9001"),
        lambda payload: payload["court"].update(code="Y"),
    ],
)
def test_issue_9_a_writ_id_taken_by_another_document_is_not_answered_with_its_registration(
    service, db, other
):
    """A writ id registered first for another document (another number or court) does not hand
    that registration to the second sender: 409, nothing registered or replaced."""
    first = post(service, sample_payload(9001), key="first")
    assert first.status_code == 201
    payload = sample_payload(9001)
    other(payload)
    second = post(service, payload, key="second")
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "conflict"
    assert first.json()["enforcement_number"] not in second.content.decode()
    registration = Registration.objects.get(source_writ_id=9001)
    assert (registration.writ_number, registration.court_code) == ("X-2026-1/АҚ-9001", "X")
    assert registration.inbound_requests.count() == 1


def test_registration_detail_by_number(service, db):
    number = post(service, sample_payload()).json()["enforcement_number"]
    response = service.get(f"{URL}{number}/")
    assert response.status_code == 200
    assert response.json()["state"] in ("registered", "distributed")
    assert service.get(f"{URL}0000-0000000/").status_code == 404


def test_r_enf_3_our_outbox_payload_is_accepted_as_is(dispatched, ais_oip):
    """The court's own payload (what the outbox sends) passes the receiving side's checks."""
    writ_id = dispatched()
    message = OutboxMessage.objects.get(writ_id=writ_id)
    assert message.status == "delivered"
    assert Registration.objects.get().source_writ_id == writ_id
    assert len(ais_oip.calls) == 1
    sent = ais_oip.calls[0]
    assert sent.headers["Idempotency-Key"] == message.idempotency_key
    assert sent.headers["Authorization"] == "Token test-service-token"


def test_news_about_a_writ_needs_its_id_and_number_to_match(
    dispatched, service, make_bailiff, district, django_capture_on_commit_callbacks
):
    """A registration that names one of our writs by id but with another number (a forged or
    foreign payload) is registered over there, but it cannot move our writ."""
    make_bailiff(district)
    writ_id = dispatched()  # the endpoint is down: our writ waits in `dispatched`
    forged = sample_payload(writ_id, district=district.code)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(service, forged)
    assert response.status_code == 201
    registration = Registration.objects.get(source_writ_id=writ_id)
    assert registration.bailiff is not None  # distributed on the chamber's side
    writ = Writ.objects.get(pk=writ_id)
    assert writ.status == "dispatched"
    assert writ.bailiff is None
    assert writ.enforcement_number == ""


def test_an_unconfigured_deployment_talks_to_its_own_chamber(dispatched, ais_oip, settings):
    """`make run` without ENFORCEMENT_API_TOKEN: settings hold one random token in DATA_DIR,
    which the outbox sends and the stand-in accepts (never one derived from SECRET_KEY)."""
    from sotkabinet.settings.base import _local_secret

    settings.ENFORCEMENT_API_TOKEN = _local_secret("enforcement-api-token")
    assert len(settings.ENFORCEMENT_API_TOKEN) == 64
    derived = hmac.new(
        settings.SECRET_KEY.encode(), b"sotkabinet:ais-oip-service-token", hashlib.sha256
    ).hexdigest()
    assert derived != settings.ENFORCEMENT_API_TOKEN
    writ_id = dispatched()
    assert OutboxMessage.objects.get(writ_id=writ_id).status == "delivered"
    assert ais_oip.calls[0].headers["Authorization"] == f"Token {settings.ENFORCEMENT_API_TOKEN}"
