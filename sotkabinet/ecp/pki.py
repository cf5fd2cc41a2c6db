"""An NCA-shaped PKI builder for tests and the demo mode. Never for real keys.

It builds what Kazakhstan's National Certification Authority (НУЦ РК) issues, in the same shape
(SPEC R-ECP-4): a root and an intermediate CA named like «ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST»,
user certificates with CN / SURNAME / GIVENNAME / serialNumber ``IIN…`` / C=KZ (and O and
OU ``BIN…`` for legal entities), the Kazakh EKU role OIDs, sign and auth key usages, a CRL
distribution point; CRLs; and CMS signatures, attached or detached, with signed attributes.
RSA, ECDSA (P-256) and GOST 34.10-2015 (NCA byte conventions, via gostcrypto) are supported;
DSA exists only so tests can present an algorithm the verifier refuses.

Everything is built with asn1crypto so that names longer than 64 characters and the GOST OIDs,
which cryptography's builders refuse or warn about, come out exactly as NCA writes them.

Typical use::

    root = build_ca(name="НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST")
    nca = build_ca(name="ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST", parent=root)
    person = issue_person(nca, iin=make_iin(1), full_name="ТЕСТОВ ТЕСТ")
    cms = person.sign(b"payload")                       # detached DER CMS
    crl = nca.crl(revoked=[(person, some_time)])        # DER CRL
    trust = TrustStore(anchors=[root.certificate_der], intermediates=[nca.certificate_der],
                       crls=[crl, root.crl()])

Private keys are written unencrypted by ``save_to`` (mode 0600): demo keys only.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import algos, cms, core, ocsp, pem, x509
from asn1crypto import crl as asn1_crl
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, padding, rsa

from sotkabinet.ecp import _asn1, gost
from sotkabinet.ecp.model import (
    EKU_FIRST_HEAD,
    EKU_HR,
    EKU_INDIVIDUAL,
    EKU_LEGAL_ENTITY,
    EKU_MAY_SIGN,
)

ALGORITHMS = ("rsa", "ecdsa", "gost2015", "dsa")
ROLE_NAMES = {"head": EKU_FIRST_HEAD, "signer": EKU_MAY_SIGN, "hr": EKU_HR}
_GOST_PEM_LABEL = "KZ GOST2015 PRIVATE KEY"
_CA_YEARS = 10
_PERSON_DAYS = 365


# ---------------------------------------------------------------------------------------------
# IIN / BIN with a valid control digit
# ---------------------------------------------------------------------------------------------
def control_digit(first_eleven: str) -> int | None:
    """The official Kazakh IIN/BIN control digit for 11 digits, or None if none exists."""
    digits = [int(ch) for ch in first_eleven]
    total = sum(weight * digit for weight, digit in zip(range(1, 12), digits, strict=True)) % 11
    if total == 10:
        weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        total = sum(weight * digit for weight, digit in zip(weights, digits, strict=True)) % 11
        if total == 10:
            return None
    return total


def make_iin(seed: int) -> str:
    """A deterministic, valid IIN: birth date YYMMDD, century/sex digit, serial, control digit."""
    for attempt in range(100):
        value = (seed * 7919 + attempt * 104729) & 0xFFFFFFFF
        year = 50 + value % 50  # 1950..1999
        month = 1 + (value >> 8) % 12
        day = 1 + (value >> 12) % 28
        century_sex = 3 + (value >> 17) % 2  # 3/4: born in the 20th century
        serial = (seed + attempt * 37) % 10000
        first = f"{year:02d}{month:02d}{day:02d}{century_sex}{serial:04d}"
        check = control_digit(first)
        if check is not None:
            return f"{first}{check}"
    raise ValueError(f"no valid IIN for seed {seed}")


def make_bin(seed: int) -> str:
    """A deterministic, valid BIN: registration YYMM, type 4 (legal entity), attribute, serial."""
    for attempt in range(100):
        value = (seed * 6007 + attempt * 7727) & 0xFFFFFFFF
        year = value % 25  # 2000..2024
        month = 1 + (value >> 8) % 12
        attribute = (value >> 12) % 3
        serial = (seed + attempt * 53) % 100000
        first = f"{year:02d}{month:02d}4{attribute}{serial:05d}"
        check = control_digit(first)
        if check is not None:
            return f"{first}{check}"
    raise ValueError(f"no valid BIN for seed {seed}")


# ---------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------
_DIGEST_OIDS = {"sha256": "2.16.840.1.101.3.4.2.1", "sha384": "2.16.840.1.101.3.4.2.2"}
_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384}
_SIGNATURE_OIDS = {
    ("rsa", "sha256"): "1.2.840.113549.1.1.11",
    ("rsa", "sha384"): "1.2.840.113549.1.1.12",
    ("ecdsa", "sha256"): "1.2.840.10045.4.3.2",
    ("ecdsa", "sha384"): "1.2.840.10045.4.3.3",
    ("dsa", "sha256"): "2.16.840.1.101.3.4.3.2",
}


@dataclass
class PrivateKey:
    """A private key of one of ``ALGORITHMS``: a cryptography key, or a GOST scalar (bytes)."""

    algorithm: str
    native: object = field(repr=False)

    @classmethod
    def generate(cls, algorithm: str = "rsa", *, key_size: int = 2048) -> PrivateKey:
        if algorithm == "rsa":
            return cls("rsa", rsa.generate_private_key(public_exponent=65537, key_size=key_size))
        if algorithm == "ecdsa":
            return cls("ecdsa", ec.generate_private_key(ec.SECP256R1()))
        if algorithm == "dsa":
            return cls("dsa", dsa.generate_private_key(key_size=2048))
        if algorithm == "gost2015":
            return cls("gost2015", gost.generate_private_key())
        raise ValueError(f"algorithm must be one of {ALGORITHMS}")

    @property
    def digest(self) -> str:
        return "streebog512" if self.algorithm == "gost2015" else "sha256"

    @property
    def digest_oid(self) -> str:
        return gost.STREEBOG_512 if self.algorithm == "gost2015" else _DIGEST_OIDS[self.digest]

    @property
    def signature_oid(self) -> str:
        if self.algorithm == "gost2015":
            return gost.SIGNATURE_ALGORITHM_512
        return _SIGNATURE_OIDS[(self.algorithm, self.digest)]

    def signature_algorithm(self) -> dict:
        # NCA writes NULL parameters for RSA and GOST; ECDSA/DSA take none (RFC 5758).
        null = self.algorithm in ("rsa", "gost2015")
        return {"algorithm": self.signature_oid, "parameters": core.Null() if null else None}

    def public_key_info(self) -> bytes:
        """DER SubjectPublicKeyInfo."""
        if self.algorithm == "gost2015":
            parameters = _asn1.GostPublicKeyParameters(
                {"public_key_param_set": gost.PARAMSET_512_A, "digest_param_set": gost.STREEBOG_512}
            )
            point = core.OctetString(gost.public_key_for(self.native)).dump()
            return _asn1.OpaquePublicKeyInfo(
                {
                    "algorithm": {"algorithm": gost.KEY_ALGORITHM, "parameters": parameters},
                    "public_key": point,
                }
            ).dump()
        return self.native.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, data: bytes) -> bytes:
        """The signature value over ``data`` with this key's algorithm and digest."""
        if self.algorithm == "gost2015":
            return gost.sign(self.native, data)
        digest = _HASHES[self.digest]()
        if self.algorithm == "rsa":
            return self.native.sign(data, padding.PKCS1v15(), digest)
        if self.algorithm == "ecdsa":
            return self.native.sign(data, ec.ECDSA(digest))
        return self.native.sign(data, digest)

    def to_pem(self) -> bytes:
        if self.algorithm == "gost2015":
            return pem.armor(_GOST_PEM_LABEL, core.OctetString(self.native).dump())
        return self.native.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @classmethod
    def from_pem(cls, data: bytes, algorithm: str) -> PrivateKey:
        if algorithm == "gost2015":
            _, _, der = pem.unarmor(data)
            return cls("gost2015", core.OctetString.load(der).native)
        return cls(algorithm, serialization.load_pem_private_key(data, password=None))


# ---------------------------------------------------------------------------------------------
# Names and extensions
# ---------------------------------------------------------------------------------------------
_NAME_TYPES = {
    "common_name": "utf8_string",
    "surname": "utf8_string",
    "serial_number": "printable_string",
    "country_name": "printable_string",
    "locality_name": "utf8_string",
    "state_or_province_name": "utf8_string",
    "organization_name": "utf8_string",
    "organizational_unit_name": "utf8_string",
    "given_name": "utf8_string",
}


def build_name(attributes: Sequence[tuple[str, str]]) -> x509.Name:
    """A Name with one attribute per RDN, in the given order (NCA's order, not a sorted one).

    Values are not length-checked: NCA issues attributes longer than X.520's 64 characters.
    """
    rdns = []
    for attribute, value in attributes:
        if attribute == "email_address":
            encoded = x509.EmailAddress(value)
        else:
            encoded = x509.DirectoryString(name=_NAME_TYPES[attribute], value=value)
        rdns.append(
            x509.RelativeDistinguishedName(
                [x509.NameTypeAndValue({"type": attribute, "value": encoded})]
            )
        )
    return x509.Name(name="", value=x509.RDNSequence(rdns))


def _time(moment: datetime) -> x509.Time:
    moment = moment.astimezone(UTC).replace(microsecond=0)
    if moment.year < 2050:
        return x509.Time(name="utc_time", value=moment)
    return x509.Time(name="general_time", value=moment)


def _key_identifier(spki_der: bytes) -> bytes:
    return hashlib.sha1(_asn1.OpaquePublicKeyInfo.load(spki_der)["public_key"].native).digest()  # noqa: S324 - RFC 5280 key identifier method 1


def _extension(name: str, value, critical: bool = False) -> dict:
    return {"extn_id": name, "critical": critical, "extn_value": value}


def _crl_distribution_points(url: str) -> list:
    return [
        {
            "distribution_point": x509.DistributionPointName(
                name="full_name",
                value=[x509.GeneralName(name="uniform_resource_identifier", value=url)],
            )
        }
    ]


def _random_serial() -> int:
    return secrets.randbits(159) | (1 << 150)  # 20 bytes at most, positive, like NCA's


def _sign_certificate(
    *,
    issuer_name: x509.Name,
    issuer_key: PrivateKey,
    subject: x509.Name,
    subject_spki: bytes,
    serial_number: int,
    not_before: datetime,
    not_after: datetime,
    extensions: list[dict],
) -> bytes:
    tbs = _asn1.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial_number,
            "signature": issuer_key.signature_algorithm(),
            "issuer": issuer_name,
            "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
            "subject": subject,
            "subject_public_key_info": _asn1.OpaquePublicKeyInfo.load(subject_spki),
            "extensions": extensions,
        }
    )
    signature = issuer_key.sign(tbs.dump())
    return _asn1.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": issuer_key.signature_algorithm(),
            "signature_value": signature,
        }
    ).dump()


def _to_pem(der: bytes, label: str = "CERTIFICATE") -> bytes:
    return pem.armor(label, der)


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


# ---------------------------------------------------------------------------------------------
# Certification authorities
# ---------------------------------------------------------------------------------------------
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
            serial = target.serial_number if isinstance(target, Person) else int(target)
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
            serial = target.serial_number if isinstance(target, Person) else int(target)
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


# ---------------------------------------------------------------------------------------------
# Key holders and CMS
# ---------------------------------------------------------------------------------------------
@dataclass(eq=False)
class Person:
    """A key holder: certificate, private key and the CA that issued it."""

    certificate_der: bytes = field(repr=False)
    private_key: PrivateKey = field(repr=False)
    ca: CertificateAuthority
    iin: str
    full_name: str
    purpose: str
    bin: str | None = None
    organization: str | None = None

    @property
    def serial_number(self) -> int:
        return _asn1.Certificate.load(self.certificate_der)["tbs_certificate"][
            "serial_number"
        ].native

    @property
    def certificate_pem(self) -> bytes:
        return _to_pem(self.certificate_der)

    @property
    def identity(self) -> str:
        """The login a portal derives from this key: BIN for a legal-entity key, else IIN."""
        return self.bin or self.iin

    def sign(
        self,
        payload: bytes,
        detached: bool = True,
        signing_time: datetime | None = None,
        include_chain: bool = True,
    ) -> bytes:
        """A DER CMS SignedData over ``payload`` with contentType, signingTime, messageDigest."""
        return sign_cms(
            payload,
            [self],
            detached=detached,
            signing_time=signing_time,
            include_chain=include_chain,
        )

    def save_to(self, directory: str | os.PathLike) -> Path:
        """Write certificate.pem, private_key.pem (0600), meta.json and the CA chain in ca/."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        (path / "certificate.pem").write_bytes(self.certificate_pem)
        _write_private(path / "private_key.pem", self.private_key.to_pem())
        meta = {
            "kind": "person",
            "algorithm": self.private_key.algorithm,
            "iin": self.iin,
            "bin": self.bin,
            "full_name": self.full_name,
            "organization": self.organization,
            "purpose": self.purpose,
        }
        (path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2))
        self.ca.save_to(path / "ca")
        return path

    @classmethod
    def load_from(
        cls, directory: str | os.PathLike, ca: CertificateAuthority | None = None
    ) -> Person:
        path = Path(directory)
        meta = json.loads((path / "meta.json").read_text())
        _, _, der = pem.unarmor((path / "certificate.pem").read_bytes())
        key = PrivateKey.from_pem((path / "private_key.pem").read_bytes(), meta["algorithm"])
        issuer = ca or CertificateAuthority.load_from(path / "ca")
        return cls(
            der,
            key,
            issuer,
            meta["iin"],
            meta["full_name"],
            meta["purpose"],
            meta["bin"],
            meta["organization"],
        )


def issue_person(
    ca: CertificateAuthority,
    *,
    iin: str,
    full_name: str,
    purpose: str = "sign",
    bin: str | None = None,
    organization: str | None = None,
    roles: Iterable[str] = (),
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    surname: str | None = None,
    given_name: str | None = None,
    email: str | None = None,
    algorithm: str | None = None,
    crl_url: str | None = None,
    key: PrivateKey | None = None,
    extra_extensions: Sequence[dict] = (),
) -> Person:
    """Issue an NCA-shaped user certificate (SPEC R-ECP-4).

    ``purpose`` "sign" gives nonRepudiation + digitalSignature and EKU emailProtection; "auth"
    gives digitalSignature + keyEncipherment and EKU clientAuth (as NCA's real certificates do).
    With ``bin`` the holder is a legal entity's employee (EKU 1.2.398.3.3.4.1.2, O, OU=BIN…) and
    ``roles`` adds role OIDs, given as OIDs or as "head" (.2.1), "signer" (.2.2), "hr" (.2.5).
    ``algorithm`` defaults to the CA's.
    """
    if purpose not in ("sign", "auth"):
        raise ValueError("purpose must be 'sign' or 'auth'")
    names = full_name.split(maxsplit=1)
    surname = surname or names[0]
    given_name = given_name or (names[1] if len(names) > 1 else names[0])
    attributes = [
        ("common_name", full_name),
        ("surname", surname),
        ("serial_number", f"IIN{iin}"),
        ("country_name", "KZ"),
    ]
    if bin is not None:
        attributes.append(("organization_name", organization or f"ТОО «{bin}»"))
        attributes.append(("organizational_unit_name", f"BIN{bin}"))
    attributes.append(("given_name", given_name))
    if email:
        attributes.append(("email_address", email))
    extended = ["1.3.6.1.5.5.7.3.4" if purpose == "sign" else "1.3.6.1.5.5.7.3.2"]
    if bin is None:
        extended.append(EKU_INDIVIDUAL)
    else:
        extended.append(EKU_LEGAL_ENTITY)
        extended.extend(ROLE_NAMES.get(role, role) for role in roles)
    key = key or PrivateKey.generate(algorithm or ca.algorithm)
    usage = (
        {"non_repudiation", "digital_signature"}
        if purpose == "sign"
        else {"digital_signature", "key_encipherment"}
    )
    der = ca.issue_certificate(
        subject=build_name(attributes),
        public_key_info=key.public_key_info(),
        key_usage=usage,
        extended_key_usage=extended,
        not_before=not_before,
        not_after=not_after,
        crl_url=crl_url,
        extra_extensions=extra_extensions,
    )
    return Person(
        der,
        key,
        ca,
        iin,
        full_name,
        purpose,
        bin,
        organization or (f"ТОО «{bin}»" if bin else None),
    )


def issue_ocsp_responder(
    ca: CertificateAuthority,
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> Person:
    """A delegated OCSP responder of ``ca`` (EKU id-kp-OCSPSigning), like NCA's «OCSP RESPONDER»."""
    key = PrivateKey.generate(ca.algorithm)
    der = ca.issue_certificate(
        subject=build_name([("common_name", "OCSP RESPONDER"), ("country_name", "KZ")]),
        public_key_info=key.public_key_info(),
        key_usage={"digital_signature", "non_repudiation"},
        extended_key_usage=["1.3.6.1.5.5.7.3.9"],
        not_before=not_before,
        not_after=not_after,
    )
    return Person(der, key, ca, iin="", full_name="OCSP RESPONDER", purpose="ocsp")


def _signed_attributes(
    payload: bytes, key: PrivateKey, signing_time: datetime
) -> cms.CMSAttributes:
    digest = (
        gost.streebog512(payload)
        if key.algorithm == "gost2015"
        else hashlib.new(key.digest, payload).digest()
    )
    when = _time(signing_time)
    attributes = [
        cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        cms.CMSAttribute(
            {"type": "signing_time", "values": [cms.Time(name=when.name, value=when.chosen.native)]}
        ),
        cms.CMSAttribute({"type": "message_digest", "values": [digest]}),
    ]
    # DER orders a SET OF by encoding (X.690 11.6), as strict verifiers re-encode it.
    attributes.sort(key=lambda attribute: attribute.dump())
    return cms.CMSAttributes(attributes)


def sign_cms(
    payload: bytes,
    signers: Sequence[Person],
    *,
    detached: bool = True,
    signing_time: datetime | None = None,
    include_chain: bool = True,
    extra_certificates: Sequence[bytes] = (),
) -> bytes:
    """A DER CMS SignedData over ``payload`` by every signer (each with signed attributes).

    ``include_chain`` embeds the signers' CA certificates up to (not including) the root, as
    NCALayer does with the NCA intermediate.
    """
    signing_time = signing_time or datetime.now(UTC)
    certificates: dict[bytes, None] = {}
    signer_infos = []
    digest_algorithms: dict[str, dict] = {}
    for signer in signers:
        key = signer.private_key
        certificates[signer.certificate_der] = None
        if include_chain:
            for authority in signer.ca.chain:
                if authority.parent is not None:
                    certificates[authority.certificate_der] = None
        attributes = _signed_attributes(payload, key, signing_time)
        certificate = _asn1.Certificate.load(signer.certificate_der)["tbs_certificate"]
        null = key.algorithm in ("rsa", "gost2015")
        digest_algorithm = {
            "algorithm": key.digest_oid,
            "parameters": core.Null() if null else None,
        }
        digest_algorithms[key.digest_oid] = digest_algorithm
        signer_infos.append(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    name="issuer_and_serial_number",
                    value={
                        "issuer": certificate["issuer"],
                        "serial_number": certificate["serial_number"].native,
                    },
                ),
                "digest_algorithm": algos.DigestAlgorithm(digest_algorithm),
                "signed_attrs": attributes,
                "signature_algorithm": algos.SignedDigestAlgorithm(key.signature_algorithm()),
                "signature": key.sign(attributes.dump()),
            }
        )
    for extra in extra_certificates:
        certificates[extra] = None
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm(d) for d in digest_algorithms.values()],
            "encap_content_info": {
                "content_type": "data",
                "content": None if detached else payload,
            },
            "certificates": [
                cms.CertificateChoices(name="certificate", value=x509.Certificate.load(der))
                for der in certificates
            ],
            "signer_infos": signer_infos,
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
