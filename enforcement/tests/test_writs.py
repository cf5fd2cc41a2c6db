"""Issuing and certifying a writ: SPEC R-ENF-1, R-ENF-2 (docs/api.md)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from enforcement.models import OutboxMessage, Writ, WritStatus
from enforcement.tests.conftest import writ_body
from registry.models import CaseEvent
from sotkabinet.signatures.services import canonical_payload


@pytest.fixture
def act(make_case, make_act):
    return make_act(make_case())


def test_r_enf_1_writ_before_legal_force_is_not_in_force(
    make_case, make_act, client_for, people, district
):  # SPEC R-ENF-1 (000 п.51)
    not_yet = make_act(make_case(), legal_force_date=None)
    response = client_for(people.judge).post(
        f"/api/v1/acts/{not_yet.pk}/writs/", writ_body(district), format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_in_force"
    assert not Writ.objects.exists()


def test_r_enf_1_immediate_execution_allowed_before_legal_force(
    make_case, make_act, issue
):  # SPEC R-ENF-1 (000 п.51)
    not_yet = make_act(make_case(), legal_force_date=None)
    writ = issue(not_yet, immediate=True)
    assert writ["status"] == "draft"
    assert writ["immediate"] is True
    assert "Immediate execution" in writ["history"][0]["note"]


def test_r_enf_1_legal_force_date_in_the_future_counts_as_not_in_force(
    make_case, make_act, client_for, people, district
):  # SPEC R-ENF-1
    later = make_act(make_case(), legal_force_date=timezone.localdate() + timedelta(days=5))
    response = client_for(people.judge).post(
        f"/api/v1/acts/{later.pk}/writs/", writ_body(district), format="json"
    )
    assert response.json()["error"]["code"] == "not_in_force"


def test_r_enf_2_writ_on_an_unsigned_act_is_refused(
    make_case, make_act, client_for, people, district
):  # SPEC R-ENF-2 (000 п.52: the act's signed copy goes with the writ)
    act = make_act(make_case(), status="draft")
    response = client_for(people.judge).post(
        f"/api/v1/acts/{act.pk}/writs/", writ_body(district), format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "act_not_signed"


def test_writ_created_as_draft_with_the_api_fields(act, issue, district):  # docs/api.md
    writ = issue(act)
    assert {
        "id",
        "act",
        "case",
        "status",
        "category",
        "debtor",
        "claimant",
        "amount",
        "immediate",
        "enforcement_number",
        "registered_at",
        "bailiff",
        "distribution_deadline",
        "history",
    } <= set(writ)
    assert writ["status"] == "draft"
    assert writ["act"] == act.pk
    assert writ["case"] == act.case_id
    assert writ["amount"] == "125000.00"
    assert writ["debtor"]["district"] == district.code
    assert writ["bailiff"] is None
    assert writ["enforcement_number"] is None
    assert writ["act_copy"]["sha256"] == act.sha256
    assert [event["status"] for event in writ["history"]] == ["draft"]
    # The case history is the parties' too: a draft does not appear there.
    assert not CaseEvent.objects.filter(case=act.case).exists()
    stored = Writ.objects.get(pk=writ["id"])
    assert stored.act_document == act.blob
    assert stored.number == f"{act.case.number}/АҚ-1"


def test_only_the_cases_judge_issues_a_writ(
    act, client_for, people, district, make_user, court
):  # SPEC R-ENF-2, the judge issues it (docs/api.md)
    other_judge = make_user("judge", court)
    for user, expected in ((people.secretary, 403), (other_judge, 403), (people.stranger, 404)):
        response = client_for(user).post(
            f"/api/v1/acts/{act.pk}/writs/", writ_body(district), format="json"
        )
        assert response.status_code == expected, user
    assert not Writ.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "fine"}, "category"),
        ({"amount": None}, "amount"),
        ({"debtor": {"name": "X", "iin_bin": "123456789012", "district": "ALM-BOST"}}, "debtor"),
        ({"debtor": {"name": "X", "iin_bin": "850505400017", "district": "NOWHERE"}}, "debtor"),
    ],
)
def test_writ_input_is_validated(act, client_for, people, district, change, field):
    response = client_for(people.judge).post(
        f"/api/v1/acts/{act.pk}/writs/", writ_body(district, **change), format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["details"]


def test_state_interest_only_for_non_property(act, client_for, people, district):  # 002 п.4
    response = client_for(people.judge).post(
        f"/api/v1/acts/{act.pk}/writs/",
        writ_body(district, state_interest=True),
        format="json",
    )
    assert response.status_code == 400


def test_state_sum_over_1000_mci_is_refused(act, client_for, people, district):  # 002 п.4
    from filings.models import MciValue

    MciValue.objects.update_or_create(
        year=timezone.localdate().year, defaults={"amount": "4325.00"}
    )
    over = writ_body(district, category="state_sum", amount="4325000.01")
    response = client_for(people.judge).post(f"/api/v1/acts/{act.pk}/writs/", over, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "state_sum_over_limit"
    at_limit = writ_body(district, category="state_sum", amount="4325000.00")
    ok = client_for(people.judge).post(f"/api/v1/acts/{act.pk}/writs/", at_limit, format="json")
    assert ok.status_code == 201


def test_create_is_idempotent_by_key(act, client_for, people, district):  # docs/conventions.md
    client = client_for(people.judge)
    url = f"/api/v1/acts/{act.pk}/writs/"
    first = client.post(url, writ_body(district), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(url, writ_body(district), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Writ.objects.count() == 1


def test_r_enf_2_signing_payload_binds_writ_fields_and_the_act_sha256(
    act, issue, client_for, people
):  # SPEC R-ENF-2, docs/conventions.md "Signing"
    writ = issue(act)
    response = client_for(people.judge).get(f"/api/v1/writs/{writ['id']}/signing-payload/")
    assert response.status_code == 200
    payload = response.content
    document = json.loads(payload)
    assert canonical_payload(document) == payload  # sorted, compact, raw UTF-8
    assert document["act"]["sha256"] == act.sha256
    assert document["writ"]["debtor"] == writ["debtor"]
    assert document["writ"]["claimant"] == writ["claimant"]
    assert document["writ"]["amount"] == "125000.00"
    assert document["writ"]["judge"]["login"] == people.judge.login
    assert "Борышкер".encode() in payload
    secretary_view = client_for(people.secretary).get(
        f"/api/v1/writs/{writ['id']}/signing-payload/"
    )
    assert secretary_view.content == payload
    assert (
        client_for(people.claimant).get(f"/api/v1/writs/{writ['id']}/signing-payload/").status_code
        == 404
    )


def test_r_enf_2_judge_then_secretary_dispatches(
    act, issue, sign, people, client_for
):  # SPEC R-ENF-2, R-ENF-3 (000 п.52, п.56)
    writ = issue(act)
    by_judge = sign(writ["id"], people.judge)
    assert by_judge.status_code == 200, by_judge.content
    assert by_judge.json()["status"] == "signed_by_judge"
    assert by_judge.json()["signatures"]["judge"]["signer"]["login"] == people.judge.login
    assert by_judge.json()["signatures"]["judge"]["verdict"]["valid"] is True
    assert not OutboxMessage.objects.exists()

    by_secretary = sign(writ["id"], people.secretary)
    assert by_secretary.status_code == 200, by_secretary.content
    body = by_secretary.json()
    assert body["status"] == "dispatched"
    assert body["signatures"]["secretary"]["signer"]["login"] == people.secretary.login
    assert [event["status"] for event in body["history"]] == [
        "draft",
        "signed_by_judge",
        "dispatched",
    ]
    assert list(CaseEvent.objects.filter(case=act.case).values_list("kind", flat=True)) == [
        "writ.dispatched"
    ]
    # The outbox row was written with the dispatch (R-ENF-3); the endpoint is down here.
    message = OutboxMessage.objects.get(writ_id=writ["id"])
    assert message.status == "pending"
    assert message.attempts == 1
    assert "connection failed" in message.last_error
    stored = Writ.objects.get(pk=writ["id"])
    payload = base64.b64decode(message.payload["writ"]["payload"])
    assert payload == stored.signing_payload_bytes
    cms = [signature["cms"] for signature in message.payload["writ"]["signatures"]]
    assert base64.b64decode(cms[0]) == bytes(stored.judge_signature_cms)
    assert base64.b64decode(cms[1]) == bytes(stored.secretary_signature_cms)


def test_r_enf_2_secretary_before_the_judge_gets_judge_signature_required(
    act, issue, sign, people
):  # SPEC R-ENF-2
    writ = issue(act)
    response = sign(writ["id"], people.secretary)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "judge_signature_required"
    assert Writ.objects.get(pk=writ["id"]).status == WritStatus.DRAFT


def test_r_enf_2_wrong_key_is_signer_mismatch(act, issue, sign, people):  # SPEC R-ENF-2
    writ = issue(act)
    response = sign(writ["id"], people.judge, signer=people.stranger)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signer_mismatch"
    sign(writ["id"], people.judge)
    response = sign(writ["id"], people.secretary, signer=people.judge)
    assert response.json()["error"]["code"] == "signer_mismatch"
    assert Writ.objects.get(pk=writ["id"]).status == WritStatus.SIGNED_BY_JUDGE


def test_r_enf_2_signature_over_other_bytes_is_invalid(
    act, issue, client_for, ecp, people
):  # SPEC R-ENF-2, R-ECP-1
    writ = issue(act)
    cms = ecp.sign(people.judge, b'{"writ":"something else"}')
    response = client_for(people.judge).post(
        f"/api/v1/writs/{writ['id']}/sign/", {"cms": cms}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signature_invalid"
    assert response.json()["error"]["details"]["reason"] == "tampered"


def test_r_enf_2_revoked_key_is_refused(act, issue, sign, ecp, people):  # SPEC R-ENF-2
    writ = issue(act)
    ecp.revoke(people.judge)
    response = sign(writ["id"], people.judge)
    assert response.status_code == 400
    assert response.json()["error"]["details"]["reason"] == "revoked"


def test_r_enf_2_secretary_of_another_court_cannot_sign(
    act, issue, sign, people
):  # SPEC R-ENF-2 ("the session secretary of that court")
    writ = issue(act)
    sign(writ["id"], people.judge)
    assert sign(writ["id"], people.other_secretary).status_code == 404
    assert sign(writ["id"], people.clerk).status_code == 403


def test_signing_twice_is_a_conflict(act, issue, sign, people):
    writ = issue(act)
    sign(writ["id"], people.judge)
    again = sign(writ["id"], people.judge)
    assert again.status_code == 409
    sign(writ["id"], people.secretary)
    assert sign(writ["id"], people.secretary).status_code == 409
    assert OutboxMessage.objects.filter(writ_id=writ["id"]).count() == 1


def test_r_enf_3_dispatch_payload_has_everything_of_000_p56(
    dispatched, people, court
):  # SPEC R-ENF-3 (000 п.56)
    writ = Writ.objects.get(pk=dispatched())
    payload = OutboxMessage.objects.get(writ=writ).payload
    assert payload["claimant"]["iin_bin"] == writ.claimant["iin_bin"]
    assert payload["debtor"] == writ.debtor
    assert payload["case"]["number"] == writ.case.number
    assert payload["judge"] == {"login": people.judge.login, "full_name": "Әділов Серік"}
    assert payload["court"] == {"code": court.code, "name": court.name}
    assert payload["registration"]["writ_number"] == writ.number
    assert payload["registration"]["case_registered_at"]
    assert payload["act"]["sha256"] == writ.act.sha256
    assert payload["act"]["cms"] == base64.b64encode(bytes(writ.act.signature_cms)).decode()
    assert payload["act"]["document_url"].endswith(f"/api/v1/acts/{writ.act_id}/document/")
    assert [s["role"] for s in payload["writ"]["signatures"]] == ["judge", "secretary"]
    assert payload["resubmission"] is False


def test_only_the_judge_and_the_courts_secretaries_sign(dispatched, sign, people, ais_oip):
    writ_id = dispatched()
    for user in (people.claimant, people.chamber):
        assert sign(writ_id, user).status_code == 403


@pytest.mark.parametrize("accept", ["application/pdf", "*/*", "application/json", None])
def test_signing_payload_answers_any_accept(act, issue, client_for, people, accept):
    """Issue 10: a file endpoint never answers 406 (FileDownloadMixin), whatever Accept says."""
    writ = issue(act)
    extra = {"HTTP_ACCEPT": accept} if accept is not None else {}
    response = client_for(people.judge).get(f"/api/v1/writs/{writ['id']}/signing-payload/", **extra)
    assert response.status_code == 200
    assert json.loads(response.content)["act"]["sha256"] == act.sha256
