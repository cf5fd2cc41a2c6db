"""Worker jobs of the signatures area: CRL fetching (issue 9 "CRL fetching", R-ECP-1).

Requests never fetch: `crl_fetch` gets the URLs a verification queued, and `crl_refresh` (beat,
schedule.py) renews every configured or earlier-fetched CRL. Both go through
`crl_fetch.refresh`, which checks the URL, bounds the download and verifies the CRL first.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from . import crl_fetch as fetching

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def crl_fetch(url: str) -> str:
    """Fetch one CRL URL; "stored" or the refusal code (logged, never raised)."""
    if not settings.ECP_FETCH_CRL:
        return "off"
    try:
        row = fetching.refresh(url)
    except fetching.CrlFetchRefused as refusal:
        logger.warning("CRL from %s not taken: %s", url, refusal)
        return refusal.code
    except Exception as error:  # the network: a failed source, tried again by the beat job
        logger.warning("CRL from %s not fetched: %s", url, error)
        return "failed"
    logger.info("CRL from %s stored (%s)", url, row.fingerprint)
    return "stored"


@shared_task(ignore_result=True)
def crl_refresh() -> dict[str, str]:
    """Renew every CRL the portal fetches (ECP_CRL_URLS and earlier fetches)."""
    if not settings.ECP_FETCH_CRL:
        return {}
    return {url: crl_fetch(url) for url in fetching.urls_to_refresh()}
