"""Jinja templates rendered to tagged PDF with WeasyPrint.

Documents are drawn from the same Jinja environment as the pages, so an invoice's
PDF and its page say the same things in the same words. The PDF is tagged (PDF/UA-1:
structure tree, document language, title in the metadata) so that a screen reader
reads it in order; WeasyPrint builds the tags from the HTML's own structure.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import weasyprint
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from web.rendering import templates

__all__ = ["PDF_VARIANT", "pdf_response", "render_pdf", "render_pdf_in_thread"]

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


# WeasyPrint's fonts (fontconfig, Pango) are not promised to be thread-safe: one
# render at a time per process, each in a worker thread so requests keep being served.
_RENDER_LOCK = threading.Lock()


def _render_alone(template_name: str, context: Mapping[str, Any]) -> bytes:
    with _RENDER_LOCK:
        return render_pdf(template_name, context)


async def render_pdf_in_thread(template_name: str, context: Mapping[str, Any]) -> bytes:
    """`render_pdf` off the event loop (a layout takes a good part of a second)."""
    return await run_in_threadpool(_render_alone, template_name, context)
