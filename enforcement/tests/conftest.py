"""Fixtures of the enforcement tests: a case with a signed act, the people around a writ,
bailiffs, and АИС ОИП reached over HTTP through Django's test client (``ais_oip``)."""

from __future__ import annotations

import base64
import socket
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import requests
from django.test import Client
from django.utils import timezone

from conftest import make_identity_number
from enforcement import client as client_module


def new_login(prefix: str = "8803035") -> str:
    """A fresh valid 12-digit ИИН/БИН for this test process."""
    return make_identity_number(prefix)


CLAIMANT_IIN = new_login("9001014")
DEBTOR_IIN = new_login("8505054")


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens (the port was free a moment ago)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v1/ais-oip/"


@pytest.fixture(autouse=True)
def enforcement_endpoint_down_by_default(settings):
    """No test talks to whatever runs on :8000; a test opts in with ``ais_oip``/live_server."""
    settings.ENFORCEMENT_API_URL = closed_port_url()
    settings.ENFORCEMENT_API_TOKEN = "test-service-token"
    settings.ENFORCEMENT_OUTBOX_BASE_DELAY = 30.0


@pytest.fixture
def medeu(db):
    from sotkabinet.courts.models import District

    return District.objects.create(code="ALM-MED", name="Медеу ауданы", region="Алматы")


@pytest.fixture
def talgar(db):
    from sotkabinet.courts.models import District

    return District.objects.create(code="ALM-TAL", name="Талғар ауданы", region="Алматы облысы")


@pytest.fixture
def people(make_user, court, other_court, district):
    return SimpleNamespace(
        judge=make_user("judge", court, full_name="Әділов Серік"),
        secretary=make_user("secretary", court, full_name="Хатшы Айгүл"),
        other_secretary=make_user("secretary", other_court),
        clerk=make_user("clerk", court),
        # The chamber of the Almaty region, seated in `district` (issue 9: its region).
        chamber=make_user("chamber", full_name="Өңірлік палата", district=district),
        claimant=make_user("applicant", full_name="Өндіріп алушы Асқар"),
        debtor=make_user("applicant", full_name="Борышкер Бақыт"),
        stranger=make_user("applicant", full_name="Бөгде Адам"),
    )


@pytest.fixture
def make_case(court, people):
    from registry.models import Case, CaseParticipant

    counter = iter(range(1, 10_000))

    def factory(participants=None, number=None):
        sequence = next(counter)
        case = Case.objects.create(
            number=number or f"{court.code}-2026-{sequence}",
            court=court,
            year=2026,
            sequence=sequence,
            judge=people.judge,
            secretary=people.secretary,
            proceeding="civil",
            category="civil",
        )
        for user in (people.claimant, people.debtor) if participants is None else participants:
            CaseParticipant.objects.create(case=case, user=user, role="party")
        return case

    return factory


@pytest.fixture
def make_act(people, ecp):
    """A signed act stored as a real PDF blob, with the judge's CMS (created directly, as the
    acts service would leave it)."""
    from registry.models import Act
    from sotkabinet.documents.samples.pdf import pdf_bytes
    from sotkabinet.documents.upload import store_blob
    from sotkabinet.signatures.services import canonical_payload

    def factory(case, legal_force_date=date(2026, 1, 15), title="Шешім", status="signed"):
        blob = store_blob(pdf_bytes(f"Decision in {case.number} {title}"))
        fields = {}
        if status == "signed":
            payload = canonical_payload(
                {"case": case.number, "kind": "decision", "sha256": blob.sha256, "title": title}
            )
            signed_at = timezone.now() - timedelta(days=30)
            fields = {
                "signed_at": signed_at,
                "signer": people.judge,
                "signature_payload": payload.decode(),
                "signature_cms": base64.b64decode(ecp.sign(people.judge, payload)),
                "published_at": signed_at,
                "legal_force_date": legal_force_date,
                "legal_force_signer": people.judge if legal_force_date else None,
            }
        return Act.objects.create(
            case=case,
            kind="decision",
            title=title,
            date=date(2025, 12, 1),
            status=status,
            blob=blob.name,
            filename="decision.pdf",
            detected_format="pdf",
            size=blob.size,
            sha256=blob.sha256,
            created_by=people.judge,
            **fields,
        )

    return factory


@pytest.fixture
def make_bailiff(make_user, district):
    from enforcement.models import BailiffProfile

    def factory(home=None, attached=(), full_name=None, **profile):
        user = make_user(
            "bailiff",
            district=home if home is not None else district,
            **({"full_name": full_name} if full_name else {}),
        )
        if attached:
            user.attached_districts.set(attached)
        if profile:
            BailiffProfile.objects.create(user=user, **profile)
        return user

    return factory


def writ_body(debtor_district, **overrides) -> dict:
    body = {
        "claimant": {"name": "Өндіріп алушы Асқар", "iin_bin": CLAIMANT_IIN},
        "debtor": {
            "name": "Борышкер Бақыт",
            "iin_bin": DEBTOR_IIN,
            "district": debtor_district.code,
        },
        "category": "individual_sum",
        "amount": "125000.00",
        "immediate": False,
    }
    body.update(overrides)
    return body


@pytest.fixture
def issue(client_for, people, district):
    """POST a writ on an act as the judge; returns the writ JSON."""

    def factory(act, *, debtor_district=None, **overrides):
        response = client_for(people.judge).post(
            f"/api/v1/acts/{act.pk}/writs/",
            writ_body(debtor_district or district, **overrides),
            format="json",
        )
        assert response.status_code == 201, response.content
        return response.json()

    return factory


@pytest.fixture
def sign(client_for, ecp, people, django_capture_on_commit_callbacks):
    """Sign a writ as ``user`` over its signing payload; after-commit work runs (dispatch)."""

    def factory(writ_id, user, *, signer=None):
        client = client_for(user)
        payload = client.get(f"/api/v1/writs/{writ_id}/signing-payload/").content
        cms = ecp.sign(signer or user, payload)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/api/v1/writs/{writ_id}/sign/", {"cms": cms}, format="json")

    return factory


@dataclass
class DjangoClientAdapter(requests.adapters.BaseAdapter):
    """A requests transport that hands the request to Django's test client: the outbox's HTTP
    client talks to the АИС ОИП views without a socket. ``down`` answers 503 instead."""

    down: bool = False
    calls: list = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def send(self, request, **kwargs):
        self.calls.append(request)
        response = requests.Response()
        response.request = request
        response.url = request.url
        if self.down:
            response.status_code = 503
            response._content = b'{"error": {"code": "unavailable"}}'
            return response
        path = request.url.split("://", 1)[1].split("/", 1)[1]
        headers = {
            key: value
            for key, value in request.headers.items()
            if key.lower() not in ("content-type", "content-length")
        }
        answer = Client().generic(
            request.method,
            "/" + path,
            data=request.body or b"",
            content_type=request.headers.get("Content-Type", "application/json"),
            headers=headers,
        )
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers.update(dict(answer.items()))
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        return None


@pytest.fixture
def ais_oip(settings, monkeypatch):
    """Point the client at АИС ОИП served by Django's test client, in-process."""
    settings.ENFORCEMENT_API_URL = "http://ais-oip.test/api/v1/ais-oip/"
    adapter = DjangoClientAdapter()

    def build_session():
        session = requests.Session()
        session.mount("http://ais-oip.test/", adapter)
        return session

    monkeypatch.setattr(client_module, "build_session", build_session)
    return adapter


@pytest.fixture
def dispatched(make_case, make_act, issue, sign, people):
    """A writ signed by the judge and the secretary (dispatched). Returns its id."""

    def factory(*, case=None, **overrides):
        act = make_act(case or make_case())
        writ = issue(act, **overrides)
        assert sign(writ["id"], people.judge).status_code == 200
        response = sign(writ["id"], people.secretary)
        assert response.status_code == 200, response.content
        return writ["id"]

    return factory
