"""Certification authorities of the test/demo PKI: certificates, CRLs and OCSP responses."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from asn1crypto import core, ocsp, pem, x509
from asn1crypto import crl as asn1_crl

from sotkabinet.ecp import _asn1
from sotkabinet.ecp.pki.builders import (
    _crl_distribution_points,
    _extension,
    _key_identifier,
    _random_serial,
    _sign_certificate,
    _time,
    _to_pem,
    _write_private,
    build_name,
)
from sotkabinet.ecp.pki.keys import PrivateKey

if TYPE_CHECKING:
    from sotkabinet.ecp.pki.holders import Person

_CA_YEARS = 10
_PERSON_DAYS = 365


@dataclass(eq=False)
class CertificateAuthority:
    """A CA: its certificate, key, parent (None for a root) and CRL distribution point URL."""

    name: str
    algorithm: str
    private_key: PrivateKey = field(repr=False)
    certificate_der: bytes = field(repr=False)
    crl_url: str
    parent: CertificateAuthority | None = None
    ocsp_url: str | None = None  # goes into issued certificates' authorityInfoAccess

    @property
    def subject(self) -> x509.Name:
        return _asn1.Certificate.load(self.certificate_der)["tbs_certificate"]["subject"]

    @property
    def serial_number(self) -> int:
        return _asn1.Certificate.load(self.certificate_der)["tbs_certificate"][
            "serial_number"
        ].native

    @property
    def key_identifier(self) -> bytes:
        spki = _asn1.Certificate.load(self.certificate_der)["tbs_certificate"]
        return _key_identifier(spki["subject_public_key_info"].dump())

    @property
    def certificate_pem(self) -> bytes:
        return _to_pem(self.certificate_der)

    @property
    def chain(self) -> list[CertificateAuthority]:
        """This CA and its ancestors, nearest first."""
        chain, current = [], self
        while current is not None:
            chain.append(current)
            current = current.parent
        return chain

    @property
    def root(self) -> CertificateAuthority:
        return self.chain[-1]

    def issue_certificate(
        self,
        *,
        subject: x509.Name,
        public_key_info: bytes,
        key_usage: Iterable[str],
        extended_key_usage: Sequence[str] = (),
        is_ca: bool = False,
        path_length: int | None = None,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        serial_number: int | None = None,
        crl_url: str | None = None,
        extra_extensions: Sequence[dict] = (),
    ) -> bytes:
        """Issue any certificate (low level; ``issue_person`` and ``build_ca`` use it)."""
        now = datetime.now(UTC)
        not_before = not_before or now - timedelta(days=1)
        not_after = not_after or not_before + timedelta(days=_PERSON_DAYS)
        extensions = []
        if is_ca:
            extensions.append(
                _extension(
                    "basic_constraints", {"ca": True, "path_len_constraint": path_length}, True
                )
            )
        extensions.append(_extension("key_usage", set(key_usage), True))
        if extended_key_usage:
            extensions.append(_extension("extended_key_usage", list(extended_key_usage)))
        extensions.append(_extension("key_identifier", _key_identifier(public_key_info)))
        extensions.append(
            _extension("authority_key_identifier", {"key_identifier": self.key_identifier})
        )
        extensions.append(
            _extension("crl_distribution_points", _crl_distribution_points(crl_url or self.crl_url))
        )
        if self.ocsp_url:
            access = {
                "access_method": "ocsp",
                "access_location": x509.GeneralName(
                    name="uniform_resource_identifier", value=self.ocsp_url
                ),
            }
            extensions.append(_extension("authority_information_access", [access]))
        extensions.extend(extra_extensions)
        return _sign_certificate(
            issuer_name=self.subject,
            issuer_key=self.private_key,
            subject=subject,
            subject_spki=public_key_info,
            serial_number=serial_number or _random_serial(),
            not_before=not_before,
            not_after=not_after,
            extensions=extensions,
        )

    def crl(
        self,
        revoked: Iterable[tuple] = (),
        *,
        this_update: datetime | None = None,
        next_update: datetime | None = None,
        number: int = 1,
        signing_key: PrivateKey | None = None,
    ) -> bytes:
        """A DER CRL. ``revoked`` holds ``(serial or Person, when)`` or ``(…, when, reason)``.

        ``reason`` is an RFC 5280 name such as "key_compromise" or "certificate_hold".
        ``signing_key`` lets a test sign with the wrong key. 100,000 entries take about 0.5 s.
        """
        this_update = this_update or datetime.now(UTC)
        next_update = next_update or this_update + timedelta(days=1)
        parts = []
        time_cache: dict[datetime, bytes] = {}
        for item in revoked:
            target, when = item[0], item[1]
            reason = item[2] if len(item) > 2 else None
            serial = target if isinstance(target, int) else target.serial_number
            if reason is not None:
                entry = asn1_crl.RevokedCertificate(
                    {
                        "user_certificate": serial,
                        "revocation_date": _time(when),
                        "crl_entry_extensions": [
                            {"extn_id": "crl_reason", "critical": False, "extn_value": reason}
                        ],
                    }
                )
                parts.append(entry.dump())
                continue
            encoded_time = time_cache.get(when)
            if encoded_time is None:
                encoded_time = time_cache[when] = _time(when).dump()
            # Built from asn1crypto primitives; the full object per entry would take seconds.
            parts.append(core.Sequence(contents=core.Integer(serial).dump() + encoded_time).dump())
        key = signing_key or self.private_key
        tbs_fields = {
            "version": "v2",
            "signature": key.signature_algorithm(),
            "issuer": self.subject,
            "this_update": _time(this_update),
            "next_update": _time(next_update),
            "crl_extensions": [
                {"extn_id": "crl_number", "critical": False, "extn_value": number},
                {
                    "extn_id": "authority_key_identifier",
                    "critical": False,
                    "extn_value": {"key_identifier": self.key_identifier},
                },
            ],
        }
        if parts:
            tbs_fields["revoked_certificates"] = asn1_crl.RevokedCertificates(
                contents=b"".join(parts)
            )
        tbs = asn1_crl.TbsCertList(tbs_fields)
        return asn1_crl.CertificateList(
            {
                "tbs_cert_list": tbs,
                "signature_algorithm": key.signature_algorithm(),
                "signature": key.sign(tbs.dump()),
            }
        ).dump()

    def ocsp_response(
        self,
        request: bytes,
        *,
        revoked: Iterable[tuple] = (),
        unknown: Iterable[int] = (),
        this_update: datetime | None = None,
        next_update: datetime | None = None,
        responder: Person | None = None,
        signing_key: PrivateKey | None = None,
        echo_nonce: bool = True,
    ) -> bytes:
        """A DER OCSP response to ``request`` (RFC 6960), signed by this CA or ``responder``.

        ``revoked`` holds ``(serial or Person, when[, reason])``; ``unknown`` serials get
        "unknown"; everything else is "good". ``signing_key`` lets a test sign with a wrong key.
        """
        now = datetime.now(UTC).replace(microsecond=0)
        this_update = (this_update or now).astimezone(UTC).replace(microsecond=0)
        revoked_map = {}
        for item in revoked:
            target = item[0]
            serial = target if isinstance(target, int) else target.serial_number
            revoked_map[serial] = (item[1], item[2] if len(item) > 2 else None)
        unknown_serials = set(unknown)
        parsed = ocsp.OCSPRequest.load(request)
        responses = []
        for single_request in parsed["tbs_request"]["request_list"]:
            cert_id = single_request["req_cert"]
            serial = cert_id["serial_number"].native
            if serial in revoked_map:
                when, reason = revoked_map[serial]
                info = {"revocation_time": when.astimezone(UTC).replace(microsecond=0)}
                if reason:
                    info["revocation_reason"] = reason
                status = ocsp.CertStatus(name="revoked", value=info)
            elif serial in unknown_serials:
                status = ocsp.CertStatus(name="unknown", value=None)
            else:
                status = ocsp.CertStatus(name="good", value=None)
            single = {"cert_id": cert_id, "cert_status": status, "this_update": this_update}
            if next_update is not None:
                single["next_update"] = next_update.astimezone(UTC).replace(microsecond=0)
            responses.append(single)
        signer_certificate = responder.certificate_der if responder else self.certificate_der
        signer_subject = _asn1.Certificate.load(signer_certificate)["tbs_certificate"]["subject"]
        data = {
            "responder_id": ocsp.ResponderId(name="by_name", value=signer_subject),
            "produced_at": now,
            "responses": responses,
        }
        nonce = parsed.nonce_value
        if echo_nonce and nonce is not None:
            data["response_extensions"] = [
                {"extn_id": "nonce", "critical": False, "extn_value": nonce.native}
            ]
        response_data = ocsp.ResponseData(data)
        key = signing_key or (responder.private_key if responder else self.private_key)
        basic = {
            "tbs_response_data": response_data,
            "signature_algorithm": key.signature_algorithm(),
            "signature": key.sign(response_data.dump()),
        }
        if responder is not None:
            basic["certs"] = [x509.Certificate.load(responder.certificate_der)]
        return ocsp.OCSPResponse(
            {
                "response_status": "successful",
                "response_bytes": {
                    "response_type": "basic_ocsp_response",
                    "response": ocsp.BasicOCSPResponse(basic),
                },
            }
        ).dump()

    def save_to(self, directory: str | os.PathLike) -> Path:
        """Write certificate.pem, private_key.pem (0600), meta.json and the parent in parent/."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        (path / "certificate.pem").write_bytes(self.certificate_pem)
        _write_private(path / "private_key.pem", self.private_key.to_pem())
        meta = {
            "kind": "ca",
            "name": self.name,
            "algorithm": self.algorithm,
            "crl_url": self.crl_url,
            "ocsp_url": self.ocsp_url,
        }
        (path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2))
        if self.parent is not None:
            self.parent.save_to(path / "parent")
        return path

    @classmethod
    def load_from(cls, directory: str | os.PathLike) -> CertificateAuthority:
        path = Path(directory)
        meta = json.loads((path / "meta.json").read_text())
        parent = cls.load_from(path / "parent") if (path / "parent").is_dir() else None
        _, _, der = pem.unarmor((path / "certificate.pem").read_bytes())
        key = PrivateKey.from_pem((path / "private_key.pem").read_bytes(), meta["algorithm"])
        return cls(
            meta["name"], meta["algorithm"], key, der, meta["crl_url"], parent, meta.get("ocsp_url")
        )


def _slug(name: str) -> str:
    ascii_part = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in name)
    return "-".join(filter(None, ascii_part.split("-")))[:40] or "ca"


def build_ca(
    *,
    name: str,
    algorithm: str = "rsa",
    parent: CertificateAuthority | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    crl_url: str | None = None,
    path_length: int | None = None,
    key_size: int = 2048,
    ocsp_url: str | None = None,
) -> CertificateAuthority:
    """A root CA (``parent=None``, self-signed) or an intermediate issued by ``parent``.

    ``crl_url`` is where *this* CA publishes its CRL and ``ocsp_url`` where its OCSP responder
    answers (both go into the certificates it issues; no OCSP URL by default).
    """
    key = PrivateKey.generate(algorithm, key_size=key_size)
    now = datetime.now(UTC)
    not_before = not_before or now - timedelta(days=30)
    not_after = not_after or not_before + timedelta(days=365 * _CA_YEARS)
    crl_url = crl_url or f"http://crl.test.pki.example.kz/{_slug(name)}-{secrets.token_hex(4)}.crl"
    subject = build_name([("common_name", name), ("country_name", "KZ")])
    spki = key.public_key_info()
    usage = {"key_cert_sign", "crl_sign"}
    if parent is None:
        identifier = _key_identifier(spki)
        der = _sign_certificate(
            issuer_name=subject,
            issuer_key=key,
            subject=subject,
            subject_spki=spki,
            serial_number=_random_serial(),
            not_before=not_before,
            not_after=not_after,
            extensions=[
                _extension(
                    "basic_constraints", {"ca": True, "path_len_constraint": path_length}, True
                ),
                _extension("key_usage", usage, True),
                _extension("key_identifier", identifier),
                _extension("authority_key_identifier", {"key_identifier": identifier}),
            ],
        )
    else:
        der = parent.issue_certificate(
            subject=subject,
            public_key_info=spki,
            key_usage=usage,
            is_ca=True,
            path_length=path_length,
            not_before=not_before,
            not_after=not_after,
        )
    return CertificateAuthority(name, algorithm, key, der, crl_url, parent, ocsp_url)
