"""Operations commands: ecp_trust, ecp_crl, ecp_verify (README "Operations")."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from sotkabinet.ecp import verify_cms
from sotkabinet.ecp.pki import build_ca, issue_person, make_iin
from sotkabinet.signatures.models import CertificateRevocationList, TrustedCertificate
from sotkabinet.signatures.services import canonical_payload

PAYLOAD = canonical_payload({"sha256": "b" * 64})
MANAGE = Path(settings.BASE_DIR) / "manage.py"


def run_verify(*args: str) -> tuple[int, str]:
    stdout = io.StringIO()
    try:
        call_command("ecp_verify", *args, stdout=stdout)
    except SystemExit as exit_:
        return exit_.code, stdout.getvalue()
    return 0, stdout.getvalue()


def write(path: Path, data: bytes | str) -> str:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


@pytest.fixture
def files(tmp_path):
    return lambda name, data: write(tmp_path / name, data)


def test_ecp_verify_valid_exit_0_json_only(ecp, make_user, files):
    # README "Operations": ecp_verify; SPEC R-ECP-1
    user = make_user()
    at = datetime.now(UTC).isoformat()
    code, out = run_verify(
        "--cms", files("s.cms", ecp.sign(user, PAYLOAD)), "--data", files("p", PAYLOAD), "--at", at
    )
    assert code == 0
    verdict = json.loads(out)
    assert verdict["valid"] is True and verdict["reason"] is None
    assert verdict["signers"][0]["iin"] == user.login
    assert set(verdict) == {"valid", "reason", "signers"}


@pytest.mark.parametrize("case", ["tampered", "untrusted", "revoked", "expired", "key_usage"])
def test_ecp_verify_same_verdict_as_library_exit_1(case, ecp, make_user, files, db):
    # README "Operations", ecp_verify: exit 1 for an invalid signature, the verdict on stdout
    user = make_user()
    data = PAYLOAD
    if case == "tampered":
        cms, data = ecp.sign(user, PAYLOAD), PAYLOAD + b"!"
    elif case == "untrusted":
        other = build_ca(name="ЖАЛҒАН ОРТАЛЫҚ")
        cms = base64.b64encode(issue_person(other, iin=user.login, full_name="A B").sign(PAYLOAD))
    elif case == "revoked":
        cms = ecp.sign(user, PAYLOAD)
        ecp.revoke(user)
    elif case == "expired":
        cms = ecp.sign_with(ecp.expired(user), PAYLOAD)
    else:
        cms = ecp.sign(user, PAYLOAD, purpose="auth")
    at = datetime.now(UTC)
    code, out = run_verify(
        "--cms", files("s.cms", cms), "--data", files("p", data), "--at", at.isoformat()
    )
    library = verify_cms(cms, data=data, at=at, trust=ecp.trust_store()).to_dict()
    assert code == 1
    assert json.loads(out) == json.loads(json.dumps(library))
    assert library["reason"] == case


def test_ecp_verify_extra_trust_for_this_call_only(db, ecp_pki, files):
    # README "Operations": --trust / --intermediate / --crl add trust for this call only
    person = ecp_pki.person("900101300015")
    cms = files("s.cms", person.sign(PAYLOAD))
    data = files("p", PAYLOAD)
    code, out = run_verify("--cms", cms, "--data", data)
    assert (code, json.loads(out)["reason"]) == (1, "untrusted")
    code, out = run_verify(
        "--cms",
        cms,
        "--data",
        data,
        "--trust",
        files("root.pem", ecp_pki.root.certificate_pem),
        "--intermediate",
        files("nca.cer", ecp_pki.nca.certificate_der),
        "--crl",
        files("root.crl", ecp_pki.root_crl),
        "--crl",
        files("nca.crl", ecp_pki.nca_crl),
    )
    assert (code, json.loads(out)["valid"]) == (0, True)
    assert TrustedCertificate.objects.count() == 0
    assert CertificateRevocationList.objects.count() == 0


def test_ecp_verify_purpose_auth_and_validation_time(ecp, make_user, files):
    user = make_user()
    cms = files("s.cms", ecp.sign(user, b"nonce", detached=False, purpose="auth"))
    assert run_verify("--cms", cms, "--purpose", "auth")[0] == 0
    assert json.loads(run_verify("--cms", cms)[1])["reason"] == "key_usage"
    before = (datetime(2015, 1, 1, tzinfo=UTC) - timedelta(days=1)).isoformat()
    assert (
        json.loads(run_verify("--cms", cms, "--purpose", "auth", "--at", before)[1])["reason"]
        == "not_yet_valid"
    )


def test_ecp_verify_usage_errors_in_process(db, files):
    # README "Operations": exit 2 on a usage error
    cms = files("s.cms", b"x")
    for args in (("--cms", "/nonexistent/file"), ("--cms", cms, "--at", "yesterday")):
        with pytest.raises(CommandError) as error:
            call_command("ecp_verify", *args, stdout=io.StringIO())
        assert error.value.returncode == 2


def test_ecp_verify_malformed_is_a_verdict(db, files):
    code, out = run_verify("--cms", files("s.cms", b"not a cms"))
    assert (code, json.loads(out)["reason"]) == (1, "malformed")


def _manage(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="sotkabinet.settings.dev",
        DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        DEMO="0",
        ECP_FETCH_CRL="0",
    )
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_ecp_verify_process_exit_codes_and_stdout(ecp_pki, tmp_path):
    # README "Operations": ecp_verify: a real process prints JSON only on stdout; 0 valid, 1 invalid
    person = ecp_pki.person(make_iin(7))
    cms = write(tmp_path / "s.cms", person.sign(PAYLOAD))
    trust = [
        "--trust",
        write(tmp_path / "root.pem", ecp_pki.root.certificate_pem),
        "--crl",
        write(tmp_path / "root.crl", ecp_pki.root_crl),
        "--crl",
        write(tmp_path / "nca.crl", ecp_pki.nca_crl),
    ]
    data = write(tmp_path / "p", PAYLOAD)
    valid = _manage("ecp_verify", "--cms", cms, "--data", data, *trust, tmp_path=tmp_path)
    assert valid.returncode == 0, valid.stderr
    assert json.loads(valid.stdout)["valid"] is True
    other = write(tmp_path / "q", b"x")
    invalid = _manage("ecp_verify", "--cms", cms, "--data", other, *trust, tmp_path=tmp_path)
    assert invalid.returncode == 1
    assert json.loads(invalid.stdout)["reason"] == "tampered"


@pytest.mark.parametrize(
    "usage",
    [
        ("--cms",),
        ("--cms", "x.cms", "--purpose", "sing"),
        ("--cms", "x.cms", "--bogus"),
        (),
        ("--cms", "/nonexistent/x.cms"),
        ("--cms", "/nonexistent/x.cms", "--at", "not-a-time"),
    ],
)
def test_ecp_verify_usage_error_exit_2_nothing_on_stdout(usage, capsys):
    # README "Operations", ecp_verify: exit 2 on a usage error (argparse's too), stdout empty
    from sotkabinet.signatures.management.commands.ecp_verify import Command

    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "ecp_verify", *usage])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err


def test_ecp_trust_import_list_remove(db, ecp_pki, files, capsys):
    # README "Operations": ecp_trust: self-signed -> anchor, other -> intermediate; --anchor forces
    out = io.StringIO()
    call_command(
        "ecp_trust",
        "import",
        files("root.pem", ecp_pki.root.certificate_pem),
        files("nca.der", ecp_pki.nca.certificate_der),
        stdout=out,
    )
    root = TrustedCertificate.objects.get(is_anchor=True)
    nca = TrustedCertificate.objects.get(is_anchor=False)
    assert "anchor" in out.getvalue() and "intermediate" in out.getvalue()
    listing = io.StringIO()
    call_command("ecp_trust", "list", stdout=listing)
    assert root.fingerprint in listing.getvalue() and nca.fingerprint in listing.getvalue()
    call_command("ecp_trust", "remove", nca.fingerprint.upper(), stdout=io.StringIO())
    assert not TrustedCertificate.objects.filter(pk=nca.pk).exists()
    with pytest.raises(CommandError):
        call_command("ecp_trust", "remove", nca.fingerprint, stdout=io.StringIO())


def test_ecp_trust_import_non_self_signed_as_anchor(db, ecp_pki, files, make_user):
    # README "Operations": `--anchor` makes any certificate an anchor (NCA test CAs aren't
    # self-signed)
    from sotkabinet.signatures.services import verify_signature

    call_command(
        "ecp_trust",
        "import",
        "--anchor",
        files("nca.pem", ecp_pki.nca.certificate_pem),
        stdout=io.StringIO(),
    )
    row = TrustedCertificate.objects.get()
    assert row.is_anchor and "ҰЛТТЫҚ" in row.subject
    call_command("ecp_crl", "import", files("nca.crl", ecp_pki.nca_crl), stdout=io.StringIO())
    user = make_user()
    cms = base64.b64encode(ecp_pki.person(user).sign(PAYLOAD)).decode()
    verdict = verify_signature(cms, data=PAYLOAD)
    assert verdict.valid, verdict.message


def test_ecp_trust_import_refuses_bad_file(db, files):
    with pytest.raises(CommandError):
        call_command("ecp_trust", "import", files("x.pem", b"garbage"), stdout=io.StringIO())
    assert TrustedCertificate.objects.count() == 0


def test_ecp_crl_import_then_revoked(ecp, make_user, files):
    # README "Operations": ecp_crl import; SPEC R-ECP-1 revocation
    from sotkabinet.signatures.services import verify_signature

    user = make_user()
    person = ecp.person(user)
    cms = ecp.sign(user, PAYLOAD)
    assert verify_signature(cms, data=PAYLOAD).valid
    revoked_crl = ecp.ca.crl(
        [(person, datetime.now(UTC) - timedelta(hours=1), "key_compromise")],
        this_update=datetime.now(UTC),
        next_update=datetime.now(UTC) + timedelta(days=1),
        number=5,
    )
    out = io.StringIO()
    call_command("ecp_crl", "import", files("new.crl", revoked_crl), stdout=out)
    assert "ҰЛТТЫҚ" in out.getvalue()
    verdict = verify_signature(cms, data=PAYLOAD)
    assert (verdict.valid, verdict.reason) == (False, "revoked")


def test_ecp_crl_import_refuses_bad_file(db, files):
    with pytest.raises(CommandError):
        call_command("ecp_crl", "import", files("x.crl", b"garbage"), stdout=io.StringIO())
