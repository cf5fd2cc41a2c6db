"""Streaming upload handler with a hard limit, and content-addressed blobs (SPEC R-DOC-3).

docs/api.md: over the limit the answer is 413 ``too_large`` (an answer, never a dropped connection),
and nothing is stored. The probe views below live in this module (``pytest.mark.urls``).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, JsonResponse
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sotkabinet.documents import samples, upload
from sotkabinet.documents.upload import (
    MULTIPART_OVERHEAD,
    LimitedUploadMixin,
    blob_name,
    ensure_not_too_large,
    install_upload_handler,
    limited_upload,
    open_blob,
    set_upload_limit,
    store_blob,
    upload_too_large,
)

MiB = 1024 * 1024
pytestmark = pytest.mark.urls(__name__)


def _temp_files() -> list[str]:
    return sorted(os.listdir(django_settings.FILE_UPLOAD_TEMP_DIR))


@csrf_exempt
def probe(request):
    limit = request.GET.get("limit")
    install_upload_handler(request, int(limit) if limit else None)
    files = request.FILES  # parsing happens here
    temp_files_during_request = _temp_files()
    if upload_too_large(request):
        return JsonResponse(
            {
                "error": {"code": "too_large"},
                "files": list(files),
                "temp_files": temp_files_during_request,
                "limit": request.upload_limit,
            },
            status=413,
        )
    uploaded = files["file"]
    with open(uploaded.temporary_file_path(), "rb") as handle:
        on_disk = handle.read()
    return JsonResponse(
        {
            "sha256": uploaded.sha256,
            "size": uploaded.size,
            "disk_sha256": hashlib.sha256(on_disk).hexdigest(),
            "title": request.POST.get("title"),
            "name": uploaded.name,
            "temp_files": temp_files_during_request,
        }
    )


class DrfProbe(LimitedUploadMixin, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        if "limit" in request.query_params:
            set_upload_limit(request, int(request.query_params["limit"]))
        uploaded = request.data.get("file")
        ensure_not_too_large(request)
        return Response({"sha256": uploaded.sha256, "size": uploaded.size})


@limited_upload(limit=lambda request: 1000)
def web_probe(request):
    if upload_too_large(request):
        return HttpResponse("too large", status=413)
    return HttpResponse(request.FILES["file"].sha256)


@csrf_exempt
def store_probe(request):
    install_upload_handler(request, 100_000)
    stored = store_blob(request.FILES["file"])
    return JsonResponse({"name": stored.name, "sha256": stored.sha256})


urlpatterns = [
    path("store/", store_probe),
    path("probe/", probe),
    path("drf-probe/", DrfProbe.as_view()),
    path("web-probe/", web_probe),
]


@pytest.fixture(autouse=True)
def isolated_dirs(settings, tmp_path):
    temp_dir = tmp_path / "upload-tmp"
    temp_dir.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp_dir)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path


@pytest.fixture
def temp_file_count(monkeypatch):
    """How many temporary upload files the handler opened."""
    created = []
    original = upload.HashedTemporaryUploadedFile

    class Counting(original):
        def __init__(self, *args, **kwargs):
            created.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(upload, "HashedTemporaryUploadedFile", Counting)
    return created


def _post(client, url, data: bytes, **extra):
    return client.post(
        url,
        {"file": SimpleUploadedFile("Талап.pdf", data, "application/pdf"), "title": "Арыз"},
        **extra,
    )


def test_file_at_the_limit_is_received_and_hashed(client):  # SPEC R-DOC-3
    data = os.urandom(1000)
    response = _post(client, "/probe/?limit=1000", data)
    assert response.status_code == 200
    body = response.json()
    assert body["size"] == 1000
    assert body["sha256"] == hashlib.sha256(data).hexdigest() == body["disk_sha256"]
    assert body["title"] == "Арыз"
    assert body["name"] == "Талап.pdf"
    assert len(body["temp_files"]) == 1  # on disk, not in memory
    assert _temp_files() == []  # and gone once the request is over


def test_one_byte_over_the_limit_is_413_and_nothing_is_kept(client, temp_file_count):
    # SPEC R-DOC-3; 413 too_large
    response = _post(client, "/probe/?limit=1000", os.urandom(1001))
    assert response.status_code == 413
    body = response.json()
    assert body["error"]["code"] == "too_large"
    assert body["files"] == []
    assert body["temp_files"] == []  # the partial file was deleted at once
    assert body["limit"] == 1000
    assert len(temp_file_count) == 1  # streaming started, then stopped


def test_content_length_beyond_the_limit_is_refused_before_writing(client, temp_file_count):
    # SPEC R-DOC-3: an announced body beyond limit + multipart overhead is never written
    response = _post(client, "/probe/?limit=1000", bytes(1000 + MULTIPART_OVERHEAD + 1))
    assert response.status_code == 413
    assert response.json()["temp_files"] == []
    assert temp_file_count == []


def test_default_limit_comes_from_settings(client, settings):  # SPEC R-DOC-3
    settings.ATTACHMENT_MAX_BYTES = 500
    assert _post(client, "/probe/", bytes(500)).status_code == 200
    response = _post(client, "/probe/", bytes(501))
    assert response.status_code == 413
    assert response.json()["limit"] == 500


@pytest.mark.slow
def test_real_stream_of_twenty_mebibytes_plus_one_byte(client, settings, temp_file_count):
    """GIVEN the real limit of 20 MiB (20,971,520 bytes)
    WHEN a file of 20 MiB + 1 byte streams in
    THEN the answer is 413 too_large and no temporary file is left."""  # SPEC R-DOC-3
    assert settings.ATTACHMENT_MAX_BYTES == 20 * MiB == 20_971_520
    response = _post(client, "/probe/", bytes(20 * MiB + 1))
    assert response.status_code == 413
    assert response.json()["temp_files"] == []
    assert len(temp_file_count) == 1
    assert _temp_files() == []


def test_drf_view_answers_413_envelope(client):  # 413 too_large
    response = _post(client, "/drf-probe/?limit=1000", os.urandom(1001))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert response.json()["error"]["details"] == {"limit": 1000}


def test_drf_view_receives_a_hashed_file(client):
    data = samples.pdf_bytes()
    response = _post(client, "/drf-probe/", data)
    assert response.status_code == 200
    assert response.json() == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def test_web_view_keeps_csrf_protection():
    client = Client(enforce_csrf_checks=True)
    assert _post(client, "/web-probe/", os.urandom(10)).status_code == 403


def test_web_view_installs_the_handler_before_the_csrf_check():  # SPEC R-DOC-3
    client = Client(enforce_csrf_checks=True)
    secret = "a" * 32
    client.cookies[django_settings.CSRF_COOKIE_NAME] = secret
    headers = {"HTTP_X_CSRFTOKEN": secret}
    assert _post(client, "/web-probe/", os.urandom(1001), **headers).status_code == 413
    data = os.urandom(1000)
    response = _post(client, "/web-probe/", data, **headers)
    assert response.status_code == 200
    assert response.content.decode() == hashlib.sha256(data).hexdigest()


def test_handler_cannot_be_installed_after_parsing(rf):
    request = rf.post("/x/", {"a": "b"})
    request.POST  # noqa: B018 (parse)
    with pytest.raises(AttributeError):
        install_upload_handler(request, 10)


# --- content-addressed blobs -------------------------------------------------------------------


def test_store_blob_saves_under_the_content_address(isolated_dirs):
    data = samples.docx_bytes()
    digest = hashlib.sha256(data).hexdigest()
    source = samples.write_sample(isolated_dirs, "claim.docx", data)
    name = store_blob(source, digest)
    assert name == f"blobs/{digest[:2]}/{digest[2:4]}/{digest}" == blob_name(digest)
    assert (name.sha256, name.size) == (digest, len(data))
    assert (isolated_dirs / "media" / name).read_bytes() == data
    with open_blob(name) as handle:
        assert handle.read() == data


def test_store_blob_skips_existing_content(isolated_dirs, monkeypatch):
    data = samples.pdf_bytes()
    first = store_blob(data)
    monkeypatch.setattr(upload, "_save", lambda *args: pytest.fail("copied again"))
    assert store_blob(data) == first
    assert store_blob(samples.write_sample(isolated_dirs, "again.pdf", data)) == first


def test_store_blob_refuses_a_wrong_hash(isolated_dirs):
    source = samples.write_sample(isolated_dirs, "x.pdf", samples.pdf_bytes())
    with pytest.raises(ValueError, match="does not match"):
        store_blob(source, "0" * 64)
    assert not (isolated_dirs / "media").exists()


def test_store_blob_keeps_one_copy_when_two_requests_race(isolated_dirs, monkeypatch):
    data = samples.xlsx_bytes()
    name = store_blob(data)

    class MissesOnce:
        """The storage as seen by a request that checked just before another one saved."""

        def __init__(self, storage):
            self.storage = storage
            self.missed = False

        def __getattr__(self, attribute):
            return getattr(self.storage, attribute)

        def exists(self, candidate):
            if not self.missed:
                self.missed = True
                return False
            return self.storage.exists(candidate)

    monkeypatch.setattr(upload, "default_storage", MissesOnce(default_storage))
    assert store_blob(data) == name
    blob_dir = (isolated_dirs / "media" / name).parent
    assert [entry.name for entry in blob_dir.iterdir()] == [name.sha256]


def test_store_blob_from_an_upload_uses_its_hash(client, isolated_dirs):
    data = samples.pdf_bytes()
    response = _post(client, "/store/", data)
    assert response.status_code == 200
    stored = response.json()
    assert stored["sha256"] == hashlib.sha256(data).hexdigest()
    assert (isolated_dirs / "media" / stored["name"]).read_bytes() == data


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "blobs/aa/bb/" + "c" * 64, "blobs/" + "a" * 64, "/etc/passwd"],
)
def test_open_blob_refuses_other_names(name):
    with pytest.raises(ValueError):
        open_blob(name)


def test_blob_name_needs_a_sha256():
    with pytest.raises(ValueError):
        blob_name("../../x")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_over_limit_upload_gets_an_answer_over_a_real_socket(live_server, settings):
    """GIVEN a running server WHEN 20 MiB + 1 byte stream in over TCP, in 64 KiB writes
    THEN the client reads a 413 answer (docs/api.md: never a dropped connection)."""  # SPEC R-DOC-3
    boundary = "sotkabinet-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = 20 * MiB + 1
    host, port = live_server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.putrequest("POST", "/probe/")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + size + len(tail)))
    connection.endheaders()
    connection.send(head)
    chunk = bytes(64 * 1024)
    remaining = size
    while remaining:
        piece = chunk[: min(len(chunk), remaining)]
        connection.send(piece)
        remaining -= len(piece)
    connection.send(tail)
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    assert response.status == 413
    assert body["error"]["code"] == "too_large"
    assert body["temp_files"] == []
