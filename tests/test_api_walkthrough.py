"""The REST walkthrough tool (scripts/api_walkthrough.py) against a live server (issue 10).

Issue 10 "Done when": a fresh `PORT=8123 make run` carries a case from filing to an enforcement
registration over the API. The tool does that against `make run`; here the same function runs
over real HTTP against Django's live server on its own port, with the demo data and keys that
`seed_demo` writes and a new citizen who registers with the proof of her key (issue 9). A break
anywhere on the path (links or the АИС ОИП URL on another port, the ЭЦҚ registration and
sign-in, the sandbox gateway, Accept: application/pdf on the talon and the act, the writ's
dispatch and registration) fails the suite.

SPEC R-FIL-4, R-FIL-5, R-ECP-1, R-REG-1, R-ACT-3, R-ACT-5, R-ECP-6, R-ENF-2, R-ENF-3.
"""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from scripts.api_walkthrough import DEMO_APPLICANT, Settings, WalkthroughError, run_walkthrough

pytestmark = pytest.mark.django_db(transaction=True)

TARIFF_MIGRATION = importlib.import_module("filings.migrations.0002_duty_tariff_defaults")


@pytest.fixture(scope="module")
def demo_pki(tmp_path_factory):
    """One demo CA and key set for the module: seed_demo reuses the keys it finds."""
    return tmp_path_factory.mktemp("walkthrough") / "demo-pki"


@pytest.fixture
def demo_server(settings, demo_pki, live_server):
    """A seeded demo portal on the live server's port, its links and АИС ОИП URL on that port."""
    # The duty tariff `migrate` loads (an earlier transactional test may have flushed it), so the
    # duty is due and paid through the sandbox gateway as under `make run`.
    TARIFF_MIGRATION.load(apps, None)
    settings.DEMO_PKI_DIR = demo_pki
    settings.PORTAL_BASE_URL = live_server.url
    settings.ENFORCEMENT_API_URL = f"{live_server.url}/api/v1/ais-oip/"
    call_command("seed_demo", stdout=io.StringIO())
    return live_server


def test_issue_10_the_walkthrough_carries_a_case_to_an_enforcement_registration(
    demo_server, settings
):
    steps: list[str] = []
    writ = run_walkthrough(
        Settings(base_url=demo_server.url, demo_pki=str(settings.DEMO_PKI_DIR)), say=steps.append
    )
    assert writ["enforcement_number"] and writ["registered_at"]
    assert writ["status"] in {"registered", "distributed"}
    story = "\n".join(steps)
    for reached in (
        "new citizen registered with the proof of her ЭЦҚ",
        "signed in with the ЭЦҚ",
        "duty paid",
        "received: signature valid=True",
        "talon",
        "clerk registered it",
        "judge signed decision",
        "legal force from",
        "printable copy with Accept: application/pdf",
        "signed by 850101300104",  # the secretary: dispatched
        "registered by the enforcement system",
    ):
        assert reached in story, story


def test_issue_10_the_walkthrough_stops_when_links_point_to_another_port(demo_server, settings):
    """The break issue 10 found: links on port 8000 while the portal serves elsewhere. The tool
    refuses to follow the sandbox gateway's redirect_url off the server and says so (and it
    checks the act's QR link the same way)."""
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    with pytest.raises(WalkthroughError, match="is not on"):
        run_walkthrough(
            Settings(
                base_url=demo_server.url,
                demo_pki=str(settings.DEMO_PKI_DIR),
                applicant=DEMO_APPLICANT,  # the seeded applicant and her demo key
            ),
            say=lambda _text: None,
        )
