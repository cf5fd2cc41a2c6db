"""Issue 9, "the public pages never show a signer's ИИН": the talon check a QR code opens,
`/verify/talon/<number>/` (R-FIL-7), proves the talon without naming anyone, in HTML and JSON."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from filings.models import Filing, FilingStatus


@pytest.mark.django_db
def test_talon_check_shows_no_identity_numbers_or_names(court, make_user):
    author = make_user("applicant", full_name="Жеке Тұлға Аты")
    filing = Filing.objects.create(
        court=court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="Құпия тақырып",
        author=author,
        status=FilingStatus.SUBMITTED,
        submitted_at=timezone.now(),
        number="ALM-SMAS-T-000001",
        signer_iin=author.login,
        manifest_sha256="a" * 64,
        parties=[{"role": "plaintiff", "name": author.full_name, "iin_bin": author.login}],
    )
    public = Client()
    html = public.get(f"/verify/talon/{filing.number}/")
    answer = public.get(f"/verify/talon/{filing.number}/", HTTP_ACCEPT="application/json")
    assert html.status_code == answer.status_code == 200
    for body in (html.content.decode(), answer.content.decode()):
        assert author.login not in body
        assert author.full_name not in body
        assert filing.title not in body
