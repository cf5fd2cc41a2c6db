"""Any change to the trust tables bumps the trust version, so every process rebuilds its store."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CertificateRevocationList, TrustedCertificate


@receiver(post_save, sender=TrustedCertificate)
@receiver(post_delete, sender=TrustedCertificate)
@receiver(post_save, sender=CertificateRevocationList)
@receiver(post_delete, sender=CertificateRevocationList)
def trust_tables_changed(sender, **kwargs) -> None:
    from .services import bump_trust_version

    # Now, for this process's next read inside the transaction; and again after commit, so a
    # process that rebuilt from the not-yet-committed state in between cannot keep a stale store.
    bump_trust_version()
    transaction.on_commit(bump_trust_version)
