"""Every write of the archive (STYLE "services"), in three modules:

- `common`: ledger appends, logged access (R-ARC-2), the court's archivists and secretaries;
- `transfer`: who may transfer, the transfer date, the transfer itself (R-ARC-1..3);
- `retention`: the retention schedule and disposal acts (R-ARC-1).
"""

from .common import (
    archivists_of,
    is_archivist_of,
    ledger_append,
    record_access,
    secretaries_for,
)
from .retention import (
    disposal_act_create,
    disposal_check,
    retention_rule_for,
    retention_until,
)
from .transfer import (
    archive_transfer,
    check_transfer_date,
    may_prepare_inventory,
    may_transfer,
    require_case_for,
    transfer_allowed_from,
)

__all__ = [
    "archive_transfer",
    "archivists_of",
    "check_transfer_date",
    "disposal_act_create",
    "disposal_check",
    "is_archivist_of",
    "ledger_append",
    "may_prepare_inventory",
    "may_transfer",
    "record_access",
    "require_case_for",
    "retention_rule_for",
    "retention_until",
    "secretaries_for",
    "transfer_allowed_from",
]
