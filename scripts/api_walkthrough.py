"""Carry one case from filing to an enforcement registration over the REST API only.

Run it against `make run` (README "make run"):

    PORT=8123 make run
    .venv/bin/python scripts/api_walkthrough.py --base-url http://127.0.0.1:8123

It is a REST client like any other: it speaks HTTP to --base-url and nothing else, and signs
with the demo ЭЦҚ keys that `seed_demo` writes under DATA_DIR/demo-pki/ (--demo-pki), the way a
client signs with its own key file. The steps, each printed:

 1. a new citizen registers with the proof of her key (a key the demo CA issues for a fresh
    ИИН, as NCA would; --applicant LOGIN files as a seeded demo applicant instead), then signs in
    with the ЭЦҚ (challenge, attached CMS over the nonce);
 2. a draft claim, a PDF attachment checked `valid`;
 3. the state duty paid through the sandbox gateway (DEMO), the duty `paid`;
 4. the signing payload signed and submitted, then polled until the worker says `received`;
 5. the clerk registers it: a case and a judge;
 6. the judge uploads a decision, signs it and signs its legal-force mark;
 7. the judge creates a writ and signs it, the secretary signs it (`dispatched`);
 8. polled until the enforcement system (АИС ОИП, ENFORCEMENT_API_URL) registers it with an
    enforcement number.

Exit code 0 when the writ is registered, 1 on any failure (with the step and the answer).
Pure standard library plus the project's own ЭЦҚ code (sotkabinet.ecp, no Django) and its sample
PDF generator. `run_walkthrough()` is also what the test suite runs against a live server.
"""

from __future__ import annotations

import argparse
import base64
import http.cookiejar
import json
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The demo accounts seed_demo creates (README "Demo accounts").
DEMO_PASSWORD = "Demo-Sot-2026!"  # noqa: S105 (the published demo password)
DEMO_APPLICANT = "850101300015"
DEMO_CLERK = "850101300035"
DEMO_SECRETARY = "850101300104"
DEMO_COURT = "ALM-SMAS"
# A district of the demo chamber's region (Almaty region) with a demo bailiff.
DEMO_DEBTOR_DISTRICT = "ALM-BOST"
# A valid ИИН that belongs to no demo account (the debtor).
DEBTOR_IIN = "850505400018"


class WalkthroughError(RuntimeError):
    """A step failed: the message names the step and what the server answered."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError as exc:
            raise WalkthroughError(f"not JSON ({self.status}): {self.body[:300]!r}") from exc


@dataclass
class Api:
    """A tiny HTTP client: JSON, multipart, a token, cookies (for the sandbox gateway page)."""

    base_url: str
    token: str | None = None
    timeout: float = 60.0
    max_throttle_wait: float = 90.0
    cookies: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def as_user(self, token: str) -> Api:
        return Api(self.base_url, token, self.timeout, self.max_throttle_wait)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: object = None,
        form: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        url = self.url(path)
        if not url.startswith(self.base_url + "/"):
            raise WalkthroughError(f"{url} is not on {self.base_url}: refusing to leave the server")
        sent = {"Accept": "application/json", **(headers or {})}
        data = None
        if files is not None:
            data, content_type = _multipart(form or {}, files)
            sent["Content-Type"] = content_type
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            sent["Content-Type"] = "application/json"
        if self.token:
            sent["Authorization"] = f"Token {self.token}"
        waited = 0.0
        while True:
            request = urllib.request.Request(url, data=data, headers=sent, method=method)  # noqa: S310
            try:
                with self.opener.open(request, timeout=self.timeout) as answer:
                    response = Response(answer.status, dict(answer.headers), answer.read())
            except urllib.error.HTTPError as error:
                response = Response(error.code, dict(error.headers), error.read())
            if response.status != 429:
                return response
            # Throttled: wait as told (bounded), then repeat.
            pause = float(response.headers.get("Retry-After") or 5)
            if waited + pause > self.max_throttle_wait:
                return response
            print(f"      throttled on {path}; waiting {pause:g} s as Retry-After says")  # noqa: T201
            time.sleep(pause)
            waited += pause

    def call(self, method: str, path: str, expect: int | tuple[int, ...] = 200, **kwargs) -> dict:
        response = self.request(method, path, **kwargs)
        expected = (expect,) if isinstance(expect, int) else expect
        if response.status not in expected:
            raise WalkthroughError(
                f"{method} {path} answered {response.status}, expected {expected}: "
                f"{response.body[:1000].decode('utf-8', 'replace')}"
            )
        return response.json() if response.body else {}

    def raw(self, path: str, *, accept: str = "*/*", deadline: float = 60.0) -> bytes:
        """The bytes at `path`; a 202 with Retry-After (still being rendered) is polled."""
        limit = time.monotonic() + deadline
        response = self.request("GET", path, headers={"Accept": accept})
        while response.status == 202 and time.monotonic() < limit:
            time.sleep(min(float(response.headers.get("Retry-After") or 1), 5.0))
            response = self.request("GET", path, headers={"Accept": accept})
        if response.status != 200:
            raise WalkthroughError(
                f"GET {path} answered {response.status}: {response.body[:500]!r}"
            )
        return response.body


def _multipart(form: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = f"----walkthrough{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in form.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class DemoKeys:
    """The demo ЭЦҚ keys seed_demo wrote: DEMO_PKI_DIR/people/<login>-<kind>/ (PEM + meta)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.issued: dict = {}
        if not (self.directory / "ca" / "meta.json").exists():
            raise WalkthroughError(
                f"no demo CA under {self.directory}: pass --demo-pki DATA_DIR/demo-pki of the "
                "server (`make run` seeds it; DEMO=1)"
            )

    def issue(self, iin: str, full_name: str) -> None:
        """A new key for `iin` from the demo CA (kept in memory): a citizen's own ЭЦҚ."""
        from sotkabinet.ecp.pki import CertificateAuthority, issue_person

        ca = CertificateAuthority.load_from(self.directory / "ca")
        self.issued[iin] = issue_person(ca, iin=iin, full_name=full_name)

    def sign(self, login: str, payload: bytes, *, detached: bool = True) -> str:
        from sotkabinet.ecp.pki import CertificateAuthority, Person

        if login in self.issued:
            signed = self.issued[login].sign(payload, detached=detached)
            return base64.b64encode(signed).decode("ascii")
        found = sorted((self.directory / "people").glob(f"{login}-*"))
        if not found:
            raise WalkthroughError(f"no demo key for {login} under {self.directory / 'people'}")
        ca = CertificateAuthority.load_from(self.directory / "ca")
        person = Person.load_from(found[0], ca=ca)
        return base64.b64encode(person.sign(payload, detached=detached)).decode("ascii")


def sample_pdf(text: str) -> bytes:
    from sotkabinet.documents.samples.pdf import pdf_bytes

    return pdf_bytes(text=text)


def wait_for(
    what: str, probe: Callable[[], dict], done: Callable[[dict], bool], deadline: float
) -> dict:
    """Poll `probe` until `done` (every second, up to `deadline` seconds)."""
    limit = time.monotonic() + deadline
    while True:
        state = probe()
        if done(state):
            return state
        if time.monotonic() > limit:
            raise WalkthroughError(f"{what}: still not done after {deadline:g} s: {state}")
        time.sleep(1.0)


@dataclass
class Settings:
    base_url: str
    demo_pki: str
    password: str = DEMO_PASSWORD
    applicant: str | None = None  # None: register a new citizen
    clerk: str = DEMO_CLERK
    secretary: str = DEMO_SECRETARY
    court: str = DEMO_COURT
    debtor_district: str = DEMO_DEBTOR_DISTRICT
    wait_seconds: float = 180.0


def run_walkthrough(config: Settings, say: Callable[[str], None] = print) -> dict:
    """The whole story; returns the registered writ. Raises WalkthroughError on any break."""
    keys = DemoKeys(config.demo_pki)
    anonymous = Api(config.base_url)
    step = iter(range(1, 100))

    def log(text: str) -> None:
        say(f"[{next(step):>2}] {text}")

    courts = anonymous.call("GET", "/api/v1/courts/?page_size=100")["results"]
    court = next((c for c in courts if c["code"] == config.court), None)
    if court is None:
        raise WalkthroughError(f"court {config.court} not in /api/v1/courts/")
    log(f"court {court['code']} (id {court['id']}): {court['name']}")

    def proof(login: str) -> dict:
        """A challenge's nonce and an attached CMS over its UTF-8 bytes by `login`'s key."""
        nonce = anonymous.call("POST", "/api/v1/auth/ecp/challenge/", json_body={})["nonce"]
        return {"nonce": nonce, "cms": keys.sign(login, nonce.encode("utf-8"), detached=False)}

    applicant_login = config.applicant
    if applicant_login is None:
        from sotkabinet.ecp.pki import make_iin

        applicant_login = make_iin(secrets.randbelow(10**9))
        keys.issue(applicant_login, "ЖАҢА ТАЛАПКЕР ДЕМО")
        account = anonymous.call(
            "POST",
            "/api/v1/accounts/register/",
            201,
            json_body={
                "login": applicant_login,
                "password": f"Walk-{secrets.token_urlsafe(12)}-26",
                "full_name": "Жаңа Талапкер Демо",
                "email": f"walk-{applicant_login}@example.kz",
                "kind": "individual",
                **proof(applicant_login),
            },
        )
        log(f"new citizen registered with the proof of her ЭЦҚ: {account['login']}")

    # The applicant signs in with the ЭЦҚ: an attached CMS over the challenge's nonce.
    signed_in = anonymous.call("POST", "/api/v1/auth/ecp/", json_body=proof(applicant_login))
    applicant = anonymous.as_user(signed_in["token"])
    me = applicant.call("GET", "/api/v1/me/")
    log(f"applicant signed in with the ЭЦҚ: {me['login']} {me['full_name']}")

    claim_amount = "150000.00"
    filing = applicant.call(
        "POST",
        "/api/v1/filings/",
        201,
        json_body={
            "court": court["id"],
            "proceeding": "civil",
            "instance": "first",
            "kind": "claim",
            "title": "Қарызды өндіру туралы талап қою арызы",
            "parties": [
                {"role": "plaintiff", "name": me["full_name"], "iin_bin": me["login"]},
                {"role": "defendant", "name": "Борышкер Бақыт", "iin_bin": DEBTOR_IIN},
            ],
            "annex": ["Талап қою арызы"],
            "claim_amount": claim_amount,
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    fid = filing["id"]
    log(f"draft filing {fid} ({filing['status']}), duty {filing['duty']}")

    attachment = applicant.call(
        "POST",
        f"/api/v1/filings/{fid}/attachments/",
        201,
        form={"title": "Талап қою арызы"},
        files={"file": ("talap.pdf", sample_pdf("Талап қою арызы"), "application/pdf")},
    )
    attachment = wait_for(
        "attachment check",
        lambda: applicant.call("GET", f"/api/v1/filings/{fid}/attachments/{attachment['id']}/"),
        lambda a: a["status"] != "pending",
        config.wait_seconds,
    )
    if attachment["status"] != "valid":
        raise WalkthroughError(f"attachment refused: {attachment['errors']}")
    log(f"attachment {attachment['id']} {attachment['detected_format']} {attachment['status']}")

    # The state duty through the sandbox gateway (DEMO): the payer's page, then Pay.
    if filing["duty"]["status"] == "missing":
        payment = applicant.call(
            "POST",
            f"/api/v1/filings/{fid}/payments/",
            201,
            json_body={},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        log(f"payment {payment['id']} of {payment['amount']} ₸ at {payment['redirect_url']}")
        gateway = Api(config.base_url)
        page = gateway.request("GET", payment["redirect_url"], headers={"Accept": "text/html"})
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or match is None:
            raise WalkthroughError(f"sandbox gateway page answered {page.status}")
        paid = gateway.request(
            "POST",
            payment["redirect_url"],
            form={"csrfmiddlewaretoken": match.group(1).decode(), "action": "pay"},
            headers={"Accept": "text/html", "Referer": payment["redirect_url"]},
        )
        if paid.status not in (200, 302):
            raise WalkthroughError(f"sandbox gateway Pay answered {paid.status}")
    duty = applicant.call("GET", f"/api/v1/filings/{fid}/")["duty"]
    if duty["status"] not in ("paid", "not_required"):
        raise WalkthroughError(f"duty not paid: {duty}")
    log(f"duty {duty['status']}: {duty['paid']} of {duty['amount']} ₸")

    payload = applicant.raw(f"/api/v1/filings/{fid}/signing-payload/")
    submitted = applicant.call(
        "POST",
        f"/api/v1/filings/{fid}/submit/",
        202,
        json_body={"cms": keys.sign(applicant_login, payload)},
    )
    log(f"submitted: talon number {submitted['number']}, status {submitted['status']}")
    filing = wait_for(
        "the worker's check of the filing",
        lambda: applicant.call("GET", f"/api/v1/filings/{fid}/"),
        lambda f: f["status"] != "submitted",
        config.wait_seconds,
    )
    if filing["status"] != "received":
        raise WalkthroughError(
            f"filing {filing['status']}: {filing['not_received_reason']} {filing['signature']}"
        )
    log(
        f"received: signature valid={filing['signature']['valid']}, "
        f"registration deadline {filing['registration_deadline']}"
    )
    talon = applicant.raw(f"/api/v1/filings/{fid}/talon.pdf", accept="application/pdf")
    if not talon.startswith(b"%PDF"):
        raise WalkthroughError("the talon is not a PDF")
    log(f"talon {filing['number']} with Accept: application/pdf: {len(talon)} bytes")

    def token_for(login: str) -> Api:
        answer = anonymous.call(
            "POST", "/api/v1/auth/token/", json_body={"login": login, "password": config.password}
        )
        return anonymous.as_user(answer["token"])

    clerk = token_for(config.clerk)
    queue = clerk.call("GET", "/api/v1/registry/queue/?page_size=200")["results"]
    if fid not in [item["id"] for item in queue]:
        raise WalkthroughError(f"filing {fid} not in the clerk's queue")
    case = clerk.call("POST", f"/api/v1/registry/filings/{fid}/register/", json_body={})["case"]
    log(f"clerk registered it: case {case['number']}, judge {case['judge']['login']}")

    judge_login = case["judge"]["login"]
    judge = token_for(judge_login)
    act = judge.call(
        "POST",
        f"/api/v1/cases/{case['id']}/acts/",
        201,
        form={"kind": "decision", "title": "Шешім"},
        files={
            "file": (
                "sheshim.pdf",
                sample_pdf("Шешім: талап қанағаттандырылсын"),
                "application/pdf",
            )
        },
    )
    act_payload = judge.raw(f"/api/v1/acts/{act['id']}/signing-payload/")
    act = judge.call(
        "POST",
        f"/api/v1/acts/{act['id']}/sign/",
        json_body={"cms": keys.sign(judge_login, act_payload)},
    )
    log(f"judge signed decision {act['id']} ({act['status']}), verify code {act['verify_code']}")

    force_date = act["date"]
    mark = judge.raw(f"/api/v1/acts/{act['id']}/legal-force-payload/?date={force_date}")
    act = judge.call(
        "POST",
        f"/api/v1/acts/{act['id']}/legal-force/",
        json_body={"date": force_date, "cms": keys.sign(judge_login, mark)},
    )
    log(f"legal force from {act['legal_force_date']}, QR {act['qr_url']}")
    if not act["qr_url"].startswith(config.base_url.rstrip("/") + "/"):
        raise WalkthroughError(f"the QR code points away from the server: {act['qr_url']}")
    proof = anonymous.call("GET", f"/verify/{act['verify_code']}/")
    if not proof["valid"] or proof["document_sha256"] != act["sha256"]:
        raise WalkthroughError(f"/verify/ does not prove the act: {proof}")
    log(f"/verify/{act['verify_code']}/ (JSON): valid, legal force {proof['legal_force_date']}")
    pdf = judge.raw(f"/api/v1/acts/{act['id']}/pdf/", accept="application/pdf")
    if not pdf.startswith(b"%PDF"):
        raise WalkthroughError("the act's printable copy is not a PDF")
    log(f"printable copy with Accept: application/pdf: {len(pdf)} bytes")

    writ = judge.call(
        "POST",
        f"/api/v1/acts/{act['id']}/writs/",
        201,
        json_body={
            "claimant": {"name": me["full_name"], "iin_bin": me["login"]},
            "debtor": {
                "name": "Борышкер Бақыт",
                "iin_bin": DEBTOR_IIN,
                "district": config.debtor_district,
            },
            "category": "individual_sum",
            "amount": claim_amount,
            "immediate": False,
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    secretary = token_for(config.secretary)
    for api, login in ((judge, judge_login), (secretary, config.secretary)):
        writ_payload = api.raw(f"/api/v1/writs/{writ['id']}/signing-payload/")
        writ = api.call(
            "POST",
            f"/api/v1/writs/{writ['id']}/sign/",
            json_body={"cms": keys.sign(login, writ_payload)},
        )
        log(f"writ {writ['id']} signed by {login}: {writ['status']}")
    if writ["status"] not in ("dispatched", "registered", "distributed"):
        raise WalkthroughError(f"the writ was not dispatched: {writ['status']}")

    writ = wait_for(
        "the enforcement system's registration",
        lambda: judge.call("GET", f"/api/v1/writs/{writ['id']}/"),
        lambda w: bool(w["enforcement_number"]),
        config.wait_seconds,
    )
    bailiff = writ["bailiff"]["login"] if writ.get("bailiff") else "not yet"
    log(
        f"registered by the enforcement system: {writ['enforcement_number']} at "
        f"{writ['registered_at']} (status {writ['status']}, bailiff {bailiff})"
    )
    return writ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--demo-pki",
        default=str(ROOT / "var" / "demo-pki"),
        help="the server's DATA_DIR/demo-pki (default ./var/demo-pki, as under `make run`)",
    )
    parser.add_argument("--password", default=DEMO_PASSWORD, help="the demo accounts' password")
    parser.add_argument(
        "--applicant",
        default=None,
        help=f"file as this seeded applicant (e.g. {DEMO_APPLICANT}) instead of registering one",
    )
    parser.add_argument("--clerk", default=DEMO_CLERK)
    parser.add_argument("--secretary", default=DEMO_SECRETARY)
    parser.add_argument("--court", default=DEMO_COURT)
    parser.add_argument("--debtor-district", default=DEMO_DEBTOR_DISTRICT)
    parser.add_argument("--wait", type=float, default=180.0, help="seconds to wait for the worker")
    args = parser.parse_args(argv)
    config = Settings(
        base_url=args.base_url,
        demo_pki=args.demo_pki,
        password=args.password,
        applicant=args.applicant,
        clerk=args.clerk,
        secretary=args.secretary,
        court=args.court,
        debtor_district=args.debtor_district,
        wait_seconds=args.wait,
    )
    try:
        run_walkthrough(config)
    except (WalkthroughError, OSError) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    print("OK: filing → received → registered → act in force → writ registered")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
