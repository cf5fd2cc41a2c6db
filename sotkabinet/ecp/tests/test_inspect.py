"""inspect_cms and CmsInspection.covers: the fast synchronous checks of a submit
(docs/conventions.md "Filings")."""

from __future__ import annotations

import base64

import pytest

from sotkabinet.ecp import CmsMalformed, inspect_cms
from sotkabinet.ecp.pki import build_ca, issue_person, make_iin, sign_cms

from .conftest import PAYLOAD


def test_detached_covers_only_its_payload(rsa_pki):
    inspection = inspect_cms(rsa_pki.alice.sign(PAYLOAD))
    assert inspection.content is None and inspection.detached is True
    assert inspection.covers(PAYLOAD) is True
    assert inspection.covers(PAYLOAD + b"\n") is False
    assert inspection.covers(b"") is False


def test_attached_covers_only_its_content(rsa_pki):
    inspection = inspect_cms(base64.b64encode(rsa_pki.alice.sign(PAYLOAD, detached=False)))
    assert inspection.content == PAYLOAD
    assert inspection.covers(PAYLOAD) is True
    assert inspection.covers(PAYLOAD[:-1]) is False


def test_several_signers_all_must_cover(rsa_pki):
    inspection = inspect_cms(sign_cms(PAYLOAD, [rsa_pki.alice, rsa_pki.head]))
    assert inspection.covers(PAYLOAD) is True
    assert {signer.iin for signer in inspection.signers} == {rsa_pki.alice.iin, rsa_pki.head.iin}
    head = next(signer for signer in inspection.signers if signer.bin)
    assert head.bin == rsa_pki.head.bin and head.is_head is True


def test_inspection_reports_claims_without_trusting_them():
    stranger_ca = build_ca(name="БЕЙТАНЫС CA")
    stranger = issue_person(stranger_ca, iin=make_iin(70), full_name="БЕЙТАНЫС БЕКЗАТ")
    inspection = inspect_cms(stranger.sign(PAYLOAD))
    assert inspection.signers[0].iin == make_iin(70)
    assert inspection.signers[0].certificate_der == stranger.certificate_der
    assert inspection.covers(PAYLOAD) is True


@pytest.mark.parametrize("garbage", [b"", b"\x30\x80", "not base64 at all!", "MIIB", b"\x00" * 50])
def test_garbage_raises_cms_malformed(garbage):
    with pytest.raises(CmsMalformed):
        inspect_cms(garbage)
