"""Registration desk services: register, reject, duplicates (SPEC R-REG-1, 5, 6, 7)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import timezone, translation

from filings.models import FilingEvent, FilingStatus, RejectionGround
from registry import selectors, services
from registry.models import Case, CaseCounter, CaseEvent, CaseParticipant, JudgeProfile
from registry.tests.conftest import pdf_document
from sotkabinet.accounts.models import Absence
from sotkabinet.core.models import AuditLog, Notification
from sotkabinet.errors import DomainError

pytestmark = pytest.mark.django_db


def _year(court) -> int:
    return timezone.localtime(timezone.now(), court.tzinfo).year


# -- register ---------------------------------------------------------------------------------


def test_register_opens_a_numbered_case_with_a_judge(clerk, judge, make_filing, court):
    """SPEC R-REG-6 / R-REG-7: a case `<court>-<year>-<seq>`, a judge, the applicant notified."""
    filing = make_filing()
    case = services.filing_register(acting_user=clerk, filing=filing)

    year = _year(court)
    assert case.number == f"ALM-SMAS-{year}-1"
    assert (case.court, case.year, case.sequence, case.judge) == (court, year, 1, judge)
    assert case.proceeding == case.category == "civil"
    assert case.complexity == 2 and case.language == "kk"
    filing.refresh_from_db()
    assert filing.status == FilingStatus.REGISTERED
    assert filing.case == case and filing.decided_by == clerk and filing.decided_at
    assert FilingEvent.objects.filter(filing=filing, status=FilingStatus.REGISTERED).exists()
    assert CaseEvent.objects.filter(case=case, kind="opened").exists()
    assert AuditLog.objects.filter(action="filing.register", object_id=str(filing.pk)).exists()
    participant = CaseParticipant.objects.get(case=case)
    assert (participant.user, participant.role) == (filing.author, "applicant")
    notice = Notification.objects.get(user=filing.author, kind="filing_registered")
    assert case.number in notice.text and notice.case_id == case.pk
    assert notice.filing_id == filing.pk and str(case.pk) in notice.link

    second = services.filing_register(acting_user=clerk, filing=make_filing())
    assert second.number == f"ALM-SMAS-{year}-2"


def test_case_numbers_restart_per_court_and_use_the_court_local_year(
    clerk, judge, make_filing, court, make_user, other_court
):
    """GIVEN 31 Dec 19:30 UTC, already 1 January in Almaty (UTC+5)
    THEN the case is numbered in the new year, counted from 1. SPEC R-REG-2 (000 п.41)."""
    with time_machine.travel(datetime(2026, 12, 31, 19, 30, tzinfo=UTC), tick=False):
        case = services.filing_register(acting_user=clerk, filing=make_filing())
    assert case.number == "ALM-SMAS-2027-1" and case.year == 2027

    other_judge = make_user("judge", other_court)
    other_clerk = make_user("clerk", other_court)
    with time_machine.travel(datetime(2026, 12, 31, 19, 30, tzinfo=UTC), tick=False):
        other = services.filing_register(
            acting_user=other_clerk, filing=make_filing(court=other_court)
        )
    assert other.number == "AKT-CIV-2027-1" and other.judge == other_judge
    assert CaseCounter.objects.get(court=court, year=2027).last == 1


def test_attorney_filing_makes_both_participants_and_notifies_both(
    clerk, judge, make_filing, make_user
):  # SPEC R-REG-7, R-FIL-10
    principal = make_user("applicant", kind="legal_entity")
    attorney = make_user("applicant")
    filing = make_filing(author=attorney, principal=principal)
    case = services.filing_register(acting_user=clerk, filing=filing)
    roles = dict(CaseParticipant.objects.filter(case=case).values_list("user_id", "role"))
    assert roles == {principal.pk: "applicant", attorney.pk: "representative"}
    assert Notification.objects.filter(kind="filing_registered").count() == 2


def test_second_decision_is_already_decided(clerk, judge, make_filing):  # docs/api.md
    filing = make_filing()
    services.filing_register(acting_user=clerk, filing=filing)
    for attempt in (
        lambda: services.filing_register(acting_user=clerk, filing=filing),
        lambda: services.filing_reject(acting_user=clerk, filing=filing, ground="duplicate"),
    ):
        with pytest.raises(DomainError) as error:
            attempt()
        assert (error.value.code, error.value.status) == ("already_decided", 409)
    assert Case.objects.count() == 1


def test_rejected_filing_cannot_be_registered(clerk, judge, make_filing):
    filing = make_filing()
    services.filing_reject(acting_user=clerk, filing=filing, ground="unreadable")
    with pytest.raises(DomainError) as error:
        services.filing_register(acting_user=clerk, filing=filing)
    assert error.value.code == "already_decided"


@pytest.mark.parametrize(
    "status", [FilingStatus.DRAFT, FilingStatus.SUBMITTED, FilingStatus.NOT_RECEIVED]
)
def test_filing_not_yet_received_gives_not_received(clerk, judge, make_filing, status):
    filing = make_filing(status=status)
    for attempt in (
        lambda: services.filing_register(acting_user=clerk, filing=filing),
        lambda: services.filing_reject(acting_user=clerk, filing=filing, ground="unreadable"),
    ):
        with pytest.raises(DomainError) as error:
            attempt()
        assert (error.value.code, error.value.status) == ("not_received", 409)
    filing.refresh_from_db()
    assert filing.status == status


def test_clerk_of_another_court_gets_not_found(other_clerk, judge, make_filing):
    """SPEC issue 2 "A clerk of court X cannot act on court Y": 404, nothing changes."""
    filing = make_filing()
    with pytest.raises(DomainError) as error:
        services.filing_register(acting_user=other_clerk, filing=filing)
    assert error.value.status == 404
    with pytest.raises(DomainError) as error:
        services.filing_reject(acting_user=other_clerk, filing=filing, ground="wrong_court")
    assert error.value.status == 404
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RECEIVED


def test_court_staff_and_the_applicant_who_are_not_clerks_get_forbidden(
    judge, make_filing, make_user, court
):  # docs/conventions.md: 403 for an object the caller may know exists
    filing = make_filing()
    chairman = make_user("chairman", court)
    for user in (judge, chairman, filing.author):
        with pytest.raises(DomainError) as error:
            services.filing_register(acting_user=user, filing=filing)
        assert error.value.status == 403


def test_no_eligible_judge_leaves_the_filing_and_the_numbering_untouched(
    clerk, judge, make_filing, court
):
    """A case in Russian with only a Kazakh-language judge: 409 no_judge_available; the next
    registration still gets sequence 1 (gap-free). SPEC R-REG-6."""
    JudgeProfile.objects.filter(user=judge).update(languages=["kk"])
    russian = make_filing(language="ru")
    with pytest.raises(DomainError) as error:
        services.filing_register(acting_user=clerk, filing=russian)
    assert (error.value.code, error.value.status) == ("no_judge_available", 409)
    russian.refresh_from_db()
    assert russian.status == FilingStatus.RECEIVED
    assert services.filing_register(acting_user=clerk, filing=make_filing()).sequence == 1


def test_distribution_uses_profiles_language_and_evens_out_load(
    clerk, judge, make_filing, make_user, court
):  # SPEC R-REG-6
    JudgeProfile.objects.filter(user=judge).update(languages=["kk"])
    bilingual_judge = make_user("judge", court)
    JudgeProfile.objects.create(user=bilingual_judge, court=court, languages=["kk", "ru"])
    russian = services.filing_register(acting_user=clerk, filing=make_filing(language="ru"))
    assert russian.judge == bilingual_judge
    judges = [
        services.filing_register(acting_user=clerk, filing=make_filing()).judge for _ in range(3)
    ]
    # A claim weighs 2: judge catches up (0 -> 2 -> 4), then the load is shared again.
    assert judges == [judge, judge, bilingual_judge]


def test_absent_or_paused_judges_get_no_new_cases(clerk, judge, make_filing, make_user, court):
    colleague = make_user("judge", court)
    Absence.objects.create(
        user=judge,
        date_from=date(2000, 1, 1),
        date_to=date(2100, 1, 1),
        reason="leave",
        recorded_by=clerk,
    )
    assert services.filing_register(acting_user=clerk, filing=make_filing()).judge == colleague
    JudgeProfile.objects.create(user=colleague, court=court, accepts_cases=False)
    with pytest.raises(DomainError) as error:
        services.filing_register(acting_user=clerk, filing=make_filing())
    assert error.value.code == "no_judge_available"


def test_a_court_secretary_is_attached_to_the_new_case(clerk, judge, make_filing, make_user, court):
    secretary = make_user("secretary", court)
    case = services.filing_register(acting_user=clerk, filing=make_filing())
    assert case.secretary == secretary


# -- joining an existing case (R-REG-6 "Supplements and appeals join their existing case") ------


def test_supplement_with_a_case_joins_it(clerk, judge, make_filing, make_user):
    case = services.filing_register(acting_user=clerk, filing=make_filing())
    supplement = make_filing(kind="motion", case=case, author=make_user("applicant"))
    joined = services.filing_register(acting_user=clerk, filing=supplement)
    assert joined == case
    assert Case.objects.count() == 1
    supplement.refresh_from_db()
    assert supplement.status == FilingStatus.REGISTERED and supplement.case == case
    assert CaseEvent.objects.filter(case=case, kind="filing_joined").count() == 1
    assert CaseParticipant.objects.filter(case=case).count() == 2
    assert CaseCounter.objects.get().last == 1


def test_supplement_to_a_filing_joins_that_filings_case(clerk, judge, make_filing):
    first = make_filing()
    case = services.filing_register(acting_user=clerk, filing=first)
    supplement = make_filing(kind="statement", supplement_to=first)
    assert services.filing_register(acting_user=clerk, filing=supplement) == case
    # The same applicant is not added twice.
    assert CaseParticipant.objects.filter(case=case).count() == 1


def test_supplement_to_an_undecided_filing_waits(clerk, judge, make_filing):
    first = make_filing()
    supplement = make_filing(kind="statement", supplement_to=first)
    with pytest.raises(DomainError) as error:
        services.filing_register(acting_user=clerk, filing=supplement)
    assert (error.value.code, error.value.status) == ("supplement_target_undecided", 409)


def test_clerk_may_join_a_case_explicitly_but_only_of_the_same_court(
    clerk, judge, make_filing, make_user, other_court
):
    case = services.filing_register(acting_user=clerk, filing=make_filing())
    appeal = make_filing(kind="appeal")
    assert services.filing_register(acting_user=clerk, filing=appeal, case=case.pk) == case

    foreign_judge = make_user("judge", other_court)
    foreign = Case.objects.create(
        number="AKT-CIV-2026-1",
        court=other_court,
        year=2026,
        sequence=1,
        judge=foreign_judge,
        proceeding="civil",
        category="civil",
    )
    with pytest.raises(DomainError) as error:
        services.filing_register(acting_user=clerk, filing=make_filing(), case=foreign.pk)
    assert (error.value.code, error.value.status) == ("invalid_case", 400)
    with pytest.raises(DomainError) as error:
        services.filing_register(acting_user=clerk, filing=make_filing(), case=999999)
    assert error.value.code == "invalid_case"


# -- reject (R-REG-5) -------------------------------------------------------------------------

SEVEN_GROUNDS = [
    "ecp_invalid",
    "wrong_court",
    "duplicate",
    "missing_annex",
    "unreadable",
    "title_mismatch",
    "wrong_section",
]


def test_the_seven_grounds_are_exactly_those_of_the_rules():  # SPEC R-REG-5
    assert set(RejectionGround.values) == {*SEVEN_GROUNDS, "other"}
    assert set(services.GROUND_TEXTS) == set(RejectionGround.values)


@pytest.mark.parametrize("ground", SEVEN_GROUNDS)
@pytest.mark.parametrize("proceeding", ["civil", "administrative", "criminal"])
def test_reject_on_each_legal_ground(clerk, make_filing, ground, proceeding):  # SPEC R-REG-5
    filing = make_filing(proceeding=proceeding)
    filing.author.language = "ru"  # issue 10: the notice is in the applicant's language only
    filing.author.save(update_fields=["language"])
    services.filing_reject(acting_user=clerk, filing=filing, ground=ground, comment="  ")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.REJECTED
    assert (filing.rejection_ground, filing.rejection_comment) == (ground, "")
    assert filing.decided_by == clerk
    kazakh, _russian = services.GROUND_TEXTS[ground]
    notice = Notification.objects.get(user=filing.author, kind="filing_rejected")
    with translation.override("ru"):
        label = str(RejectionGround(ground).label)
    assert label in notice.text and filing.number in notice.text
    assert "Основание" in notice.text and kazakh not in notice.text and "Негіз" not in notice.text
    assert notice.filing_id == filing.pk and str(filing.pk) in notice.link
    event = FilingEvent.objects.get(filing=filing, status="rejected")
    assert kazakh in event.note and event.actor == clerk
    assert AuditLog.objects.filter(action="filing.reject", object_id=str(filing.pk)).exists()


@pytest.mark.parametrize("proceeding", ["criminal", "administrative_offense"])
def test_other_ground_with_a_reason_in_criminal_and_offence_matters(
    clerk, make_filing, proceeding
):  # SPEC R-REG-5 (001 п.24)
    filing = make_filing(proceeding=proceeding)
    services.filing_reject(
        acting_user=clerk, filing=filing, ground="other", comment="Іс жүргізушінің қолы жоқ"
    )
    filing.refresh_from_db()
    assert filing.rejection_ground == "other"
    notice = Notification.objects.get(kind="filing_rejected")
    assert "Іс жүргізушінің қолы жоқ" in notice.text


@pytest.mark.parametrize(
    ("proceeding", "ground", "comment"),
    [
        ("criminal", "other", ""),
        ("administrative_offense", "other", "   "),
        ("civil", "other", "a reason"),
        ("administrative", "other", "a reason"),
        ("civil", "not_a_ground", "x"),
        ("criminal", "", "x"),
    ],
)
def test_invalid_grounds_are_refused(clerk, make_filing, proceeding, ground, comment):
    filing = make_filing(proceeding=proceeding)
    with pytest.raises(DomainError) as error:
        services.filing_reject(acting_user=clerk, filing=filing, ground=ground, comment=comment)
    assert (error.value.code, error.value.status) == ("invalid_ground", 400)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RECEIVED
    assert not Notification.objects.exists()


def test_rejection_comment_is_kept_and_sent(clerk, make_filing):
    filing = make_filing()
    services.filing_reject(
        acting_user=clerk, filing=filing, ground="missing_annex", comment="2-құжат жоқ"
    )
    filing.refresh_from_db()
    assert filing.rejection_comment == "2-құжат жоқ"
    assert "2-құжат жоқ" in Notification.objects.get().text


# -- duplicates (R-REG-5 ground 3) --------------------------------------------------------------


def test_documents_matching_a_registered_filing_of_the_court_are_flagged(
    clerk, judge, make_filing, make_user, other_court
):
    original = make_filing(documents=[pdf_document("claim"), pdf_document("contract")])
    case = services.filing_register(acting_user=clerk, filing=original)
    resubmitted = make_filing(documents=[pdf_document("contract"), pdf_document("new")])
    fresh = make_filing(documents=[pdf_document("unrelated")])
    elsewhere = make_filing(court=other_court, documents=[pdf_document("contract")])
    receipt_only = make_filing(documents=[pdf_document("other")], receipts=[pdf_document("claim")])

    report = selectors.duplicate_matches(resubmitted)
    assert report.likely_duplicate
    [match] = report.matches
    assert (match.filing_id, match.case_number) == (original.pk, case.number)
    for filing in (fresh, elsewhere, receipt_only):
        assert not selectors.duplicate_matches(filing).likely_duplicate

    flagged = selectors.with_duplicate_flag(
        type(original).objects.filter(status=FilingStatus.RECEIVED)
    )
    assert {f.pk for f in flagged if f.likely_duplicate} == {resubmitted.pk}


def test_a_rejected_filing_does_not_make_a_duplicate(clerk, make_filing):
    """Only a filing already *registered* counts (000 п.37 "already registered")."""
    rejected = make_filing(documents=[pdf_document("same")])
    services.filing_reject(acting_user=clerk, filing=rejected, ground="unreadable")
    again = make_filing(documents=[pdf_document("same")])
    assert not selectors.duplicate_matches(again).likely_duplicate
