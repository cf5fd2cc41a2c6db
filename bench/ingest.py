"""Full filing ingest throughput against a bare streaming-upload floor, and upload memory.

Run: .venv/bin/python bench/ingest.py [--filings N] [--modes eager,worker] [--skip-rss]

One filing = create the draft (JSON), upload 3 distinct 1 MB PDFs (multipart, one request
each), wait until every file is validated, fetch the signing payload, sign it (the DEMO key,
RSA-2048, detached CMS), submit, and wait until the filing is `received` (full ЭЦҚ verification
of chain, validity and CRL, and the file checks). The client is Django's in-process test client
(WSGI, no sockets) so both figures share the same HTTP overhead.

Configurations, each in a fresh process with its own DATA_DIR and a fresh database:
* embedded default (SQLite file, filesystem broker), tasks run
  - `eager`: inline in the web process after each commit (one process does everything), and
  - `worker`: by a real Celery worker process (prefork, 2 children) on the filesystem broker;
* PostgreSQL + Redis, when DATABASE_URL and REDIS_URL are set: a fresh database is created on
  that server for the run (and dropped after), Redis is the broker and the cache; same modes.

Floor: a bare Django view (no database, no middleware, no auth) that streams the same 3 uploads
per filing to disk in chunks: filings per second of that alone, and the ratio.

BENCH_SETTINGS=<module> runs everything with another settings module (on PYTHONPATH), to try a
configuration change (say, the filesystem broker's polling_interval or SQLite's WAL journal)
without editing the project's settings.

Memory: the peak RSS of a web process (wsgiref, one request at a time) that receives one 20 MB
upload through the real attachment endpoint, next to its RSS just before the upload, and a
1 MB upload for comparison. Uploads stream to a temporary file, so the peak should not grow
with the file.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
FILES_PER_FILING = 3
FILE_SIZE = 1 * MB
POLL_SECONDS = 0.02
TIMEOUT_SECONDS = 900
SETTINGS = os.environ.get("BENCH_SETTINGS", "sotkabinet.settings.base")


# --- helpers shared by the child processes --------------------------------------------------


def _pdf(label: str, size: int) -> bytes:
    from sotkabinet.documents.samples import pdf_bytes

    return pdf_bytes(text=label, size_at_least=size)


def _django(data_dir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["DATA_DIR"] = data_dir
    os.environ["DEMO"] = "1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _prepare_database_and_people(users: int):
    """Migrate the fresh database; a court, a judge, applicants with tokens."""
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from sotkabinet.accounts.access import grant_role
    from sotkabinet.accounts.identity import control_digit
    from sotkabinet.accounts.models import User
    from sotkabinet.courts.models import Court, District
    from sotkabinet.signatures.demo import ensure_demo_pki

    call_command("migrate", verbosity=0, interactive=False)
    district = District.objects.create(code="BENCH", name="Bench district", region="Bench")
    court = Court.objects.create(
        code="BENCH-1", name="Bench court", instance="first", region="Bench", district=district
    )

    def login(serial: int) -> str:
        while True:
            body = f"8801013{serial:04d}"
            digit = control_digit(body)
            if digit is not None:
                return body + str(digit)
            serial += 1000

    people = []
    for index in range(users):
        user = User.objects.create_user(
            login(index), secrets.token_urlsafe(16), full_name=f"Bench Applicant {index}"
        )
        grant_role(user, "applicant")
        token, _created = Token.objects.get_or_create(user=user)
        people.append((user, token.key))
    ensure_demo_pki()  # the demo CA is built once, outside the timing
    return court, people


def _filing_body(court, index: int) -> dict:
    return {
        "court": court.pk,
        "proceeding": "civil",
        "instance": "first",
        "kind": "claim",
        "title": f"Bench claim {index}",
        "parties": [
            {"role": "plaintiff", "name": "Bench Plaintiff"},
            {"role": "defendant", "name": "Bench Defendant"},
        ],
        "annex": [f"Document {n}" for n in range(FILES_PER_FILING)],
    }


# --- child: full ingest ---------------------------------------------------------------------


def child_ingest(args: argparse.Namespace) -> None:
    _django(args.data_dir)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from filings.models import Attachment, Filing
    from sotkabinet import celery_app
    from sotkabinet.signatures.services import demo_sign

    court, people = _prepare_database_and_people(users=4)
    worker = None
    if args.mode == "eager":
        celery_app.conf.task_always_eager = True
        celery_app.conf.task_eager_propagates = True
    else:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sotkabinet",
                "worker",
                "--pool=prefork",
                "--concurrency=2",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    total = args.filings + 1  # the first one warms up every code path, untimed
    files = [
        [_pdf(f"bench filing {i} document {n}", FILE_SIZE) for n in range(FILES_PER_FILING)]
        for i in range(total)
    ]

    def client_for(index: int) -> Client:
        client = Client()
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {people[index % len(people)][1]}"
        return client

    def create_and_upload(index: int) -> int:
        client = client_for(index)
        response = client.post(
            "/api/v1/filings/", _filing_body(court, index), content_type="application/json"
        )
        assert response.status_code == 201, response.content
        filing_id = response.json()["id"]
        for n, data in enumerate(files[index]):
            uploaded = client.post(
                f"/api/v1/filings/{filing_id}/attachments/",
                {"file": SimpleUploadedFile(f"doc{n}.pdf", data), "title": f"Document {n}"},
            )
            assert uploaded.status_code == 201, uploaded.content
        return filing_id

    def submit(index: int, filing_id: int) -> None:
        client = client_for(index)
        payload = client.get(f"/api/v1/filings/{filing_id}/signing-payload/").content
        user = people[index % len(people)][0]
        response = client.post(
            f"/api/v1/filings/{filing_id}/submit/",
            {"cms": demo_sign(user, payload)},
            content_type="application/json",
        )
        assert response.status_code == 202, response.content

    def wait(condition, what: str) -> None:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            time.sleep(POLL_SECONDS)

    def files_ready(filing_ids: list[int]) -> bool:
        return not Attachment.objects.filter(filing_id__in=filing_ids, status="pending").exists()

    def all_received(filing_ids: list[int]) -> bool:
        return Filing.objects.filter(pk__in=filing_ids, status="received").count() == len(
            filing_ids
        )

    def ingest(indexes: list[int]) -> list[int]:
        """Many applicants at once: upload all, submit each as its files are checked."""
        ids = [create_and_upload(index) for index in indexes]
        pending = dict(zip(indexes, ids, strict=True))
        while pending:
            ready = set(
                Filing.objects.filter(pk__in=pending.values())
                .exclude(attachments__status="pending")
                .values_list("pk", flat=True)
            )
            for index, filing_id in list(pending.items()):
                if filing_id in ready:
                    submit(index, filing_id)
                    del pending[index]
            if pending:
                time.sleep(POLL_SECONDS)
        wait(lambda: all_received(ids), "received")
        return ids

    try:
        ingest([0])  # warm-up
        started = time.perf_counter()
        ids = ingest(list(range(1, total)))
        elapsed = time.perf_counter() - started
        statuses = set(Filing.objects.filter(pk__in=ids).values_list("status", flat=True))
        assert statuses == {"received"}, statuses
        assert files_ready(ids)
    finally:
        if worker is not None:
            worker.terminate()  # warm shutdown: finishes the task in hand
            try:
                worker.wait(120)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(30)
    print(json.dumps({"filings": len(ids), "seconds": elapsed, "rate": len(ids) / elapsed}))


# --- child: the floor -----------------------------------------------------------------------


def child_floor(args: argparse.Namespace) -> None:
    """A bare Django view that streams the uploads to disk: no DB, no auth, no middleware."""
    from django.conf import settings

    out = Path(args.data_dir) / "floor"
    temp = Path(args.data_dir) / "tmp"
    out.mkdir(parents=True, exist_ok=True)
    temp.mkdir(parents=True, exist_ok=True)
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-floor",  # noqa: S106
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver"],
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        FILE_UPLOAD_MAX_MEMORY_SIZE=0,
        FILE_UPLOAD_TEMP_DIR=str(temp),
    )
    import django
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.http import HttpResponse
    from django.test import Client
    from django.urls import path

    def floor_view(request):
        for uploaded in request.FILES.getlist("file"):
            with open(out / uuid.uuid4().hex, "wb") as destination:
                for chunk in uploaded.chunks():
                    destination.write(chunk)
        return HttpResponse(status=201)

    global urlpatterns
    urlpatterns = [path("upload/", floor_view)]
    django.setup()
    total = args.filings + 1
    files = [
        [_pdf(f"bench filing {i} document {n}", FILE_SIZE) for n in range(FILES_PER_FILING)]
        for i in range(total)
    ]
    client = Client()

    def one(index: int) -> None:
        for n, data in enumerate(files[index]):
            response = client.post(
                "/upload/",
                {"file": SimpleUploadedFile(f"doc{n}.pdf", data), "title": f"Document {n}"},
            )
            assert response.status_code == 201

    one(0)
    started = time.perf_counter()
    for index in range(1, total):
        one(index)
    elapsed = time.perf_counter() - started
    print(json.dumps({"filings": args.filings, "seconds": elapsed, "rate": args.filings / elapsed}))


# --- child: a web process receiving one big upload -------------------------------------------


def child_serve_one(args: argparse.Namespace) -> None:
    """Serve the portal with wsgiref, handle exactly one request, report the RSS figures."""
    import resource

    import psutil

    _django(args.data_dir)
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.wsgi import get_wsgi_application

    from filings.models import Attachment, Filing

    court, people = _prepare_database_and_people(users=1)
    user, token = people[0]
    filing = Filing.objects.create(
        court=court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="Bench",
        author=user,
        annex=["Big"],
        parties=[{"role": "plaintiff", "name": "X"}],
    )

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            return None

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
    # Warm up the whole request path (imports, URL resolver, auth) with a small GET.
    from django.test import Client

    Client().get(f"/api/v1/filings/{filing.pk}/", HTTP_AUTHORIZATION=f"Token {token}")
    before = psutil.Process().memory_info().rss
    print(json.dumps({"port": server.server_port, "token": token, "filing": filing.pk}), flush=True)
    process = psutil.Process()
    during = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            during.append(process.memory_info().rss)
            done.wait(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    server.handle_request()
    done.set()
    sampler.join()
    attachment = Attachment.objects.filter(filing=filing).first()
    lifetime_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print(
        json.dumps(
            {
                "rss_before": before,
                "rss_peak": max(during),
                "rss_lifetime_peak": lifetime_peak,
                "stored": attachment is not None,
                "size": attachment.size if attachment else None,
            }
        ),
        flush=True,
    )


def _multipart_file(size: int, directory: str) -> tuple[str, str, int]:
    """A multipart body (on disk) with one PDF of `size` bytes: (path, boundary, length)."""
    boundary = uuid.uuid4().hex
    path = os.path.join(directory, f"body-{size}.bin")
    data = _pdf("bench big upload", size)[:size] if size <= 2 * MB else None
    with open(path, "wb") as body:
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBig\r\n'.encode()
        )
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        )
        if data is None:
            # A valid PDF head, then padding: memory, not validation, is measured here.
            head = _pdf("bench big upload", 0)
            body.write(head)
            remaining = size - len(head)
            chunk = b"%" + b"0" * (MB - 2) + b"\n"
            while remaining > 0:
                body.write(chunk[:remaining])
                remaining -= min(remaining, len(chunk))
        else:
            body.write(data)
        body.write(f"\r\n--{boundary}--\r\n".encode())
    return path, boundary, os.path.getsize(path)


def measure_upload_rss(size: int, env: dict) -> dict:
    import http.client

    with tempfile.TemporaryDirectory(prefix="sotkabinet-bench-rss-") as data_dir:
        child = subprocess.Popen(
            [sys.executable, __file__, "_serve_one", "--data-dir", data_dir],
            cwd=ROOT,
            env={**env, "DATA_DIR": data_dir, "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex}"},
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = json.loads(child.stdout.readline())
        path, boundary, length = _multipart_file(size, data_dir)
        connection = http.client.HTTPConnection("127.0.0.1", ready["port"], timeout=300)
        with open(path, "rb") as body:
            connection.request(
                "POST",
                f"/api/v1/filings/{ready['filing']}/attachments/",
                body=body,
                headers={
                    "Authorization": f"Token {ready['token']}",
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(length),
                },
            )
        response = connection.getresponse()
        status = response.status
        response.read()
        report = json.loads(child.stdout.readline())
        child.wait(60)
    return {"size": size, "status": status, **report}


# --- the parent -----------------------------------------------------------------------------


def run_child(kind: str, env: dict, *extra: str) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"sotkabinet-bench-{kind}-") as data_dir:
        result = subprocess.run(
            [sys.executable, __file__, kind, "--data-dir", data_dir, *extra],
            cwd=ROOT,
            # A cache namespace of its own: a shared Redis must not carry keys between runs.
            env={**env, "DATA_DIR": data_dir, "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex}"},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS * 2,
            check=False,
        )
    if result.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _postgres_admin(url: str) -> str:
    """The server's maintenance database, to create and drop the bench database."""
    return urlparse(url)._replace(path="/postgres").geturl()


def _postgres_recreate(url: str, name: str) -> str:
    """An empty database `name` on the server of `url`; returns its URL."""
    import psycopg

    with psycopg.connect(_postgres_admin(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlparse(url)._replace(path=f"/{name}").geturl()


def _postgres_drop(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_postgres_admin(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filings", type=int, default=20, help="timed filings per run")
    parser.add_argument("--modes", default="eager,worker", help="eager and/or worker")
    parser.add_argument("--skip-rss", action="store_true")
    args = parser.parse_args()
    modes = [mode for mode in args.modes.split(",") if mode]
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    base_env.update({"DJANGO_SETTINGS_MODULE": SETTINGS, "DEMO": "1", "LOG_LEVEL": "WARNING"})

    print(f"Ingest: {args.filings} filings of {FILES_PER_FILING} x 1 MB PDF + ЭЦҚ, to received")
    floor = run_child("_floor", base_env, "--filings", str(args.filings))
    print(f"  floor (bare streaming view, same uploads): {floor['rate']:.2f} filings/s")

    configurations: list[tuple[str, dict, str | None]] = [
        ("SQLite + filesystem broker", base_env, None)
    ]
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    bench_database = f"sotkabinet_bench_{os.getpid()}"
    if database_url.startswith("postgres") and redis_url:
        configurations.append(("PostgreSQL + Redis", {**base_env, "REDIS_URL": redis_url}, "pg"))
    else:
        print("  (PostgreSQL + Redis skipped: set DATABASE_URL=postgres://… and REDIS_URL)")

    try:
        for label, env, server in configurations:
            for mode in modes:
                if server is not None:  # every run starts from an empty database
                    env = {**env, "DATABASE_URL": _postgres_recreate(database_url, bench_database)}
                result = run_child("_ingest", env, "--filings", str(args.filings), "--mode", mode)
                workers = "inline (eager)" if mode == "eager" else "real worker, 2 processes"
                print(
                    f"  {label}, tasks {workers}: {result['rate']:.2f} filings/s "
                    f"({result['seconds']:.1f} s); floor / ingest = "
                    f"{floor['rate'] / result['rate']:.1f}x"
                )
    finally:
        if len(configurations) > 1:
            _postgres_drop(database_url, bench_database)

    if not args.skip_rss:
        for size in (1 * MB, 20_000_000):
            report = measure_upload_rss(size, base_env)
            print(
                f"  one {size:,}-byte upload (HTTP {report['status']}, stored "
                f"{report['size']:,} B): web process RSS {report['rss_before'] / MB:.1f} MiB "
                f"before, peak {report['rss_peak'] / MB:.1f} MiB while receiving it"
            )


def _child_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--filings", type=int, default=20)
    parser.add_argument("--mode", default="eager")
    return parser.parse_args()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        child_args = _child_args()
        {"_ingest": child_ingest, "_floor": child_floor, "_serve_one": child_serve_one}[
            child_args.kind
        ](child_args)
    else:
        main()
