"""A stand-in for NCALayer in the e2e tests (SPEC R-ECP-5): a WebSocket server with TLS on
wss://127.0.0.1:13579, speaking the part of the protocol ncalayer-js-client 1.5.6 uses.

- On connect it sends the version (`{"result": {"version": ...}}`), as NCALayer does.
- `kz.digiflow.mobile.extensions` (the client's KAZTOKEN probe) gets an error: not KAZTOKEN.
- `kz.gov.pki.knca.commonUtils.getActiveTokens` answers no hardware tokens.
- `kz.gov.pki.knca.basics.sign` signs the base64 data with the test PKI (`signer(data,
  detached)` returns base64 CMS) or, in mode "cancel", answers as NCALayer does when the user
  closes its window: `{"status": true, "body": {}}`.

The certificate is self-signed, made here with `cryptography`; Chromium runs with
--ignore-certificate-errors. The server runs in its own thread and event loop.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.asyncio.server import serve

HOST = "127.0.0.1"
PORT = 13579


def self_signed_tls(directory: Path) -> ssl.SSLContext:
    """A server TLS context for 127.0.0.1 with a fresh self-signed certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / "ncalayer-cert.pem"
    key_path = directory / "ncalayer-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


class FakeNCALayer:
    """`with FakeNCALayer(signer, tmp_path) as layer: layer.mode = "cancel"` …"""

    def __init__(self, signer: Callable[[bytes, bool], str], directory: Path) -> None:
        self.signer = signer
        self.tls = self_signed_tls(directory)
        self.mode = "sign"
        #: When set by the test, a sign request waits for `release` (to observe "signing").
        self.hold = False
        self.release = threading.Event()
        self.requests: list[dict] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-ncalayer", daemon=True)
        self._error: BaseException | None = None

    def __enter__(self) -> FakeNCALayer:
        self._thread.start()
        if not self._ready.wait(10) or self._error is not None:
            raise RuntimeError(f"the fake NCALayer did not start: {self._error!r}")
        return self

    def __exit__(self, *exc_info) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:  # reported to the test thread by __enter__
            self._error = error
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with serve(self._handle, HOST, PORT, ssl=self.tls):
            self._ready.set()
            await self._stop.wait()

    async def _handle(self, websocket) -> None:
        await websocket.send(json.dumps({"result": {"version": "1.4.0-test"}}))
        async for raw in websocket:
            request = json.loads(raw)
            self.requests.append(request)
            await websocket.send(json.dumps(await self._answer(request)))

    async def _answer(self, request: dict) -> dict:
        module, method = request.get("module"), request.get("method")
        if module == "kz.gov.pki.knca.basics" and method == "sign":
            if self.hold:
                await asyncio.to_thread(self.release.wait, 15)
            if self.mode == "cancel":
                return {"status": True, "body": {}}
            args = request["args"]
            data = base64.b64decode(args["data"])
            detached = not args.get("signingParams", {}).get("encapsulate", False)
            cms = await asyncio.to_thread(self.signer, data, detached)
            return {"status": True, "body": {"result": [cms]}}
        if method == "getActiveTokens":
            return {"code": "200", "responseObject": []}
        return {"code": "500", "message": f"{module}.{method} is not supported"}
