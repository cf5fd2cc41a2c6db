"""Hostile input never raises: garbage, truncation and bit flips give a verdict (SPEC R-ECP-2).

A verdict whose message says "internal error" means our last-resort guard caught a defect; these
tests fail on it, so the guard cannot hide bugs from them.
"""

from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sotkabinet.ecp import CmsMalformed, Reason, inspect_cms, verify_cms

from .conftest import NOW, PAYLOAD

_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def signed(rsa_pki) -> bytes:
    return rsa_pki.head.sign(PAYLOAD, detached=False)


def _assert_clean_refusal(verdict) -> None:
    assert verdict.valid is False
    assert verdict.reason in {reason.value for reason in Reason}
    assert "internal error" not in (verdict.message or "")


@_SETTINGS
@given(garbage=st.binary(max_size=4096))
def test_random_bytes_are_malformed(garbage, rsa_trust):
    verdict = verify_cms(garbage, data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "malformed")
    assert verdict.to_dict() == {"valid": False, "reason": "malformed", "signers": []}


@_SETTINGS
@given(text=st.text(max_size=2048))
def test_random_text_is_malformed(text, rsa_trust):
    verdict = verify_cms(text, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "malformed")


@_SETTINGS
@given(data=st.data())
def test_truncated_cms_is_malformed(data, signed, rsa_trust):
    cut = data.draw(st.integers(min_value=0, max_value=len(signed) - 1))
    as_base64 = data.draw(st.booleans())
    truncated = signed[:cut]
    payload = base64.b64encode(truncated) if as_base64 else truncated
    verdict = verify_cms(payload, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "malformed")
    with pytest.raises(CmsMalformed):
        inspect_cms(payload)


@_SETTINGS
@given(data=st.data())
def test_flipped_bytes_never_raise(data, signed, rsa_trust):
    mutated = bytearray(signed)
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        position = data.draw(st.integers(min_value=0, max_value=len(mutated) - 1))
        mutated[position] ^= data.draw(st.integers(min_value=1, max_value=255))
    verdict = verify_cms(bytes(mutated), at=NOW, trust=rsa_trust)
    assert "internal error" not in (verdict.message or "")
    if verdict.valid:
        # Only bytes no signature covers may change without effect (e.g. the digestAlgorithms
        # set); the signed content and signer must then be exactly the original ones.
        assert inspect_cms(bytes(mutated)).content == PAYLOAD
    else:
        _assert_clean_refusal(verdict)


def test_empty_and_wrong_types_are_malformed(rsa_trust):
    for value in (b"", "", "   ", None, 12345, ["MII"]):
        verdict = verify_cms(value, at=NOW, trust=rsa_trust)
        assert (verdict.valid, verdict.reason) == (False, "malformed")
