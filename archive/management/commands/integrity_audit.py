"""`manage.py integrity_audit [--archive <id>]` (README "Operations", SPEC R-ARC-2).

Runs the archive's integrity audit now and prints its report as JSON on stdout. Exit code:
0 if every audited archive is intact, 1 on any break, 2 for a usage error (unknown archive).
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from archive.audit import audit_archives
from archive.models import ArchiveTransfer


class Command(BaseCommand):
    help = "Audit the archive: item hashes, signatures from stored evidence, the ledger chain."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--archive", type=int, action="append", help="Archive id (repeatable); default all."
        )

    def handle(self, *args, **options) -> None:
        ids = options.get("archive")
        if ids:
            known = set(ArchiveTransfer.objects.filter(pk__in=ids).values_list("pk", flat=True))
            unknown = sorted(set(ids) - known)
            if unknown:
                self.stderr.write(f"No archive with id {', '.join(map(str, unknown))}")
                sys.exit(2)
        report = audit_archives(trigger="command", transfer_ids=ids or None)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        if not report["ok"]:
            sys.exit(1)
