"""`manage.py ecp_trust import [--anchor|--intermediate] <file>... | list | remove <sha256>`.

README "Operations". By default a self-signed certificate is an anchor and any other an
intermediate; `--anchor` makes any certificate an anchor (NCA test CAs are not self-signed).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sotkabinet.errors import DomainError
from sotkabinet.signatures.models import TrustedCertificate
from sotkabinet.signatures.services import trust_import, trust_remove


class Command(BaseCommand):
    help = "Manage the ЭЦҚ trust store: import, list or remove CA certificates."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="Add certificates (PEM or DER).")
        kind = importing.add_mutually_exclusive_group()
        kind.add_argument("--anchor", action="store_true", help="Trust as anchors.")
        kind.add_argument("--intermediate", action="store_true", help="Add as intermediates.")
        importing.add_argument("files", nargs="+", metavar="file")
        actions.add_parser("list", help="List trusted certificates.")
        removing = actions.add_parser("remove", help="Remove by SHA-256 fingerprint.")
        removing.add_argument("fingerprint", metavar="sha256")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "import":
            anchor = True if options["anchor"] else False if options["intermediate"] else None
            self._import([Path(name) for name in options["files"]], anchor)
        elif action == "list":
            self._list()
        else:
            self._remove(options["fingerprint"])

    def _import(self, paths: list[Path], anchor: bool | None) -> None:
        contents = []
        for path in paths:
            try:
                contents.append((path, path.read_bytes()))
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}") from None
        for path, data in contents:
            try:
                rows = trust_import(data, anchor=anchor)
            except DomainError as error:
                raise CommandError(f"{path}: {error.message}") from None
            for row in rows:
                kind = "anchor" if row.is_anchor else "intermediate"
                self.stdout.write(f"{row.fingerprint}\t{kind}\t{row.subject}")

    def _list(self) -> None:
        for row in TrustedCertificate.objects.order_by("-is_anchor", "subject"):
            kind = "anchor" if row.is_anchor else "intermediate"
            not_after = row.not_after.isoformat() if row.not_after else "-"
            self.stdout.write(f"{row.fingerprint}\t{kind}\t{not_after}\t{row.subject}")

    def _remove(self, fingerprint: str) -> None:
        if not trust_remove(fingerprint.strip()):
            raise CommandError(f"No trusted certificate with fingerprint {fingerprint}.")
        self.stdout.write(f"removed {fingerprint.strip().lower()}")
