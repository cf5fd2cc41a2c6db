"""The proceedings, instances and kinds a filing may take (SPEC R-FIL-2, R-FIL-3)."""

import itertools

import pytest

from .conftest import filing_body

pytestmark = pytest.mark.django_db

PROCEEDINGS = ["civil", "administrative", "criminal", "administrative_offense"]  # R-FIL-2
INSTANCES = ["first", "appeal", "cassation", "supreme"]  # R-FIL-2, 000 п.17
KINDS = [  # R-FIL-3, 001 п.18
    "claim", "statement", "appeal", "cassation", "withdrawal", "motion", "counterclaim",
    "response", "protocol_remarks", "protocol_request", "appeal_letter",
]  # fmt: skip


def test_every_proceeding_instance_and_kind_is_accepted(court, applicant, client_for):
    """SPEC R-FIL-2, R-FIL-3: each of the 4 proceedings, 4 instances and 11 kinds drafts."""
    client = client_for(applicant)
    combinations = [
        *((proceeding, "first", "claim") for proceeding in PROCEEDINGS),
        *(("civil", instance, "claim") for instance in INSTANCES),
        *(("civil", "first", kind) for kind in KINDS),
    ]
    for proceeding, instance, kind in combinations:
        response = client.post(
            "/api/v1/filings/",
            filing_body(court, proceeding=proceeding, instance=instance, kind=kind),
            format="json",
        )
        assert response.status_code == 201, (proceeding, instance, kind, response.content)
        body = response.json()
        assert (body["proceeding"], body["instance"], body["kind"]) == (proceeding, instance, kind)


@pytest.mark.parametrize(
    ("field", "value"),
    list(itertools.product(["proceeding", "instance", "kind"], ["civil_law", "", "CLAIM"])),
)
def test_unknown_choices_are_refused_with_a_stable_code(court, applicant, client_for, field, value):
    """SPEC R-FIL-2, R-FIL-3: anything outside the lists is a 400 with the envelope."""
    response = client_for(applicant).post(
        "/api/v1/filings/", filing_body(court, **{field: value}), format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["details"]
