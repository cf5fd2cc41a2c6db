"""HTTP client of the state enforcement information system (АИС ОИП), SPEC R-ENF-3.

JSON over HTTP with an Idempotency-Key, to ``settings.ENFORCEMENT_API_URL`` (by default the
chamber module this project ships, ``/api/v1/ais-oip/``). Pointing that URL at another system
is all it takes to talk to it, as long as it speaks the same contract:

    POST {ENFORCEMENT_API_URL}writs/
    Authorization: Token {ENFORCEMENT_API_TOKEN}
    Idempotency-Key: <stable per message>
    <the R-ENF-3 payload as JSON>

    201 or 200 {"enforcement_number", "registered_at": ISO 8601 with offset, "status": "registered"}

The client only classifies failures; the outbox decides what to do with them. Transient:
no connection, a timeout, 5xx, 408, 425, 429, or a 2xx whose body is not the contract (a proxy's
error page). Permanent: any other 4xx (bad token, refused payload, idempotency key conflict).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

import requests
from django.conf import settings

TRANSIENT_STATUSES = frozenset({408, 425, 429})
# (connect, read) seconds: the lease of an outbox claim must stay longer than their sum.
DEFAULT_TIMEOUT = (3.05, 20.0)


class DeliveryError(Exception):
    """The enforcement system did not register the writ this time."""

    def __init__(self, message: str, *, transient: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status


@dataclass(frozen=True)
class RegistrationReceipt:
    """АИС ОИП's answer (000 п.57): registration number, date and status "registered"."""

    number: str
    registered_at: datetime
    status: str

    def as_dict(self) -> dict:
        return {
            "enforcement_number": self.number,
            "registered_at": self.registered_at.isoformat(),
            "status": self.status,
        }


def service_token() -> str:
    """The token the court system presents to АИС ОИП: ``ENFORCEMENT_API_TOKEN``, never derived
    from anything else (issue 9). Production refuses to start without it; elsewhere settings
    fill it with a random value kept in DATA_DIR (one deployment's web and worker share it)."""
    return settings.ENFORCEMENT_API_TOKEN or ""


def build_session() -> requests.Session:
    """The HTTP session the client uses (tests mount adapters on it)."""
    return requests.Session()


class EnforcementClient:
    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url or settings.ENFORCEMENT_API_URL
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        self.token = service_token() if token is None else token
        self.timeout = timeout
        self.session = session or build_session()

    def register_writ(self, payload: dict, *, idempotency_key: str) -> RegistrationReceipt:
        """POST the writ; the receipt, or DeliveryError saying whether a retry may help."""
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": idempotency_key,
        }
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        url = urljoin(self.base_url, "writs/")
        try:
            response = self.session.post(url, data=body, headers=headers, timeout=self.timeout)
        except requests.Timeout as error:
            raise DeliveryError(f"timeout: {error}", transient=True) from error
        except requests.ConnectionError as error:
            raise DeliveryError(f"connection failed: {error}", transient=True) from error
        except requests.RequestException as error:
            raise DeliveryError(f"request failed: {error}", transient=True) from error
        status = response.status_code
        if status >= 500 or status in TRANSIENT_STATUSES:
            raise DeliveryError(
                f"HTTP {status}: {response.text[:500]}", transient=True, status=status
            )
        if status >= 300:
            raise DeliveryError(
                f"HTTP {status}: {response.text[:500]}", transient=False, status=status
            )
        return self._receipt(response)

    @staticmethod
    def _receipt(response: requests.Response) -> RegistrationReceipt:
        try:
            data = response.json()
            number = data["enforcement_number"]
            registered_at = datetime.fromisoformat(data["registered_at"])
            status = data["status"]
        except (ValueError, KeyError, TypeError) as error:
            raise DeliveryError(
                f"HTTP {response.status_code} with an unexpected body: {response.text[:500]}",
                transient=True,
                status=response.status_code,
            ) from error
        if (
            not isinstance(number, str)
            or not number
            or status != "registered"
            or registered_at.utcoffset() is None
        ):
            raise DeliveryError(
                f"HTTP {response.status_code}: not a registration: {response.text[:500]}",
                transient=True,
                status=response.status_code,
            )
        return RegistrationReceipt(number=number, registered_at=registered_at, status=status)
