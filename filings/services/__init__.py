"""Every write of the applicant's filing flow: draft, attachments, submit, the worker's verdict.

Each public service runs in one transaction with `select_for_update` on the filing it moves,
writes the FilingEvent (history) and the audit row there, and sends background work only after
commit (STYLE "State changes"). Status moves go through `filing_transition`, which consults the
one table `models.FILING_TRANSITIONS`; anything else is a 409 conflict.

- `common`: transitions, history and notices; dispatch is the kernel's (SPEC R-ECP-3);
- `drafts`: filing_create, attachment_add / attachment_delete, the validation verdict;
- `submission`: the signing payload and the synchronous stage of submit;
- `receipt`: the worker stage (received / not_received) and the stored talon.
"""

from sotkabinet.core.dispatch import BROKER_ERRORS, dispatch, dispatch_on_commit

from .common import (
    filing_link,
    filing_transition,
    lock_filing,
    notify_applicant,
)
from .drafts import (
    attachment_add,
    attachment_delete,
    attachment_max_bytes,
    attachment_record_validation,
    filing_create,
)
from .receipt import filing_decide, filing_store_talon, filing_verify_now
from .submission import (
    allowed_signers,
    filing_document,
    filing_signing_payload,
    filing_submit,
    talon_number,
)

__all__ = [
    "BROKER_ERRORS",
    "allowed_signers",
    "attachment_add",
    "attachment_delete",
    "attachment_max_bytes",
    "attachment_record_validation",
    "dispatch",
    "dispatch_on_commit",
    "filing_create",
    "filing_decide",
    "filing_document",
    "filing_link",
    "filing_signing_payload",
    "filing_store_talon",
    "filing_submit",
    "filing_transition",
    "filing_verify_now",
    "lock_filing",
    "notify_applicant",
    "talon_number",
]
