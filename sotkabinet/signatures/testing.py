"""pytest plugin: the `ecp` fixture, an NCA-shaped test PKI trusted in the DB for each test.

    def test_submit(ecp, make_user, client_for):
        user = make_user()
        cms = ecp.sign(user, payload)                       # base64 detached CMS, signing key
        cms = ecp.sign(user, nonce, detached=False, purpose="auth")
        cms = ecp.sign(legal_entity, payload, head=True)    # BIN key with the first-head role
        cms = ecp.sign(legal_entity, payload, role="employee")  # a plain employee: may not sign
        proof = ecp.registration_proof(api_client, "880515300017")  # {"nonce", "cms"}
        ecp.revoke(user)                                    # later verifications say "revoked"
        person = ecp.expired(user); ecp.sign_with(person, payload)

Speed: the CAs (a root and an NCA-like intermediate, RSA-2048) are built once per session;
user certificates are issued once per (login, purpose, role) and reuse RSA keys from a small
session pool, so a test pays a few milliseconds for its first signature. Per test only the
anchor, the intermediate and their CRLs are inserted (and rolled back with the test).

Validity is wide on purpose (CAs 2010..2049, user certificates 2015..2045, CRLs current until
2045), so
tests that travel in time with time-machine still get valid signatures, unless they ask for an
expired certificate. SPEC R-ECP-1, R-ECP-4.
"""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from sotkabinet.ecp import pki
from sotkabinet.ecp.trust import TrustStore

ROOT_NAME = "НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST"
NCA_NAME = "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST"
VALID_FROM = datetime(2015, 1, 1, tzinfo=UTC)
VALID_UNTIL = datetime(2045, 1, 1, tzinfo=UTC)
CA_VALID_FROM = datetime(2010, 1, 1, tzinfo=UTC)
CA_VALID_UNTIL = datetime(2049, 12, 31, tzinfo=UTC)
KEY_POOL_SIZE = 12


def _login_of(user) -> str:
    return user if isinstance(user, str) else user.login


def _is_legal_entity(user) -> bool:
    return not isinstance(user, str) and getattr(user, "kind", "") == "legal_entity"


def _full_name(user) -> str:
    name = "" if isinstance(user, str) else (getattr(user, "full_name", "") or "")
    return name.strip() or "ТЕСТОВ ТЕСТ"


class TestPki:
    """Session state: the CAs, their baseline CRLs, a key pool and issued people."""

    __test__ = False  # not a test class, despite the name

    def __init__(self) -> None:
        ca_validity = {"not_before": CA_VALID_FROM, "not_after": CA_VALID_UNTIL}
        self.root = pki.build_ca(name=ROOT_NAME, **ca_validity)
        self.nca = pki.build_ca(name=NCA_NAME, parent=self.root, **ca_validity)
        self.root_crl = self.root.crl(this_update=VALID_FROM, next_update=VALID_UNTIL)
        self.nca_crl = self.nca.crl(this_update=VALID_FROM, next_update=VALID_UNTIL)
        self._keys: list[pki.PrivateKey] = []
        self._key_order = itertools.count()
        self._key_of: dict[str, pki.PrivateKey] = {}
        self._people: dict[tuple, pki.Person] = {}

    def key_for(self, login: str) -> pki.PrivateKey:
        """The login's RSA key: the first KEY_POOL_SIZE logins get new keys, later ones reuse
        them round-robin (consecutive logins always get different keys)."""
        key = self._key_of.get(login)
        if key is None:
            index = next(self._key_order) % KEY_POOL_SIZE
            if index == len(self._keys):
                self._keys.append(pki.PrivateKey.generate("rsa"))
            key = self._keys[index]
            self._key_of[login] = key
        return key

    def person(
        self,
        user,
        *,
        purpose: str = "sign",
        head: bool = False,
        iin: str | None = None,
        not_before: datetime = VALID_FROM,
        not_after: datetime = VALID_UNTIL,
        role: str | None = None,
    ) -> pki.Person:
        login = _login_of(user)
        legal_entity = _is_legal_entity(user)
        if (head or role) and not legal_entity:
            raise ValueError("head/role need a legal-entity user (its login is the BIN)")
        cache_key = (login, legal_entity, purpose, head, iin, not_before, not_after, role)
        person = self._people.get(cache_key)
        if person is not None:
            return person
        common = {
            "purpose": purpose,
            "key": self.key_for(login),
            "not_before": not_before,
            "not_after": not_after,
        }
        if legal_entity:
            person = pki.issue_person(
                self.nca,
                iin=iin or pki.make_iin(int(login)),
                full_name="ТЕСТОВ БАСШЫ" if head else "ТЕСТОВ ҚЫЗМЕТКЕР",
                bin=login,
                organization=_full_name(user),
                roles=[role] if role else ["head"] if head else ["signer"],
                **common,
            )
        else:
            person = pki.issue_person(
                self.nca, iin=iin or login, full_name=_full_name(user), **common
            )
        self._people[cache_key] = person
        return person


@dataclass
class Ecp:
    """The `ecp` fixture (CONTRIBUTING.md "The ecp test fixture"). All CMS come back as base64."""

    pki: TestPki
    revoked: list[tuple[pki.Person, datetime]] = field(default_factory=list)
    _crl_number: int = 1

    @property
    def ca(self) -> pki.CertificateAuthority:
        """The issuing (NCA-like intermediate) CA; `ecp.root` is its trusted root."""
        return self.pki.nca

    @property
    def root(self) -> pki.CertificateAuthority:
        return self.pki.root

    def person(self, user, *, purpose: str = "sign", head: bool = False, **kwargs) -> pki.Person:
        """The key holder whose certificate names `user.login` (IIN, or BIN for a legal entity;
        a legal entity's person also has an IIN, `iin=` to choose it). A legal entity's key has
        the role `role=` ("head", "signer", "finance", "hr", "employee" or an OID), else the
        first head's with head=True, else the right to sign ("signer")."""
        return self.pki.person(user, purpose=purpose, head=head, **kwargs)

    def sign(
        self,
        user,
        payload: bytes | str,
        detached: bool = True,
        purpose: str = "sign",
        head: bool = False,
        role: str | None = None,
    ) -> str:
        """A base64 CMS over `payload` by `user`'s test key (detached unless detached=False)."""
        person = self.person(user, purpose=purpose, head=head, role=role)
        return self.sign_with(person, payload, detached)

    def sign_nonce(
        self,
        user,
        nonce: str,
        *,
        kind: str = "individual",
        full_name: str = "",
        purpose: str = "auth",
        **person_kwargs,
    ) -> str:
        """An attached CMS over a challenge's UTF-8 bytes, as NCALayer makes for sign-in and
        registration (docs/api.md), by an AUTH key unless purpose="sign".

        `user` may be a login with no account yet: `kind` and `full_name` then shape the
        certificate (a legal entity's BIN key, the right to sign unless `role=`/head=True)."""
        if isinstance(user, str):
            user = SimpleNamespace(login=user, kind=kind, full_name=full_name)
        person = self.person(user, purpose=purpose, **person_kwargs)
        return self.sign_with(person, nonce.encode(), detached=False)

    def registration_proof(self, client, user, **kwargs) -> dict[str, str]:
        """{"nonce", "cms"} for POST /api/v1/accounts/register/: a fresh challenge from the API
        (`client`: a DRF APIClient or Django test Client) signed by the holder's key of `user`
        (a login or a user-like object; keyword arguments as for `sign_nonce`)."""
        response = client.post("/api/v1/auth/ecp/challenge/")
        if response.status_code != 200:
            raise AssertionError(f"challenge refused: {response.status_code} {response.content!r}")
        nonce = response.json()["nonce"]
        return {"nonce": nonce, "cms": self.sign_nonce(user, nonce, **kwargs)}

    def sign_with(self, person: pki.Person, payload: bytes | str, detached: bool = True) -> str:
        data = payload.encode() if isinstance(payload, str) else bytes(payload)
        return base64.b64encode(person.sign(data, detached=detached)).decode("ascii")

    def expired(self, user, *, purpose: str = "sign", head: bool = False) -> pki.Person:
        """A key holder for `user` whose certificate expired yesterday (for `sign_with`)."""
        now = datetime.now(UTC).replace(microsecond=0)
        return self.pki.person(
            user,
            purpose=purpose,
            head=head,
            not_before=now - timedelta(days=400),
            not_after=now - timedelta(days=1),
        )

    def revoke(self, user_or_person, *, at: datetime | None = None, **person_kwargs) -> None:
        """Revoke the user's certificates (all purposes, head or not) or one Person, from `at`
        (default now), and publish a new CRL in the DB."""
        when = (at or datetime.now(UTC)).replace(microsecond=0)
        if isinstance(user_or_person, pki.Person):
            people = [user_or_person]
        elif person_kwargs:
            people = [self.person(user_or_person, **person_kwargs)]
        else:
            login = _login_of(user_or_person)
            people = [p for key, p in self.pki._people.items() if key[0] == login]
            if not people:
                people = [self.person(user_or_person)]
        self.revoked.extend((person, when) for person in people)
        self._crl_number += 1
        crl = self.ca.crl(
            self.revoked,
            this_update=VALID_FROM,
            next_update=VALID_UNTIL,
            number=self._crl_number,
        )
        _replace_crl(self.ca, crl)

    def current_crl(self) -> bytes:
        """The issuing CA's CRL as it is in the DB now."""
        return self.ca.crl(
            self.revoked, this_update=VALID_FROM, next_update=VALID_UNTIL, number=self._crl_number
        )

    def trust_store(self) -> TrustStore:
        """A library TrustStore equal to what this fixture put in the DB (without the demo CA)."""
        return TrustStore(
            anchors=[self.root.certificate_der],
            intermediates=[self.ca.certificate_der],
            crls=[self.pki.root_crl, self.current_crl()],
        )


def _replace_crl(ca: pki.CertificateAuthority, crl_der: bytes) -> None:
    from sotkabinet.ecp.crl import parse_crl
    from sotkabinet.signatures.models import CertificateRevocationList
    from sotkabinet.signatures.services import crl_import

    issuer = parse_crl(crl_der).issuer.display
    CertificateRevocationList.objects.filter(issuer=issuer[:1000]).delete()
    crl_import(crl_der)


@pytest.fixture(scope="session")
def ecp_pki() -> TestPki:
    """The session's test CAs and key pool (built once: RSA key generation is slow)."""
    return TestPki()


def trust_test_pki(ecp_pki) -> Ecp:
    """Trust the test CAs and their CRLs in the database (in the caller's transaction) and return
    the `Ecp` helper over them. The `ecp` fixture does this per test; a module-wide world of
    objects can do it once."""
    from sotkabinet.ecp.certificates import parse_certificate
    from sotkabinet.ecp.crl import parse_crl
    from sotkabinet.signatures.models import CertificateRevocationList, TrustedCertificate
    from sotkabinet.signatures.services import bump_trust_version

    rows = []
    for der, anchor in ((ecp_pki.root.certificate_der, True), (ecp_pki.nca.certificate_der, False)):
        certificate = parse_certificate(der)
        rows.append(
            TrustedCertificate(
                der=der,
                fingerprint=certificate.fingerprint,
                subject=certificate.subject.display,
                issuer=certificate.issuer.display,
                is_anchor=anchor,
                not_before=certificate.not_before,
                not_after=certificate.not_after,
            )
        )
    TrustedCertificate.objects.bulk_create(rows, ignore_conflicts=True)
    crls = []
    for der in (ecp_pki.root_crl, ecp_pki.nca_crl):
        crl = parse_crl(der)
        crls.append(
            CertificateRevocationList(
                der=der,
                fingerprint=crl.fingerprint,
                issuer=crl.issuer.display,
                this_update=crl.this_update,
                next_update=crl.next_update,
            )
        )
    CertificateRevocationList.objects.bulk_create(crls, ignore_conflicts=True)
    bump_trust_version()  # bulk_create sends no signals
    return Ecp(pki=ecp_pki)


@pytest.fixture
def ecp(db, ecp_pki):
    """The test PKI, trusted in the DB for this test (see the module docstring)."""
    from sotkabinet.signatures.services import bump_trust_version

    yield trust_test_pki(ecp_pki)
    bump_trust_version()  # the rows are rolled back with the test
