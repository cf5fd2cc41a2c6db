"""Distribution among private bailiffs, end to end: the court dispatches over HTTP (Django's test
client as transport), the chamber registers and distributes with the pure engine, the court's
writ shows the bailiff. SPEC R-ENF-4 (002 п.3-4, п.9-14, п.17-18), R-ENF-5 (п.7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from enforcement import distribution, tasks
from enforcement.chamber.models import (
    AssignmentEnd,
    AssignmentKind,
    BailiffAssignment,
    Registration,
)
from enforcement.models import OutboxMessage, Writ, WritStatus
from enforcement.tests.conftest import new_login
from sotkabinet.core.models import AuditLog, Notification
from sotkabinet.courts.models import District
from sotkabinet.courts.services import calendar_for

pytestmark = pytest.mark.usefixtures("ais_oip")


def debtor(district, iin=None, name="Борышкер") -> dict:
    return {"name": name, "iin_bin": iin or new_login("8505054"), "district": district.code}


def claimant(iin=None) -> dict:
    return {"name": "Өндіріп алушы", "iin_bin": iin or new_login("9001014")}


def writ(writ_id: int) -> Writ:
    return Writ.objects.select_related("bailiff").get(pk=writ_id)


def registration(writ_id: int) -> Registration:
    return Registration.objects.get(source_writ_id=writ_id)


def test_r_enf_4_p9_p10_debtors_district_then_attached_never_outside(
    dispatched, make_bailiff, district, medeu, talgar, people
):  # SPEC R-ENF-4 (002 п.9, п.10)
    home = make_bailiff(district)
    attached_to_talgar = make_bailiff(medeu, attached=[talgar])
    make_bailiff(medeu)

    local = dispatched(debtor=debtor(district))
    assert writ(local).status == WritStatus.DISTRIBUTED
    assert writ(local).bailiff == home
    assert registration(local).distribution_rule == distribution.Rule.DEBTOR_DISTRICT

    rural = dispatched(debtor=debtor(talgar))
    assert writ(rural).bailiff == attached_to_talgar
    assert registration(rural).distribution_rule == distribution.Rule.ATTACHED_DISTRICT

    nowhere = District.objects.create(code="ALM-AUE", name="Әуезов ауданы", region="Алматы")
    waiting = dispatched(debtor=debtor(nowhere))
    assert writ(waiting).status == WritStatus.REGISTERED
    assert writ(waiting).bailiff is None
    assert registration(waiting).distribution_rule == distribution.Rule.NO_BAILIFF
    assert "п.10" in registration(waiting).distribution_reason

    # A bailiff registers in that district; the hourly job distributes the waiting writ.
    newcomer = make_bailiff(nowhere)
    assert tasks.chamber_housekeeping()["distributed"] == 1
    assert writ(waiting).bailiff == newcomer
    assert writ(waiting).status == WritStatus.DISTRIBUTED
    assert Notification.objects.filter(user=newcomer, kind="writ.assigned").count() == 1
    # The parties see who enforces it (R-ENF-3: statuses reach the cabinets).
    assert Notification.objects.filter(
        user=people.claimant, kind="writ.distributed", case_id=writ(waiting).case_id
    ).exists()


def test_r_enf_4_p4_even_per_category(dispatched, make_bailiff, district):  # SPEC R-ENF-4 (п.4)
    first, second = make_bailiff(district), make_bailiff(district)
    holders = [writ(dispatched(debtor=debtor(district))).bailiff for _ in range(4)]
    assert holders.count(first) == holders.count(second) == 2


def test_r_enf_5_p7_distribution_deadline_three_working_days_or_at_once(
    dispatched, make_bailiff, district, court
):  # SPEC R-ENF-5 (002 п.7)
    make_bailiff(district)
    regular, immediate = writ(dispatched()), writ(dispatched(immediate=True))
    registered_on = timezone.localtime(regular.registered_at, court.tzinfo).date()
    assert regular.distribution_deadline == calendar_for(court).add_working_days(registered_on, 3)
    assert (
        immediate.distribution_deadline
        == timezone.localtime(immediate.registered_at, court.tzinfo).date()
    )
    assert registration(immediate.pk).distribution_deadline == immediate.distribution_deadline


def test_r_enf_4_p3_p18_licence_suspended_open_writs_are_redistributed(
    dispatched, make_bailiff, district, client_for, people
):  # SPEC R-ENF-4 (002 п.3, п.18)
    """GIVEN bailiff A holds two writs (one accepted) and B joins later
    WHEN the chamber suspends A's licence
    THEN both writs move to B, A's holdings end with a date to send the materials back, and
    A receives nothing new."""
    holder = make_bailiff(district)
    first, second = dispatched(), dispatched()
    client_for(holder).post(
        f"/api/v1/enforcement/writs/{first}/status/", {"status": "accepted"}, format="json"
    )
    newcomer = make_bailiff(district)

    response = client_for(people.chamber).patch(
        f"/api/v1/enforcement/bailiffs/{holder.login}/",
        {"licence_status": "suspended"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["ineligible_reason"] == "licence_suspended"
    for writ_id in (first, second):
        moved = writ(writ_id)
        assert moved.bailiff == newcomer
        assert moved.status == WritStatus.DISTRIBUTED
        assert moved.events.last().status == WritStatus.DISTRIBUTED
    ended = BailiffAssignment.objects.filter(bailiff=holder)
    assert {a.end_reason for a in ended} == {AssignmentEnd.REDISTRIBUTED}
    assert all(a.materials_deadline for a in ended)  # п.18: 3 working days
    assert (
        BailiffAssignment.objects.filter(
            bailiff=newcomer, kind=AssignmentKind.REDISTRIBUTION, ended_at__isnull=True
        ).count()
        == 2
    )
    assert writ(dispatched()).bailiff == newcomer


def test_r_enf_4_p3_absence_over_a_month_excludes_and_redistributes(
    dispatched, make_bailiff, district, client_for, people
):  # SPEC R-ENF-4 (002 п.3, п.18)
    away = make_bailiff(district)
    held = dispatched()
    assert writ(held).bailiff == away
    other = make_bailiff(district)
    today = timezone.localdate()
    response = client_for(people.chamber).post(
        f"/api/v1/enforcement/bailiffs/{away.login}/absences/",
        {"from": (today - timedelta(days=10)).isoformat(), "reason": "sickness"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert writ(held).bailiff == away  # ten days away is not "over a month"

    with time_machine.travel(timezone.now() + timedelta(days=25)):
        assert tasks.chamber_housekeeping()["redistributed"] == 1
    assert writ(held).bailiff == other
    audit = AuditLog.objects.get(action="bailiff.redistribute")
    assert audit.data["reason"] == "daily check: absent_over_month"


def test_r_enf_4_p3_recording_a_long_absence_redistributes_at_once(
    dispatched, make_bailiff, district, client_for, people
):  # SPEC R-ENF-4 (002 п.3, п.18)
    away = make_bailiff(district)
    held = dispatched()
    other = make_bailiff(district)
    started = timezone.localdate() - timedelta(days=40)
    response = client_for(people.chamber).post(
        f"/api/v1/enforcement/bailiffs/{away.login}/absences/",
        {"from": started.isoformat(), "reason": "leave"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["bailiff"]["ineligible_reason"] == "absent_over_month"
    assert writ(held).bailiff == other
    assert writ(dispatched()).bailiff == other


def test_r_enf_4_p17_voluntary_suspension_needs_a_post_and_keeps_open_writs(
    dispatched, make_bailiff, district, client_for, people
):  # SPEC R-ENF-4 (002 п.17)
    deputy = make_bailiff(district)
    held = dispatched()
    other = make_bailiff(district)
    url = f"/api/v1/enforcement/bailiffs/{deputy.login}/"
    chamber = client_for(people.chamber)
    refused = chamber.patch(url, {"distribution_suspended": True}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "suspension_needs_post"
    ok = chamber.patch(
        url,
        {"distribution_suspended": True, "chamber_post": "Өңірлік палата төрағасының орынбасары"},
        format="json",
    )
    assert ok.status_code == 200
    assert writ(held).bailiff == deputy  # п.17 stops new writs only
    assert writ(dispatched()).bailiff == other
    assert writ(dispatched()).bailiff == other


def test_r_enf_4_p11_resubmitted_writ_goes_back_to_the_bailiff_who_returned_it(
    dispatched, make_bailiff, district, client_for, people, django_capture_on_commit_callbacks
):  # SPEC R-ENF-4 (002 п.5, п.11)
    initiator, other = make_bailiff(district), make_bailiff(district)
    returned = dispatched()
    assert writ(returned).bailiff == initiator
    response = client_for(initiator).post(
        f"/api/v1/enforcement/writs/{returned}/status/",
        {"status": "returned", "note": "Борышкердің мүлкі жоқ"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    # Meanwhile the initiator becomes the busier one: evenness alone would pick the other.
    assert writ(dispatched()).bailiff == other
    assert writ(dispatched()).bailiff == initiator
    number = writ(returned).enforcement_number

    with django_capture_on_commit_callbacks(execute=True):
        resubmitted = client_for(people.claimant).post(f"/api/v1/writs/{returned}/resubmit/")
    assert resubmitted.status_code == 200, resubmitted.content
    again = writ(returned)
    assert again.status == WritStatus.DISTRIBUTED
    assert again.bailiff == initiator
    assert again.enforcement_number == number
    assert again.resubmissions == 1
    assert registration(returned).distribution_rule == distribution.Rule.RESUBMISSION_SAME_BAILIFF
    assert Registration.objects.filter(source_writ_id=returned).count() == 1
    topics = list(
        OutboxMessage.objects.filter(writ_id=returned)
        .order_by("pk")
        .values_list("topic", flat=True)
    )
    assert topics == ["writ.dispatch", "writ.resubmit"]
    # Only a returned writ can be resubmitted, and not by strangers.
    assert (
        client_for(people.claimant).post(f"/api/v1/writs/{returned}/resubmit/").status_code == 409
    )
    assert (
        client_for(people.stranger).post(f"/api/v1/writs/{returned}/resubmit/").status_code == 404
    )


def test_r_enf_4_p13_alimony_goes_to_the_bailiff_of_the_debtors_alimony_case(
    dispatched, make_bailiff, make_case, district
):  # SPEC R-ENF-4 (002 п.13)
    holder, other = make_bailiff(district), make_bailiff(district)
    father = new_login("8202023")
    first = dispatched(category="alimony", amount=None, debtor=debtor(district, father))
    assert writ(first).bailiff == holder
    # Another alimony case against the same father: evenness would choose `other`.
    second = dispatched(
        case=make_case(), category="alimony", amount=None, debtor=debtor(district, father)
    )
    assert writ(second).bailiff == holder
    assert registration(second).distribution_rule == distribution.Rule.ALIMONY_SAME_BAILIFF
    # Alimony against someone else is distributed evenly.
    third = dispatched(case=make_case(), category="alimony", amount=None, debtor=debtor(district))
    assert writ(third).bailiff == other


def test_r_enf_4_p14_several_claimants_against_one_debtor_in_one_case_one_bailiff(
    dispatched, make_bailiff, make_case, district
):  # SPEC R-ENF-4 (002 п.14)
    holder, other = make_bailiff(district), make_bailiff(district)
    case = make_case()
    company = new_login("0701016")
    first = dispatched(case=case, claimant=claimant(), debtor=debtor(district, company))
    second = dispatched(case=case, claimant=claimant(), debtor=debtor(district, company))
    assert writ(first).bailiff == writ(second).bailiff == holder
    assert registration(second).distribution_rule == distribution.Rule.SAME_CASE_SAME_BAILIFF
    # The same debtor in another case is distributed evenly.
    elsewhere = dispatched(case=make_case(), debtor=debtor(district, company))
    assert writ(elsewhere).bailiff == other


def test_r_enf_4_p12_reassignment_only_by_the_disciplinary_commission(
    dispatched, make_bailiff, district, client_for, people
):  # SPEC R-ENF-4 (002 п.12)
    current, other = make_bailiff(district), make_bailiff(district)
    held = dispatched()
    assert writ(held).bailiff == current
    url = f"/api/v1/enforcement/writs/{held}/reassign/"
    body = {"reason": "recusal", "decision": "Тәртіптік комиссия шешімі № 12, 2026-11-20"}
    # The bailiff, the other bailiff and a party cannot move it.
    assert client_for(current).post(url, body, format="json").status_code == 403
    assert client_for(other).post(url, body, format="json").status_code == 404
    assert client_for(people.claimant).post(url, body, format="json").status_code == 403
    # The chamber can, on recusal or a confirmed complaint only.
    chamber = client_for(people.chamber)
    workload = chamber.post(url, {**body, "reason": "workload"}, format="json")
    assert workload.status_code == 400
    assert workload.json()["error"]["code"] == "reassignment_not_allowed"
    assert chamber.post(url, {"reason": "recusal"}, format="json").status_code == 400
    assert writ(held).bailiff == current

    moved = chamber.post(url, body, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["bailiff"]["login"] == other.login
    assignment = BailiffAssignment.objects.get(registration__source_writ_id=held, ended_at=None)
    assert assignment.kind == AssignmentKind.REASSIGNMENT
    assert assignment.decided_by == people.chamber
    assert assignment.decision_ref == body["decision"]
    assert BailiffAssignment.objects.get(bailiff=current).end_reason == AssignmentEnd.REASSIGNED

    # Nobody else serves the district: the commission's decision cannot be carried out.
    back = chamber.post(url, {**body, "reason": "complaint_confirmed"}, format="json")
    assert back.status_code == 200
    assert writ(held).bailiff == current  # the only other eligible one
    chamber.patch(f"/api/v1/enforcement/bailiffs/{other.login}/", {"expelled": True}, format="json")
    stuck = chamber.post(url, body, format="json")
    assert stuck.status_code == 409
    assert stuck.json()["error"]["code"] == "no_bailiff_available"


def test_r_enf_4_p4_non_property_in_the_states_interest_is_not_distributed(
    dispatched, make_bailiff, district
):  # SPEC R-ENF-4 (002 п.4)
    make_bailiff(district)
    excluded = dispatched(category="non_property", amount=None, state_interest=True)
    assert writ(excluded).status == WritStatus.REGISTERED
    assert registration(excluded).distribution_rule == distribution.Rule.STATE_INTEREST_EXCLUDED
    assert tasks.chamber_housekeeping()["distributed"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert tasks.enforcement_deadlines()["distribution"] == 0
    eviction = dispatched(category="non_property", amount=None)
    assert writ(eviction).status == WritStatus.DISTRIBUTED
