"""issue 10: `/verify/` showed the signing time as a raw UTC ISO string. A person reads it in the
court's zone, in the page's language's format, with the zone named; the JSON keeps ISO 8601."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.dateparse import parse_datetime

from registry import verify_views
from sotkabinet.core.timefmt import local_time

from .acts_helpers import (  # noqa: F401  (fixtures)
    judge_fixture,
    make_case,
    mark_legal_force,
    party_fixture,
    sign_act,
    upload_act,
)

PATTERNS = {
    "kk": r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2} \(Asia/Almaty, UTC\+5\)",
    "ru": r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2} \(Asia/Almaty, UTC\+5\)",
    "en": r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} \(Asia/Almaty, UTC\+5\)",
}


@pytest.fixture(autouse=True)
def generous_rate(monkeypatch):
    monkeypatch.setattr(verify_views, "VERIFY_RATE_PER_MINUTE", 10_000)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_verify_page_shows_the_signing_time_in_the_courts_zone(
    client, ecp, court, judge, party, tmp_path, language
):
    act = sign_act(upload_act(make_case(court, judge, party), judge, tmp_path), judge, ecp)
    act = mark_legal_force(act, judge, ecp)
    url = f"/verify/{act.verify_code}/"
    signer = client.get(url, HTTP_ACCEPT="application/json").json()["signers"][0]
    signing_time = signer["signing_time"]
    assert parse_datetime(signing_time) is not None  # the JSON keeps ISO 8601

    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert signing_time not in page and signer["not_before"] not in page
    with translation.override(language):
        shown = local_time(signing_time, "Asia/Almaty", seconds=True)
    assert re.fullmatch(PATTERNS[language], shown)
    assert shown in page
