"""Issue 9, "A supplement joins a case of the same court only": a filing's `case` and
`supplement_to` are checked against the filing's court, on creation, on a draft edit and again
at registration (R-FIL-9, R-REG-6)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from filings.models import Filing, FilingStatus
from filings.services.draft_edit import filing_update_draft
from registry import services as registry_services
from registry.models import Case, CaseParticipant
from sotkabinet.errors import DomainError

from .conftest import filing_body


def make_case(court, judge, sequence: int = 1) -> Case:
    return Case.objects.create(
        number=f"{court.code}-2026-{sequence}",
        court=court,
        year=2026,
        sequence=sequence,
        judge=judge,
        proceeding="civil",
        category="civil",
    )


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


@pytest.mark.django_db
def test_own_case_of_another_court_is_refused(court, other_court, applicant, make_user, client_for):
    """Issue 9: the applicant's own case in another court: 400 `wrong_court`."""
    case = make_case(other_court, make_user("judge", other_court))
    CaseParticipant.objects.create(case=case, user=applicant, role="applicant")
    client = client_for(applicant)
    response = client.post(
        "/api/v1/filings/", filing_body(court, case=case.pk, kind="motion"), format="json"
    )
    assert error_of(response) == (400, "wrong_court")
    assert "case" in response.json()["error"]["details"]
    same_court = client.post(
        "/api/v1/filings/", filing_body(other_court, case=case.pk, kind="motion"), format="json"
    )
    assert same_court.status_code == 201


@pytest.mark.django_db
def test_someone_elses_case_is_as_if_unknown(court, other_court, applicant, make_user, client_for):
    """Issue 9: a case the applicant is no party to answers like an unknown id, whatever its
    court: 400 `invalid_case`, so no other court's case is revealed."""
    foreign = make_case(other_court, make_user("judge", other_court))
    client = client_for(applicant)
    for case_id in (foreign.pk, foreign.pk + 1000):
        response = client.post(
            "/api/v1/filings/", filing_body(court, case=case_id, kind="motion"), format="json"
        )
        assert error_of(response) == (400, "invalid_case")
        assert foreign.number not in response.content.decode()


@pytest.mark.django_db
def test_supplement_to_a_filing_of_another_court(court, other_court, applicant, client_for):
    """Issue 9: `supplement_to` names a sent filing of the same court, else 400 `wrong_court`."""
    sent = Filing.objects.create(
        court=other_court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="Ақтөбеге жіберілген",
        author=applicant,
        status=FilingStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    client = client_for(applicant)
    response = client.post(
        "/api/v1/filings/", filing_body(court, supplement_to=sent.pk, kind="motion"), format="json"
    )
    assert error_of(response) == (400, "wrong_court")
    assert "supplement_to" in response.json()["error"]["details"]


@pytest.mark.django_db
def test_moving_a_supplement_draft_to_another_court_is_refused(
    court, other_court, applicant, judge, client_for
):
    """Issue 9: a draft edit that moves a supplement to another court keeps it where it was."""
    case = make_case(court, judge)
    CaseParticipant.objects.create(case=case, user=applicant, role="applicant")
    client = client_for(applicant)
    created = client.post(
        "/api/v1/filings/", filing_body(court, case=case.pk, kind="motion"), format="json"
    )
    filing = Filing.objects.get(pk=created.json()["id"])
    with pytest.raises(DomainError) as error:
        filing_update_draft(acting_user=applicant, filing=filing, court=other_court)
    assert error.value.code == "wrong_court"
    filing.refresh_from_db()
    assert filing.court == court


@pytest.mark.django_db
def test_registration_refuses_a_supplement_to_another_courts_case(
    court, other_court, applicant, clerk, make_user
):
    """Issue 9: even a filing that names another court's case (e.g. made before this check)
    never joins it at registration: 400 `wrong_court`."""
    case = make_case(other_court, make_user("judge", other_court))
    filing = Filing.objects.create(
        court=court,
        proceeding="civil",
        instance="first",
        kind="motion",
        title="Басқа соттың ісіне",
        author=applicant,
        case=case,
        status=FilingStatus.RECEIVED,
        submitted_at=timezone.now(),
    )
    with pytest.raises(DomainError) as error:
        registry_services.filing_register(acting_user=clerk, filing=filing)
    assert (error.value.code, error.value.status) == ("wrong_court", 400)
    assert not case.filings.filter(status=FilingStatus.REGISTERED).exists()
