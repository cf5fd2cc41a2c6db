"""Fixtures and helpers shared by the judicial-act tests (test_acts*.py, test_verify.py).

A registered case is made directly as Case / CaseParticipant rows, so these tests do not depend
on the registration desk. A test module imports the fixtures it needs (`judge_fixture` provides
the fixture `judge`, and so on); the names differ so that test parameters do not shadow imports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from registry import acts
from registry.models import Act, Case, CaseParticipant
from sotkabinet.courts.services import court_today
from sotkabinet.documents.samples import docx_bytes, pdf_bytes, write_sample

_sequence = iter(range(1, 10_000))


@pytest.fixture(name="judge")
def judge_fixture(make_user, court):
    return make_user("judge", court, full_name="Судья Әлия Сейітқызы")


@pytest.fixture(name="chairman")
def chairman_fixture(make_user, court):
    return make_user("chairman", court, full_name="Төраға Марат Болатұлы")


@pytest.fixture(name="clerk")
def clerk_fixture(make_user, court):
    return make_user("clerk", court, full_name="Кеңсе Гүлнар")


@pytest.fixture(name="party")
def party_fixture(make_user):
    return make_user("applicant", full_name="Талапкер Асан")


@pytest.fixture(name="representative")
def representative_fixture(make_user):
    return make_user("representative", full_name="Өкіл Ерлан")


@pytest.fixture(name="stranger")
def stranger_fixture(make_user):
    return make_user("applicant", full_name="Бөтен Адам")


def make_case(court, judge, *participants, closed: bool = False) -> Case:
    sequence = next(_sequence)
    case = Case.objects.create(
        number=f"{court.code}-2026-{sequence}",
        court=court,
        year=2026,
        sequence=sequence,
        judge=judge,
        proceeding="civil",
        category="civil",
        closed=closed,
    )
    for index, user in enumerate(participants):
        role = CaseParticipant.Role.APPLICANT if index == 0 else CaseParticipant.Role.REPRESENTATIVE
        CaseParticipant.objects.create(case=case, user=user, role=role)
    return case


@pytest.fixture(name="case")
def case_fixture(court, judge, party, representative):
    return make_case(court, judge, party, representative)


def sample_file(tmp_path: Path, name: str = "decision.pdf", data: bytes | None = None) -> Path:
    if data is None:
        data = docx_bytes() if name.endswith(".docx") else pdf_bytes("Шешім / Решение")
    return write_sample(tmp_path, name, data)


def upload_act(
    case: Case,
    judge,
    tmp_path: Path,
    *,
    kind: str = "decision",
    title: str = "Талап қоюды қанағаттандыру туралы шешім",
    act_date: date | None = None,
    data: bytes | None = None,
    name: str = "decision.pdf",
) -> Act:
    return acts.act_upload(
        acting_user=judge,
        case=case,
        uploaded=sample_file(tmp_path, name, data),
        kind=kind,
        title=title,
        act_date=act_date,
    )


def sign_act(act: Act, judge, ecp) -> Act:
    return acts.act_sign(
        acting_user=judge, act=act, cms=ecp.sign(judge, acts.act_signing_payload(act))
    )


def mark_legal_force(act: Act, signer, ecp, on: date | None = None) -> Act:
    on = on or court_today(act.case.court)
    payload = acts.legal_force_payload(act, on)
    return acts.act_mark_legal_force(
        acting_user=signer, act=act, on=on, cms=ecp.sign(signer, payload)
    )


@contextmanager
def tampered(blob: str) -> Iterator[None]:
    """Change one stored byte of `blob` (content-addressed storage is shared by the session's
    tests, so the original bytes are put back afterwards)."""
    path = Path(default_storage.path(blob))
    original = path.read_bytes()
    changed = bytearray(original)
    changed[20] ^= 0x01
    path.write_bytes(bytes(changed))
    try:
        yield
    finally:
        path.write_bytes(original)


def payload_dict(payload: bytes) -> dict:
    return json.loads(payload.decode("utf-8"))
