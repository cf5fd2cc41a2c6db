"""`manage.py archive_disposal_candidates [--court <code>]...`: archives whose retention has
ended and that wait for a disposal act (SPEC R-ARC-1), as JSON. Nothing is deleted here."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from archive.selectors import disposal_candidates
from sotkabinet.courts.models import Court


class Command(BaseCommand):
    help = "List archives whose retention period has ended (disposal candidates)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--court", action="append", help="Court code (repeatable).")

    def handle(self, *args, **options) -> None:
        court_ids = None
        if options.get("court"):
            court_ids = set(
                Court.objects.filter(code__in=options["court"]).values_list("pk", flat=True)
            )
        rows = [
            {
                "id": transfer.pk,
                "case": transfer.case.number,
                "court": transfer.court.code,
                "retention_until": transfer.retention_until.isoformat(),
                "basis": transfer.retention_basis,
            }
            for transfer in disposal_candidates(court_ids=court_ids)
        ]
        self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
