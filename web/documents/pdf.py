"""Jinja templates rendered to tagged PDF with WeasyPrint.

Documents are drawn from the same Jinja environment as the pages, so an invoice's
PDF and its page say the same things in the same words. The PDF is tagged (PDF/UA-1:
structure tree, document language, title in the metadata) so that a screen reader
reads it in order; WeasyPrint builds the tags from the HTML's own structure.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import weasyprint
from starlette.responses import Response

from web.rendering import templates

__all__ = ["PDF_VARIANT", "pdf_response", "render_pdf"]

# PDF/UA-1 is the accessible-PDF standard WeasyPrint writes; it implies tagging.
PDF_VARIANT = "pdf/ua-1"

# Relative URLs in document templates (styles, fonts) resolve against the static files.
_STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def render_pdf(template_name: str, context: Mapping[str, Any]) -> bytes:
    """The template rendered with `context`, as the bytes of a tagged PDF."""
    html = templates.get_template(template_name).render(context)
    document = weasyprint.HTML(string=html, base_url=str(_STATIC_DIR) + "/")
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None  # write_pdf returns bytes when no target is given
    return pdf


def pdf_response(pdf: bytes, filename: str) -> Response:
    """A private PDF download; `filename` must already be safe (ASCII, no quotes)."""
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
