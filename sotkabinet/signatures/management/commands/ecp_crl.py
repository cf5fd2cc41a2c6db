"""`manage.py ecp_crl import <file>...` (README "Operations"): import CRLs, PEM or DER."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sotkabinet.errors import DomainError
from sotkabinet.signatures.services import crl_import


class Command(BaseCommand):
    help = "Import certificate revocation lists into the ЭЦҚ trust store."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="Import CRLs (PEM or DER).")
        importing.add_argument("files", nargs="+", metavar="file")

    def handle(self, *args, **options) -> None:
        for name in options["files"]:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}") from None
            try:
                row = crl_import(data)
            except DomainError as error:
                raise CommandError(f"{path}: {error.message}") from None
            next_update = row.next_update.isoformat() if row.next_update else "-"
            self.stdout.write(
                f"{row.fingerprint}\t{row.issuer}\t{row.this_update.isoformat()}\t{next_update}"
            )
