"""Issue 9 "Legal entities" where signatures are checked for a login (`require_valid_signature`,
used by acts, writs and the archive) and the role OIDs of NCA's certificates (SPEC R-ECP-4)."""

from __future__ import annotations

import pytest

from sotkabinet.ecp import inspect_cms
from sotkabinet.ecp.pki import ROLE_NAMES
from sotkabinet.errors import DomainError
from sotkabinet.signatures.services import require_valid_signature

PAYLOAD = b'{"document":1}'


def test_role_oids_are_ncas():
    # 1.2.398.3.3.4.1.2.x: .1 first head, .2 right to sign, .3 financial documents, .4 HR,
    # .5 a plain employee of the organisation
    assert ROLE_NAMES == {
        "head": "1.2.398.3.3.4.1.2.1",
        "signer": "1.2.398.3.3.4.1.2.2",
        "finance": "1.2.398.3.3.4.1.2.3",
        "hr": "1.2.398.3.3.4.1.2.4",
        "employee": "1.2.398.3.3.4.1.2.5",
    }


@pytest.mark.parametrize(
    ("role", "may_sign"),
    [("head", True), ("signer", True), ("finance", False), ("hr", False), ("employee", False)],
)
def test_only_head_and_signer_roles_may_sign_for_the_company(role, may_sign, ecp, make_user):
    company = make_user(kind="legal_entity")
    cms = ecp.sign(company, PAYLOAD, role=role)
    assert inspect_cms(cms).signers[0].may_sign_for_organization is may_sign
    if may_sign:
        assert require_valid_signature(cms, PAYLOAD, identities={company.login}).valid
        return
    with pytest.raises(DomainError) as refused:
        require_valid_signature(cms, PAYLOAD, identities={company.login})
    assert refused.value.code == "signer_mismatch"
    assert refused.value.details == {"reason": "no_signing_right"}


def test_an_individuals_key_needs_no_role(ecp, make_user):
    person = make_user()
    cms = ecp.sign(person, PAYLOAD)
    assert require_valid_signature(cms, PAYLOAD, identities={person.login}).valid
