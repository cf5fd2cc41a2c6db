"""`manage.py ecp_verify --cms <file> [--data <file>] [--purpose sign|auth] [--at <ISO>]
[--trust <file>]... [--intermediate <file>]... [--crl <file>]...` (README "Operations").

Prints the verdict object as JSON on stdout and nothing else. Exit code: 0 valid, 1 invalid,
2 usage error (argparse errors included; their message goes to stderr). The trust is the
portal's (DB, plus the demo CA when DEMO) with the given extras added for this call only.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from sotkabinet.ecp import TrustStoreError, verify_cms
from sotkabinet.signatures.services import build_trust_store, fetch_crl

USAGE_ERROR = 2


def _usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise _usage_error(f"{path}: {error.strerror}") from None


def _validation_time(text: str | None) -> datetime:
    if text is None:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _usage_error(f"--at: not an ISO 8601 time: {text!r}") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Verify a CMS signature and print the verdict as JSON (exit 0 valid, 1 invalid)."
    requires_system_checks: list = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cms", required=True, help="CMS file: DER, PEM or base64.")
        parser.add_argument("--data", help="The content of a detached CMS.")
        parser.add_argument("--purpose", choices=["sign", "auth"], default="sign")
        parser.add_argument("--at", help="Validation time, ISO 8601 (default: now).")
        parser.add_argument("--trust", action="append", default=[], help="Extra anchor.")
        parser.add_argument(
            "--intermediate", action="append", default=[], help="Extra intermediate."
        )
        parser.add_argument("--crl", action="append", default=[], help="Extra CRL.")

    def handle(self, *args, **options) -> None:
        cms = _read(options["cms"])
        data = _read(options["data"]) if options["data"] else None
        at = _validation_time(options["at"])
        extras = {
            "anchors": [_read(path) for path in options["trust"]],
            "intermediates": [_read(path) for path in options["intermediate"]],
            "crls": [_read(path) for path in options["crl"]],
        }
        try:
            try:
                store = build_trust_store(**extras)
            except DatabaseError as error:
                # No database (or not migrated): verify with the portal's other trust and the
                # given files, and say so on stderr.
                sys.stderr.write(f"warning: the trust store tables are not readable ({error})\n")
                store = build_trust_store(database=False, **extras)
        except TrustStoreError as error:
            raise _usage_error(f"bad --trust/--intermediate/--crl file: {error}") from None
        verdict = verify_cms(
            cms,
            data=data,
            purpose=options["purpose"],
            at=at,
            trust=store,
            policy=settings.ECP_REVOCATION_POLICY,
            fetch_crl=fetch_crl if settings.ECP_FETCH_CRL else None,
        )
        self.stdout.write(json.dumps(verdict.to_dict(), ensure_ascii=False))
        self.stdout.flush()
        if not verdict.valid:
            sys.exit(1)
