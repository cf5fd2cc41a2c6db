"""Bailiff distribution engine. Pure: no database, no Django settings needed.

SPEC R-ENF-4 (002 п.3-4, п.9-14, п.17-18), R-ENF-5 (002 п.7, п.8, п.15, п.18), R-ENF-6 (п.15-16).
"""

import ast
import random
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement import distribution as distribution_module
from enforcement.distribution import (
    CATEGORIES,
    Assignment,
    Bailiff,
    Decision,
    History,
    ReassignmentRefused,
    ReportRow,
    Rule,
    SpreadRow,
    WritToDistribute,
    case_materials_handover_deadline,
    choose_bailiff,
    claimant_notification_deadline,
    distribute_batch,
    distribution_deadline,
    distribution_report,
    distribution_spread,
    ineligibility_reason,
    paper_handover_deadline,
    reassign,
    redistribute,
)
from sotkabinet.courts.calendar import WorkingCalendar

TODAY = date(2026, 11, 20)
BOSTANDYQ = "Алматы, Бостандық ауданы"
MEDEU = "Алматы, Медеу ауданы"
TALGAR = "Алматы облысы, Талғар ауданы"


def writ(writ_id=1, category="individual_sum", district=BOSTANDYQ, **kwargs):
    defaults = {"debtor_id": f"debtor-{writ_id}", "case_id": f"case-{writ_id}"}
    defaults.update(kwargs)
    return WritToDistribute(id=writ_id, category=category, debtor_district=district, **defaults)


def decide(the_writ, bailiffs, history=None):
    return choose_bailiff(the_writ, bailiffs, history or History(), TODAY)


# -- purity -------------------------------------------------------------------------------------


def test_distribution_module_imports_no_django():  # STYLE "Pure rule engines stay pure"
    tree = ast.parse(Path(distribution_module.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {
        "__future__",
        "calendar",
        "collections",
        "dataclasses",
        "datetime",
        "enum",
        "typing",
    }


def test_choose_bailiff_does_not_mutate_its_inputs():  # STYLE "Pure rule engines stay pure"
    load = {"individual_sum": 2}
    bailiffs = [Bailiff(id=1, district=BOSTANDYQ, load=load), Bailiff(id=2, district=BOSTANDYQ)]
    history = History(bailiff_by_case_debtor={("case-9", "debtor-9"): 1})
    snapshot = (list(bailiffs), dict(load), dict(history.bailiff_by_case_debtor))
    distribute_batch([writ(1), writ(2), writ(3)], bailiffs, history, TODAY)
    decide(writ(4), bailiffs, history)
    assert (bailiffs, load, dict(history.bailiff_by_case_debtor)) == snapshot


# -- eligibility: п.3, п.17, п.18 ----------------------------------------------------------------


@pytest.mark.parametrize("licence", ["suspended", "terminated", "revoked"])
def test_r_enf_4_p3_p18_licence_not_active_gets_nothing(licence):  # SPEC R-ENF-4 (002 п.3, п.18)
    idle = Bailiff(id=1, district=BOSTANDYQ, licence=licence)
    busy = Bailiff(id=2, district=BOSTANDYQ, load={"individual_sum": 50})
    assert ineligibility_reason(idle, TODAY) == f"licence_{licence}"
    assert decide(writ(), [idle, busy]).bailiff_id == 2
    assert decide(writ(), [idle]).rule == Rule.NO_BAILIFF


def test_r_enf_4_p3_p18_expelled_gets_nothing():  # SPEC R-ENF-4 (002 п.3, п.18)
    expelled = Bailiff(id=1, district=BOSTANDYQ, expelled=True)
    busy = Bailiff(id=2, district=BOSTANDYQ, load={"individual_sum": 50})
    assert ineligibility_reason(expelled, TODAY) == "expelled"
    assert decide(writ(), [expelled, busy]).bailiff_id == 2


def test_r_enf_4_p3_absent_over_a_month_gets_nothing():  # SPEC R-ENF-4 (002 п.3)
    def absent_since(day):
        return Bailiff(id=1, district=BOSTANDYQ, absent_since=day)

    busy = Bailiff(id=2, district=BOSTANDYQ, load={"individual_sum": 50})
    # Exactly one month (20 Oct -> 20 Nov) is not "over a month"; one day more is.
    assert ineligibility_reason(absent_since(date(2026, 10, 20)), TODAY) is None
    assert decide(writ(), [absent_since(date(2026, 10, 20)), busy]).bailiff_id == 1
    assert ineligibility_reason(absent_since(date(2026, 10, 19)), TODAY) == "absent_over_month"
    assert decide(writ(), [absent_since(date(2026, 10, 19)), busy]).bailiff_id == 2
    # A month from 31 January ends on the last day of February.
    assert ineligibility_reason(absent_since(date(2026, 1, 31)), date(2026, 2, 28)) is None
    assert ineligibility_reason(absent_since(date(2026, 1, 31)), date(2026, 3, 1)) == (
        "absent_over_month"
    )
    assert ineligibility_reason(absent_since(date(2026, 12, 15)), date(2027, 1, 16)) == (
        "absent_over_month"
    )
    # An absence that starts in the future changes nothing today.
    assert ineligibility_reason(absent_since(date(2026, 12, 1)), TODAY) is None


def test_r_enf_4_p3_p18_moved_to_another_district_gets_nothing():  # SPEC R-ENF-4 (002 п.3)
    moved = Bailiff(id=1, district=BOSTANDYQ, moved_out=True)
    busy = Bailiff(id=2, district=BOSTANDYQ, load={"individual_sum": 50})
    assert ineligibility_reason(moved, TODAY) == "moved_out"
    assert decide(writ(), [moved, busy]).bailiff_id == 2


def test_r_enf_4_p17_voluntary_suspension_for_chamber_post():  # SPEC R-ENF-4 (002 п.17)
    chamber_deputy = Bailiff(id=1, district=BOSTANDYQ, distribution_suspended=True)
    busy = Bailiff(id=2, district=BOSTANDYQ, load={"individual_sum": 50})
    assert ineligibility_reason(chamber_deputy, TODAY) == "distribution_suspended"
    assert decide(writ(), [chamber_deputy, busy]).bailiff_id == 2


# -- п.4: categories and evenness -------------------------------------------------------------


def test_r_enf_4_p4_state_interest_non_property_is_not_distributed():  # SPEC R-ENF-4 (002 п.4)
    bailiffs = [Bailiff(id=1, district=BOSTANDYQ)]
    decision = decide(writ(category="non_property", state_interest=True), bailiffs)
    assert decision == Decision(
        bailiff_id=None,
        rule="state_interest_excluded",
        reason="п.4: a non-property writ executed in the state's interest is not distributed",
        writ_id=1,
    )
    # A private non-property writ (an eviction for a citizen) is distributed as usual.
    assert decide(writ(category="non_property"), bailiffs).bailiff_id == 1


def test_r_enf_4_p4_least_loaded_in_the_writs_category():  # SPEC R-ENF-4 (002 п.4)
    many_sums = Bailiff(id=1, district=BOSTANDYQ, load={"individual_sum": 30, "alimony": 1})
    many_alimony = Bailiff(id=2, district=BOSTANDYQ, load={"individual_sum": 0, "alimony": 5})
    bailiffs = [many_sums, many_alimony]
    assert decide(writ(category="alimony"), bailiffs).bailiff_id == 1
    assert decide(writ(category="individual_sum"), bailiffs).bailiff_id == 2
    assert decide(writ(category="alimony"), bailiffs).rule == Rule.DEBTOR_DISTRICT


def test_r_enf_4_p4_tie_break_lowest_total_load_then_lowest_id():  # SPEC R-ENF-4 (002 п.4)
    heavier = Bailiff(id=1, district=BOSTANDYQ, load={"state_sum": 9})
    lighter_high_id = Bailiff(id=7, district=BOSTANDYQ, load={"state_sum": 2})
    lighter_low_id = Bailiff(id=5, district=BOSTANDYQ, load={"legal_entity_sum": 2})
    assert decide(writ(), [heavier, lighter_high_id]).bailiff_id == 7
    assert decide(writ(), [heavier, lighter_high_id, lighter_low_id]).bailiff_id == 5
    assert decide(writ(), [lighter_low_id, lighter_high_id, heavier]).bailiff_id == 5


def test_r_enf_4_p4_categories_are_the_five_of_the_order():  # SPEC R-ENF-4 (002 п.4)
    assert CATEGORIES == (
        "individual_sum",
        "legal_entity_sum",
        "state_sum",
        "alimony",
        "non_property",
    )
    with pytest.raises(ValueError, match="category"):
        writ(category="fine")


# -- п.9, п.10: territory -----------------------------------------------------------------------


def test_r_enf_4_p9_debtor_district_bailiffs_come_first():  # SPEC R-ENF-4 (002 п.9)
    registered = Bailiff(id=1, district=BOSTANDYQ, load={"individual_sum": 40})
    attached = Bailiff(id=2, district=MEDEU, attached_districts=frozenset({BOSTANDYQ}))
    decision = decide(writ(), [registered, attached])
    assert (decision.bailiff_id, decision.rule) == (1, Rule.DEBTOR_DISTRICT)


def test_r_enf_4_p9_attached_bailiffs_when_district_has_none():  # SPEC R-ENF-4 (002 п.9)
    attached_busy = Bailiff(
        id=1, district=MEDEU, attached_districts=frozenset({TALGAR}), load={"alimony": 3}
    )
    attached_idle = Bailiff(id=2, district=MEDEU, attached_districts=frozenset({TALGAR}))
    elsewhere = Bailiff(id=3, district=BOSTANDYQ)
    decision = decide(
        writ(category="alimony", district=TALGAR), [attached_busy, attached_idle, elsewhere]
    )
    assert (decision.bailiff_id, decision.rule) == (2, Rule.ATTACHED_DISTRICT)


def test_r_enf_4_p9_attached_bailiffs_when_district_bailiffs_all_ineligible():  # SPEC R-ENF-4
    suspended_local = Bailiff(id=1, district=TALGAR, licence="suspended")
    attached = Bailiff(id=2, district=MEDEU, attached_districts=frozenset({TALGAR}))
    decision = decide(writ(district=TALGAR), [suspended_local, attached])
    assert (decision.bailiff_id, decision.rule) == (2, Rule.ATTACHED_DISTRICT)


def test_r_enf_4_p10_never_a_bailiff_outside_the_debtors_district():  # SPEC R-ENF-4 (002 п.10)
    idle_neighbour = Bailiff(id=1, district=MEDEU)
    attached_elsewhere = Bailiff(id=2, district=MEDEU, attached_districts=frozenset({TALGAR}))
    decision = decide(writ(district=BOSTANDYQ), [idle_neighbour, attached_elsewhere])
    assert decision.bailiff_id is None
    assert decision.rule == "no_bailiff"
    assert BOSTANDYQ in decision.reason


# -- п.11, п.13, п.14: the same bailiff -----------------------------------------------------------


def test_r_enf_4_p11_resubmitted_writ_goes_back_to_the_same_bailiff():  # SPEC R-ENF-4 (002 п.11)
    returned_it = Bailiff(id=1, district=BOSTANDYQ, load={"individual_sum": 90})
    idle = Bailiff(id=2, district=BOSTANDYQ)
    decision = decide(writ(previous_bailiff_id=1), [returned_it, idle])
    assert (decision.bailiff_id, decision.rule) == (1, Rule.RESUBMISSION_SAME_BAILIFF)


def test_r_enf_4_p11_falls_through_when_that_bailiff_left():  # SPEC R-ENF-4 (002 п.11, п.18)
    returned_it = Bailiff(id=1, district=BOSTANDYQ, licence="terminated")
    idle = Bailiff(id=2, district=BOSTANDYQ)
    decision = decide(writ(previous_bailiff_id=1), [returned_it, idle])
    assert (decision.bailiff_id, decision.rule) == (2, Rule.DEBTOR_DISTRICT)
    assert "п.11 bailiff 1 skipped: licence_terminated" in decision.reason
    gone = decide(writ(previous_bailiff_id=99), [idle])
    assert (gone.bailiff_id, gone.rule) == (2, Rule.DEBTOR_DISTRICT)
    assert "п.11 bailiff 99 skipped: not in the chamber's list" in gone.reason


def test_r_enf_4_p11_yields_to_p10_territory():  # SPEC R-ENF-4 (002 п.10, п.11)
    sent_by_territory = Bailiff(id=1, district=MEDEU)
    local = Bailiff(id=2, district=BOSTANDYQ, load={"individual_sum": 10})
    decision = decide(writ(previous_bailiff_id=1, district=BOSTANDYQ), [sent_by_territory, local])
    assert decision.bailiff_id == 2
    assert "п.10" in decision.reason
    # An attached bailiff still serves the district, so п.11 applies to them.
    attached = replace(sent_by_territory, attached_districts=frozenset({BOSTANDYQ}))
    assert decide(writ(previous_bailiff_id=1), [attached, local]).bailiff_id == 1


def test_r_enf_4_p13_alimony_goes_to_the_debtors_alimony_bailiff():  # SPEC R-ENF-4 (002 п.13)
    holder = Bailiff(id=1, district=BOSTANDYQ, load={"alimony": 12})
    idle = Bailiff(id=2, district=BOSTANDYQ)
    history = History(alimony_bailiff_by_debtor={"debtor-7": 1})
    alimony = writ(category="alimony", debtor_id="debtor-7")
    decision = decide(alimony, [holder, idle], history)
    assert (decision.bailiff_id, decision.rule) == (1, Rule.ALIMONY_SAME_BAILIFF)
    # Only alimony follows the alimony case; a sum against the same debtor is distributed evenly.
    assert decide(writ(debtor_id="debtor-7"), [holder, idle], history).bailiff_id == 2
    # Another debtor's alimony is distributed evenly.
    other = writ(category="alimony", debtor_id="debtor-8")
    assert decide(other, [holder, idle], history).bailiff_id == 2


def test_r_enf_4_p14_several_claimants_one_debtor_one_case_one_bailiff():  # SPEC R-ENF-4 (п.14)
    holder = Bailiff(id=1, district=BOSTANDYQ, load={"legal_entity_sum": 40})
    idle = Bailiff(id=2, district=BOSTANDYQ)
    history = History(bailiff_by_case_debtor={("2-1234/2026", "debtor-7"): 1})
    second_claimant = writ(
        2, category="legal_entity_sum", case_id="2-1234/2026", debtor_id="debtor-7"
    )
    decision = decide(second_claimant, [holder, idle], history)
    assert (decision.bailiff_id, decision.rule) == (1, Rule.SAME_CASE_SAME_BAILIFF)
    other_case = writ(3, category="legal_entity_sum", case_id="2-999/2026", debtor_id="debtor-7")
    assert decide(other_case, [holder, idle], history).bailiff_id == 2
    other_debtor = writ(4, category="legal_entity_sum", case_id="2-1234/2026")
    assert decide(other_debtor, [holder, idle], history).bailiff_id == 2


def test_r_enf_4_p13_p14_hold_within_one_batch():  # SPEC R-ENF-4 (002 п.13, п.14)
    bailiffs = [Bailiff(id=i, district=BOSTANDYQ) for i in (1, 2, 3)]
    writs = [
        writ(1, category="alimony", debtor_id="D", case_id="c1"),
        writ(2, category="individual_sum", debtor_id="X", case_id="c9"),
        writ(3, category="individual_sum", debtor_id="Y", case_id="c9"),
        writ(4, category="alimony", debtor_id="D", case_id="c2"),
        writ(5, category="individual_sum", debtor_id="X", case_id="c9"),
    ]
    decisions = distribute_batch(writs, bailiffs, History(), TODAY)
    assert decisions[3].bailiff_id == decisions[0].bailiff_id
    assert decisions[3].rule == Rule.ALIMONY_SAME_BAILIFF
    assert decisions[4].bailiff_id == decisions[1].bailiff_id
    assert decisions[4].rule == Rule.SAME_CASE_SAME_BAILIFF
    assert [d.writ_id for d in decisions] == [1, 2, 3, 4, 5]


def test_r_enf_4_special_rules_precedence_p11_p13_p14():  # SPEC R-ENF-4 (002 п.11, п.13, п.14)
    bailiffs = [Bailiff(id=i, district=BOSTANDYQ) for i in (1, 2, 3, 4)]
    history = History(alimony_bailiff_by_debtor={"D": 2}, bailiff_by_case_debtor={("C", "D"): 3})
    alimony = writ(category="alimony", debtor_id="D", case_id="C")
    assert decide(replace(alimony, previous_bailiff_id=1), bailiffs, history).bailiff_id == 1
    assert decide(alimony, bailiffs, history).bailiff_id == 2
    without_alimony_holder = [b for b in bailiffs if b.id != 2]
    fallback = decide(alimony, without_alimony_holder, history)
    assert (fallback.bailiff_id, fallback.rule) == (3, Rule.SAME_CASE_SAME_BAILIFF)
    assert "п.13 bailiff 2 skipped" in fallback.reason


# -- п.12: reassignment --------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["recusal", "complaint_confirmed"])
def test_r_enf_4_p12_reassignment_excludes_the_current_bailiff(reason):  # SPEC R-ENF-4 (п.12)
    current = Bailiff(id=1, district=BOSTANDYQ)
    other = Bailiff(id=2, district=BOSTANDYQ, load={"individual_sum": 20})
    history = History(bailiff_by_case_debtor={("case-1", "debtor-1"): 1})
    decision = reassign(
        writ(previous_bailiff_id=1), 1, [current, other], history, TODAY, reason=reason
    )
    assert decision.bailiff_id == 2
    assert decision.reason.startswith(f"п.12 {reason}: ")
    # Reassignment also keeps to the territory: nobody else in the district -> nobody.
    alone = reassign(
        writ(), 1, [current, Bailiff(id=3, district=MEDEU)], History(), TODAY, reason=reason
    )
    assert (alone.bailiff_id, alone.rule) == (None, Rule.NO_BAILIFF)


@pytest.mark.parametrize("reason", ["workload", "claimant_request", "complaint", ""])
def test_r_enf_4_p12_any_other_reason_is_refused(reason):  # SPEC R-ENF-4 (002 п.12)
    bailiffs = [Bailiff(id=1, district=BOSTANDYQ), Bailiff(id=2, district=BOSTANDYQ)]
    with pytest.raises(ReassignmentRefused) as refused:
        reassign(writ(), 1, bailiffs, History(), TODAY, reason=reason)
    assert refused.value.code == "reassignment_not_allowed"


# -- п.3, п.18: redistribution ------------------------------------------------------------------


def test_r_enf_4_p18_pending_writs_of_a_departed_bailiff_are_redistributed():  # SPEC R-ENF-4
    """GIVEN bailiff 1 lost the licence with five pending writs, two of them alimony against
    one debtor and two for one case and debtor
    WHEN they are redistributed
    THEN nothing goes back to bailiff 1 or outside the district, the grouped writs stay together,
    and the rest are spread by load."""
    departed = Bailiff(id=1, district=BOSTANDYQ, licence="revoked", load={"alimony": 2})
    bailiffs = [
        departed,
        Bailiff(id=2, district=BOSTANDYQ, load={"alimony": 1}),
        Bailiff(id=3, district=BOSTANDYQ),
        Bailiff(id=4, district=MEDEU),
    ]
    history = History(
        alimony_bailiff_by_debtor={"D": 1}, bailiff_by_case_debtor={("C", "E"): 1, ("K", "F"): 2}
    )
    pending = [
        writ(10, category="alimony", debtor_id="D", case_id="a1"),
        writ(11, category="alimony", debtor_id="D", case_id="a2"),
        writ(12, category="individual_sum", debtor_id="E", case_id="C"),
        writ(13, category="individual_sum", debtor_id="E", case_id="C"),
        writ(14, category="state_sum", debtor_id="F", case_id="K"),
    ]
    decisions = redistribute(1, pending, bailiffs, history, TODAY)
    assigned = {d.writ_id: d.bailiff_id for d in decisions}
    assert set(assigned.values()) <= {2, 3}
    assert assigned[10] == assigned[11] == 3  # bailiff 3 has no alimony yet
    assert assigned[12] == assigned[13]
    assert assigned[14] == 2  # п.14 still holds for the other bailiff's case
    assert [d.rule for d in decisions][:2] == [Rule.DEBTOR_DISTRICT, Rule.ALIMONY_SAME_BAILIFF]
    assert decisions[0].reason.startswith("п.13 bailiff 1 skipped: excluded; п.9: ")


def test_r_enf_4_p18_redistribution_excludes_even_an_eligible_bailiff():  # SPEC R-ENF-4 (п.18)
    # Temporarily replaced (leave, sickness, business trip) but still formally eligible.
    on_leave = Bailiff(id=1, district=BOSTANDYQ)
    other = Bailiff(id=2, district=BOSTANDYQ, load={"individual_sum": 100})
    decisions = redistribute(
        1, [writ(1, previous_bailiff_id=1)], [on_leave, other], History(), TODAY
    )
    assert decisions[0].bailiff_id == 2


# -- validation ---------------------------------------------------------------------------------


def test_inputs_are_validated():
    with pytest.raises(ValueError, match="licence"):
        Bailiff(id=1, district=BOSTANDYQ, licence="paused")
    with pytest.raises(ValueError, match="categories"):
        Bailiff(id=1, district=BOSTANDYQ, load={"fines": 1})
    with pytest.raises(ValueError, match="negative"):
        Bailiff(id=1, district=BOSTANDYQ, load={"alimony": -1})
    with pytest.raises(ValueError, match="twice"):
        decide(writ(), [Bailiff(id=1, district=BOSTANDYQ), Bailiff(id=1, district=MEDEU)])


# -- R-ENF-5: deadlines --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kz():
    return WorkingCalendar()


def test_r_enf_5_p7_distribution_within_three_working_days(kz):  # SPEC R-ENF-5 (002 п.7)
    # Tue 15 Dec 2026: Thu 17, Fri 18, Mon 21 (16 Dec is Independence Day).
    assert distribution_deadline(date(2026, 12, 15), False, kz) == date(2026, 12, 21)
    assert distribution_deadline(date(2026, 11, 20), False, kz) == date(2026, 11, 25)


def test_r_enf_5_p7_immediate_execution_is_distributed_at_once(kz):  # SPEC R-ENF-5 (002 п.7)
    assert distribution_deadline(date(2026, 12, 15), True, kz) == date(2026, 12, 15)


def test_r_enf_5_p7_transferred_day_off_extends_the_deadline():  # SPEC R-ENF-5 (002 п.7)
    bridge = WorkingCalendar(days_off=[date(2026, 12, 17)])  # invented decree entry
    assert distribution_deadline(date(2026, 12, 15), False, bridge) == date(2026, 12, 22)


def test_r_enf_5_p8_p15_p18_handover_and_notification_deadlines(kz):  # SPEC R-ENF-5
    # Fri 20 Mar 2026, before the Nowruz block (23-25 Mar): Thu 26, Fri 27, Mon 30.
    assert paper_handover_deadline(date(2026, 3, 20), kz) == date(2026, 3, 30)  # п.8
    assert claimant_notification_deadline(date(2026, 3, 20), kz) == date(2026, 3, 30)  # п.15
    assert case_materials_handover_deadline(date(2026, 3, 20), kz) == date(2026, 3, 30)  # п.18


# -- R-ENF-6: report ----------------------------------------------------------------------------


def test_r_enf_6_distribution_report_rows_per_bailiff_and_category():  # SPEC R-ENF-6 (п.15)
    assignments = [
        Assignment(bailiff_id=2, category="alimony", debtor_district=BOSTANDYQ),
        Assignment(bailiff_id=2, category="alimony", debtor_district=BOSTANDYQ),
        Assignment(bailiff_id=1, category="state_sum", debtor_district=BOSTANDYQ),
        Assignment(bailiff_id=9, category="non_property", debtor_district=MEDEU),
    ]
    assert distribution_report(assignments) == [
        ReportRow(bailiff_id=1, category="state_sum", count=1),
        ReportRow(bailiff_id=2, category="alimony", count=2),
        ReportRow(bailiff_id=9, category="non_property", count=1),
    ]
    with_zeros = distribution_report(assignments, [Bailiff(id=1, district=BOSTANDYQ)])
    assert [row.category for row in with_zeros if row.bailiff_id == 1] == list(CATEGORIES)
    assert ReportRow(bailiff_id=1, category="alimony", count=0) in with_zeros
    assert sum(row.count for row in with_zeros) == 4


def test_r_enf_6_spread_shows_uneven_distribution():  # SPEC R-ENF-6 (002 п.16)
    bailiffs = [Bailiff(id=1, district=BOSTANDYQ), Bailiff(id=2, district=BOSTANDYQ)]
    assignments = [Assignment(1, "alimony", BOSTANDYQ)] * 3
    rows = distribution_spread(assignments, bailiffs)
    assert SpreadRow(BOSTANDYQ, "alimony", least=0, most=3, spread=3) in rows
    assert SpreadRow(BOSTANDYQ, "state_sum", least=0, most=0, spread=0) in rows
    assert len(rows) == len(CATEGORIES)


# -- evenness and safety properties -------------------------------------------------------------


def plain_writs(rng, count, districts):
    """Writs no special rule applies to: fresh debtors and cases, no resubmission."""
    return [
        WritToDistribute(
            id=i,
            category=rng.choice(CATEGORIES),
            debtor_id=f"debtor-{i}",
            debtor_district=rng.choice(districts),
            case_id=f"case-{i}",
        )
        for i in range(count)
    ]


def assert_even(writs, decisions, bailiffs):
    eligible = [b for b in bailiffs if ineligibility_reason(b, TODAY) is None]
    assignments = [
        Assignment(decision.bailiff_id, w.category, w.debtor_district)
        for w, decision in zip(writs, decisions, strict=True)
    ]
    assert all(d.bailiff_id is not None for d in decisions)
    assert {d.bailiff_id for d in decisions} <= {b.id for b in eligible}
    spreads = distribution_spread(assignments, eligible)
    assert max(row.spread for row in spreads) <= 1, [r for r in spreads if r.spread > 1]
    return spreads


def evenness_setup(rng, sizes, ineligible_every):
    """Districts D0..Dn with ``sizes`` bailiffs each, every k-th one ineligible for a different
    reason, plus district ATT with no bailiffs of its own, served by all bailiffs of D0."""
    bailiffs, next_id = [], 1
    spoilers = [
        {"licence": "suspended"},
        {"expelled": True},
        {"absent_since": date(2026, 9, 1)},
        {"moved_out": True},
        {"distribution_suspended": True},
    ]
    for index, size in enumerate(sizes):
        attached = frozenset({"ATT"}) if index == 0 else frozenset()
        for position in range(size + 1):
            extra = {}
            # Every district keeps at least one eligible bailiff (position 0).
            if position and ineligible_every and next_id % ineligible_every == 0:
                extra = rng.choice(spoilers)
            bailiffs.append(
                Bailiff(id=next_id, district=f"D{index}", attached_districts=attached, **extra)
            )
            next_id += 1
    rng.shuffle(bailiffs)
    return bailiffs


def test_r_enf_4_p4_evenness_over_10000_seeded_random_writs():  # SPEC R-ENF-4 (002 п.4)
    rng = random.Random(20260302)  # the day order No. 211 took effect
    sizes = [5, 3, 8, 1, 4]
    bailiffs = evenness_setup(rng, sizes, ineligible_every=4)
    districts = [f"D{i}" for i in range(len(sizes))] + ["ATT"]
    writs = plain_writs(rng, 10_000, districts)
    decisions = distribute_batch(writs, bailiffs, History(), TODAY)
    spreads = assert_even(writs, decisions, bailiffs)
    assert Counter(d.rule for d in decisions).keys() == {
        Rule.DEBTOR_DISTRICT,
        Rule.ATTACHED_DISTRICT,
    }
    # The run is deterministic: the same input gives the same decisions.
    assert distribute_batch(writs, bailiffs, History(), TODAY) == decisions
    assert sum(row.most for row in spreads) > 0


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=1, max_size=5),
    ineligible_every=st.integers(0, 5),
    seed=st.integers(0, 2**32),
    count=st.integers(0, 10_000),
)
def test_r_enf_4_p4_property_evenness_per_district_and_category(
    sizes, ineligible_every, seed, count
):  # SPEC R-ENF-4 (002 п.4)
    rng = random.Random(seed)
    bailiffs = evenness_setup(rng, sizes, ineligible_every)
    districts = [f"D{i}" for i in range(len(sizes))] + ["ATT"]
    writs = plain_writs(rng, count, districts)
    assert_even(writs, distribute_batch(writs, bailiffs, History(), TODAY), bailiffs)


DISTRICTS = ["A", "B", "C", "E"]
bailiff_strategy = st.builds(
    Bailiff,
    id=st.integers(1, 12),
    district=st.sampled_from(DISTRICTS),
    attached_districts=st.frozensets(st.sampled_from(DISTRICTS), max_size=2),
    licence=st.sampled_from(["active", "active", "active", "suspended", "revoked"]),
    expelled=st.booleans(),
    absent_since=st.none() | st.dates(date(2026, 9, 1), date(2026, 12, 31)),
    moved_out=st.booleans(),
    distribution_suspended=st.booleans(),
    load=st.dictionaries(st.sampled_from(CATEGORIES), st.integers(0, 5), max_size=5),
)
writ_strategy = st.builds(
    WritToDistribute,
    id=st.integers(1, 10_000),
    category=st.sampled_from(CATEGORIES),
    debtor_id=st.integers(1, 4),
    debtor_district=st.sampled_from(DISTRICTS),
    case_id=st.integers(1, 3),
    immediate=st.booleans(),
    previous_bailiff_id=st.none() | st.integers(1, 12),
    state_interest=st.booleans(),
)
history_strategy = st.builds(
    History,
    alimony_bailiff_by_debtor=st.dictionaries(st.integers(1, 4), st.integers(1, 12), max_size=4),
    bailiff_by_case_debtor=st.dictionaries(
        st.tuples(st.integers(1, 3), st.integers(1, 4)), st.integers(1, 12), max_size=6
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    bailiffs=st.lists(bailiff_strategy, max_size=10, unique_by=lambda b: b.id),
    writs=st.lists(writ_strategy, max_size=12),
    history=history_strategy,
)
def test_r_enf_4_property_every_decision_keeps_the_hard_rules(bailiffs, writs, history):
    """SPEC R-ENF-4 (002 п.3, п.4, п.9, п.10, п.17, п.18): whatever the special rules say, the
    chosen bailiff is eligible and serves the debtor's district; a registered bailiff is passed
    over for an attached one only by a special rule; a batch equals one-by-one decisions with
    stored loads and history."""
    by_id = {b.id: b for b in bailiffs}
    current, running = list(bailiffs), history
    batch = distribute_batch(writs, bailiffs, history, TODAY)
    for the_writ, batch_decision in zip(writs, batch, strict=True):
        decision = choose_bailiff(the_writ, current, running, TODAY)
        assert decision == batch_decision
        eligible_local = [
            b
            for b in current
            if b.district == the_writ.debtor_district and ineligibility_reason(b, TODAY) is None
        ]
        if the_writ.category == "non_property" and the_writ.state_interest:
            assert decision.rule == Rule.STATE_INTEREST_EXCLUDED
            continue
        if decision.bailiff_id is None:
            assert not any(
                b.serves(the_writ.debtor_district) and ineligibility_reason(b, TODAY) is None
                for b in current
            )
            continue
        chosen = by_id[decision.bailiff_id]
        assert ineligibility_reason(chosen, TODAY) is None
        assert chosen.serves(the_writ.debtor_district)
        if decision.rule == Rule.ATTACHED_DISTRICT:
            assert not eligible_local
        if decision.rule in (Rule.DEBTOR_DISTRICT, Rule.ATTACHED_DISTRICT):
            candidates = eligible_local or [
                b
                for b in current
                if the_writ.debtor_district in b.attached_districts
                and ineligibility_reason(b, TODAY) is None
            ]
            least = min(b.load.get(the_writ.category, 0) for b in candidates)
            chosen_now = next(b for b in current if b.id == chosen.id)
            assert chosen_now.load.get(the_writ.category, 0) == least
        # Store the decision as the service would: bump the load, extend the history.
        current = [
            replace(b, load={**b.load, the_writ.category: b.load.get(the_writ.category, 0) + 1})
            if b.id == chosen.id
            else b
            for b in current
        ]
        running = running.with_assignment(the_writ, chosen.id)
