"""Bad input is refused with a clear message, and nothing breaks (SPEC R-DOC-1, R-DOC-3):
a 21 MB file is stopped in the browser at once (and by the server, 413, if sent anyway), and
an .exe renamed .pdf passes the browser's name check but the server's content check refuses it;
a good file uploads afterwards."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from filings import services
from filings.models import AttachmentStatus
from sotkabinet.documents.samples import pdf_bytes

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e

MB = 1024 * 1024


def test_too_large_and_disguised_files_are_refused(new_page, live, court, make_user, tmp_path):
    applicant = make_user("applicant", full_name="Тексеру Файлов")
    filing = services.filing_create(
        acting_user=applicant,
        court=court,
        proceeding="civil",
        instance="first",
        kind="statement",
        title="Өтініш",
        parties=[{"role": "plaintiff", "name": applicant.full_name}],
        annex=["Өтініш", "Анықтама"],
    )
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(21 * MB)
    exe = tmp_path / "анықтама.pdf"
    exe.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 4096 + b"This program")
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf_bytes(text="Өтініш"))

    page = new_page()
    sign_in(page, live, applicant.login)
    page.goto(f"{live}/cabinet/filings/{filing.pk}/steps/files/")

    # 21 MB: refused in the browser at once, nothing is sent.
    page.set_input_files("#file-0", str(big))
    feedback = page.locator("#file-0-feedback")
    expect(feedback).to_contain_text("20")
    expect(page.locator("#file-0")).to_have_attribute("aria-invalid", "true")
    shot(page, "30-too-large")
    assert not filing.attachments.exists()

    # ...and the server refuses it too when a client skips the check (413, a message).
    token = page.locator("form.upload input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.request.post(
        f"{live}/cabinet/filings/{filing.pk}/steps/files/upload/",
        multipart={
            "title": "Өтініш",
            "file": {"name": "big.pdf", "mimeType": "application/pdf", "buffer": big.read_bytes()},
        },
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert response.status == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not filing.attachments.exists()

    # An .exe named .pdf: the browser lets it through, the server's sniffing refuses it.
    page.set_input_files("#file-1", str(exe))
    refused = page.locator("#slot-1-attachments [data-status=invalid]")
    expect(refused).to_be_visible()
    expect(refused.locator(".issues")).to_be_visible()
    expect(page.locator("#missing-list")).to_contain_text("Анықтама")
    shot(page, "31-disguised-exe")
    attachment = filing.attachments.get()
    assert attachment.status == AttachmentStatus.INVALID
    assert attachment.errors[0]["code"] == "format_not_allowed"

    # A 3 MB file that is not a real PDF, on a slow line: the progress bar moves while it is
    # sent, then the server's verdict replaces it.
    fake = tmp_path / "scan.pdf"
    with fake.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(3 * MB)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": MB},
    )
    progress = page.locator("form.upload[data-target='slot-0-attachments'] progress")
    page.set_input_files("#file-0", str(fake))
    expect(progress).to_be_visible()
    page.wait_for_function(
        "el => el.value > 0 && el.value < 100", arg=progress.element_handle(), timeout=10_000
    )
    shot(page, "32-upload-progress")
    expect(page.locator("#slot-0-attachments [data-status=invalid]")).to_be_visible()
    expect(progress).to_be_hidden()
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    page.locator("#slot-0-attachments button.danger").click()
    expect(page.locator("#slot-0-attachments [data-status]")).to_have_count(0)

    # Nothing broke: remove the refused file, upload a good one, the page still works.
    refused.locator("button.danger").click()
    expect(page.locator("#slot-1-attachments [data-status]")).to_have_count(0)
    expect(page.locator(".messages")).to_be_visible()
    page.set_input_files("#file-0", str(good))
    expect(page.locator("#slot-0-attachments [data-status=valid]")).to_be_visible()
    assert filing.attachments.filter(status=AttachmentStatus.VALID).count() == 1
