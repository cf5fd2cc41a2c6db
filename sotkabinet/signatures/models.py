"""The ЭЦҚ trust store, revocation lists and sign-in challenges, kept in the database.

The pure verifier (`sotkabinet.ecp`) knows nothing of storage: `services.current_trust_store()`
builds its `TrustStore` from these tables (SPEC R-ECP-1: chain to a trusted НУЦ РК root,
revocation by CRL). Operators manage them with `ecp_trust` / `ecp_crl` and the admin.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TrustedCertificate(models.Model):
    """A CA certificate the verifier trusts: an anchor, or an intermediate that chains to one.

    NCA's test CAs are not self-signed, so `is_anchor` is the operator's decision, not a property
    of the certificate (README "Operations", `ecp_trust import --anchor`).
    """

    der = models.BinaryField(help_text="The certificate, DER.")
    fingerprint = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the DER, lowercase hex."
    )
    subject = models.CharField(max_length=1000, help_text="Subject DN, for people.")
    issuer = models.CharField(max_length=1000, blank=True, help_text="Issuer DN, for people.")
    is_anchor = models.BooleanField(
        default=False, help_text="Trust anchor (a root of trust); otherwise an intermediate."
    )
    not_before = models.DateTimeField(null=True, blank=True)
    not_after = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_anchor", "subject"]
        verbose_name = _("trusted certificate")
        verbose_name_plural = _("trusted certificates")

    def __str__(self) -> str:
        kind = "anchor" if self.is_anchor else "intermediate"
        return f"{self.subject} ({kind}, {self.fingerprint[:16]}…)"


class CertificateRevocationList(models.Model):
    """A CRL, imported by an operator or fetched from a certificate's distribution point.

    Only its signature by the issuing CA makes it count; the verifier checks that every time.
    """

    class Origin(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        FETCHED = "fetched", _("Fetched")

    der = models.BinaryField(help_text="The CRL, DER.")
    fingerprint = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the DER, lowercase hex."
    )
    issuer = models.CharField(max_length=1000, help_text="Issuer DN, for people.")
    this_update = models.DateTimeField()
    next_update = models.DateTimeField(null=True, blank=True)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.IMPORTED)
    source_url = models.URLField(max_length=1000, blank=True, help_text="Where it was fetched.")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["issuer", "-this_update"]
        verbose_name = _("certificate revocation list")
        verbose_name_plural = _("certificate revocation lists")

    def __str__(self) -> str:
        return f"{self.issuer} @ {self.this_update:%Y-%m-%d %H:%M}"


class SignInNonce(models.Model):
    """A one-time challenge for ЭЦҚ sign-in and registration (R-FIL-1): the client signs its
    UTF-8 bytes.

    The value names the portal, the purpose and the expiry (`signin.nonce_text`). Single use:
    `used_at` is set by a conditional update, so a replayed CMS finds it used. A challenge asked
    for by a web page is bound to that browser session (`session_hash`); one asked for through
    the API has none and is refused on the web, and the other way round.
    """

    class Purpose(models.TextChoices):
        AUTH = "auth", _("Sign-in")
        REGISTER = "register", _("Registration")

    value = models.CharField(max_length=255, unique=True)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.AUTH)
    session_hash = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="SHA-256 of the browser session that asked for it; empty for the API.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in challenge")
        verbose_name_plural = _("sign-in challenges")

    def __str__(self) -> str:
        return f"{self.value[:8]}… until {self.expires_at:%H:%M:%S}"
