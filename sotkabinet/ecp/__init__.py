"""ЭЦҚ (electronic digital signature) verification for Kazakh NCA certificates.

A pure library (no Django): CMS parsing, chain building to configured anchors, CRL revocation,
the Kazakh certificate profile, RSA/ECDSA and GOST 34.10-2015. ``sotkabinet.ecp.pki`` builds
NCA-shaped test and demo PKIs. See SPEC R-ECP-1..4 and docs/conventions.md "Signature verdicts".
"""

from sotkabinet.ecp.cms import CmsInspection, inspect_cms
from sotkabinet.ecp.model import CmsMalformed, Policy, Reason, SignerDetails, Verdict
from sotkabinet.ecp.trust import TrustStore, TrustStoreError
from sotkabinet.ecp.verify import verify_cms

__all__ = [
    "CmsInspection",
    "CmsMalformed",
    "Policy",
    "Reason",
    "SignerDetails",
    "TrustStore",
    "TrustStoreError",
    "Verdict",
    "inspect_cms",
    "verify_cms",
]
