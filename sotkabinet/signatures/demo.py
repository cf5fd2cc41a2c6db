"""The demo CA and the server-side demo signer (settings.DEMO only; never in production).

Threat model: with DEMO on, anyone who can reach the demo signer can sign as anyone, by design:
it lets people try the portal without NCALayer and a real key. So it refuses to run unless
settings.DEMO is true, and the demo CA is trusted only then (services.current_trust_store). The
demo CA's and people's private keys live unencrypted under settings.DEMO_PKI_DIR (mode 0600).
Creation is serialised by a file lock, so the web process and workers share one demo CA.
"""

from __future__ import annotations

import base64
import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone

from sotkabinet.ecp import pki
from sotkabinet.ecp.certificates import parse_certificate
from sotkabinet.ecp.crl import parse_crl
from sotkabinet.errors import DomainError

DEMO_CA_NAME = "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO"
DEMO_CRL_URL = "http://127.0.0.1/demo-pki/demo-ca.crl"
# The demo CRL is reissued when less than this is left; it is valid for CRL_VALIDITY.
CRL_VALIDITY = timedelta(days=30)
CRL_RENEW_BEFORE = timedelta(days=7)
PERSON_RENEW_BEFORE = timedelta(days=7)


class SignerAccount(Protocol):
    """What the demo signer needs of an account (a User, saved or not)."""

    login: str
    kind: str
    full_name: str


@dataclass(frozen=True)
class DemoPki:
    ca: pki.CertificateAuthority
    crl_der: bytes
    crl_next_update: datetime
    directory: Path

    @property
    def anchor_der(self) -> bytes:
        return self.ca.certificate_der


_lock = threading.Lock()
_cache: dict[str, DemoPki] = {}
_people: dict[tuple[str, str], pki.Person] = {}


@contextmanager
def _file_lock(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load_or_build_ca(directory: Path) -> pki.CertificateAuthority:
    ca_dir = directory / "ca"
    if (ca_dir / "meta.json").exists():
        return pki.CertificateAuthority.load_from(ca_dir)
    ca = pki.build_ca(name=DEMO_CA_NAME, crl_url=DEMO_CRL_URL)
    ca.save_to(ca_dir)
    return ca


def _current_crl(ca: pki.CertificateAuthority, directory: Path) -> tuple[bytes, datetime]:
    path = directory / "demo-ca.crl"
    now = timezone.now()
    if path.exists():
        der = path.read_bytes()
        next_update = parse_crl(der).next_update
        if next_update is not None and next_update - now > CRL_RENEW_BEFORE:
            return der, next_update
    der = ca.crl(this_update=now - timedelta(minutes=5), next_update=now + CRL_VALIDITY)
    path.write_bytes(der)
    return der, parse_crl(der).next_update or now + CRL_VALIDITY


def ensure_demo_pki() -> DemoPki:
    """The demo CA (built and persisted under settings.DEMO_PKI_DIR on first use) and a current
    CRL for it, reissued before it runs out. Safe to call often and from several processes."""
    directory = Path(settings.DEMO_PKI_DIR)
    key = str(directory)
    demo = _cache.get(key)
    if demo is not None and demo.crl_next_update - timezone.now() > CRL_RENEW_BEFORE:
        return demo
    with _lock, _file_lock(directory):
        ca = demo.ca if demo is not None else _load_or_build_ca(directory)
        crl_der, next_update = _current_crl(ca, directory)
        demo = DemoPki(ca=ca, crl_der=crl_der, crl_next_update=next_update, directory=directory)
        _cache[key] = demo
    return demo


def representative_iin(bin_value: str) -> str:
    """A stable, valid IIN for the demo person who acts for a legal entity (BIN)."""
    return pki.make_iin(int(bin_value))


def _issue(demo: DemoPki, account: SignerAccount) -> pki.Person:
    full_name = (account.full_name or "").strip()
    if account.kind == "legal_entity":
        return pki.issue_person(
            demo.ca,
            iin=representative_iin(account.login),
            full_name="ДЕМО БАСШЫ",
            bin=account.login,
            organization=full_name or f"ЖШС «{account.login}»",
            roles=["head"],
        )
    return pki.issue_person(demo.ca, iin=account.login, full_name=full_name or "ДЕМО ПАЙДАЛАНУШЫ")


def demo_person(account: SignerAccount) -> pki.Person:
    """The demo signing key of `account`: issued on first use, then persisted and reused."""
    demo = ensure_demo_pki()
    key = (str(demo.directory), account.login)
    person = _people.get(key)
    horizon = timezone.now() + PERSON_RENEW_BEFORE
    if person is not None and _not_after(person) > horizon:
        return person
    directory = demo.directory / "people" / f"{account.login}-{account.kind}"
    with _lock, _file_lock(demo.directory):
        person = None
        if (directory / "meta.json").exists():
            person = pki.Person.load_from(directory, ca=demo.ca)
        if person is None or _not_after(person) <= horizon:
            person = _issue(demo, account)
            person.save_to(directory)
        _people[key] = person
    return person


def _not_after(person: pki.Person) -> datetime:
    return parse_certificate(person.certificate_der).not_after


def demo_sign(user: SignerAccount, payload: bytes, *, detached: bool = True) -> str:
    """Sign `payload` with `user`'s demo key and return the base64 CMS (settings.DEMO only).

    Individuals get a key with their IIN; legal entities a BIN key with the first-head role,
    held by a demo person with a stable IIN (R-ECP-4). Raises DomainError("demo_disabled")
    when DEMO is off. Repeatable: the same user keeps the same key.
    """
    if not settings.DEMO:
        raise DomainError("demo_disabled", status=404)
    person = demo_person(user)
    return base64.b64encode(person.sign(payload, detached=detached)).decode("ascii")
