"""Printable PDFs: a Django template rendered to HTML, then to PDF by WeasyPrint.

Threat model: the templates show applicant-supplied text (names, titles, fabula). Django's
autoescaping keeps it text, never markup. WeasyPrint would otherwise fetch any URL the HTML or CSS
names (``file:///etc/passwd``, internal HTTP services): its fetcher here allows ``data:`` URLs only,
so images must be inlined (``qr.qr_png_data_uri``, ``qr.qr_svg``) and nothing leaves the process.

Cost: about 100–300 ms a page (much less with libharfbuzz-subset). Do not render on
the request path of a submit: render in a Celery task or lazily on first download, and cache.
Rendering is deterministic enough to re-run safely; it has no side effects.
"""

from __future__ import annotations

import functools
from typing import Any

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

PRINT_CSS_TEMPLATE = "documents/print.css"  # templates/documents/print.css
BASE_TEMPLATE = "documents/base_print.html"


def _fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


@functools.cache
def _base_stylesheet() -> CSS:
    return CSS(string=render_to_string(PRINT_CSS_TEMPLATE), url_fetcher=_fetcher())


def html_to_pdf(html: str, *, stylesheets: list[CSS] | None = None) -> bytes:
    """PDF bytes of an HTML string, with the base print stylesheet (DejaVu fonts, A4)."""
    document = HTML(string=html, base_url=None, url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=[_base_stylesheet(), *(stylesheets or [])])


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render ``template_name`` (usually extending ``documents/base_print.html``) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
