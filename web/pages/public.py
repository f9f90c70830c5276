"""Public static pages: the accessibility statement and the regulations.

The statement and the regulations are legal texts with dates and a version: the
values that change with them are kept together here, next to the routes, so that
updating a text means updating its date in the same place.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.rendering import render, utility_settings

__all__ = ["routes"]

# Accessibility statement (deklaracja dostępności) dates, as the statutory template asks.
SITE_PUBLISHED = date(2026, 1, 12)
SITE_UPDATED = date(2026, 11, 16)
STATEMENT_PREPARED = date(2026, 1, 12)
STATEMENT_REVIEWED = date(2026, 11, 16)

# The regulations' version is UtilitySettings.terms_version; this is when it took effect.
TERMS_EFFECTIVE = date(2026, 1, 12)


def _contacts(request: Request) -> dict[str, Any]:
    utility = utility_settings(request)
    return {
        "email": utility.email,
        "accessibility_email": utility.accessibility_email,
        "dpo_email": utility.dpo_email,
    }


async def accessibility_statement(request: Request) -> Response:
    context = {
        **_contacts(request),
        "site_published": SITE_PUBLISHED,
        "site_updated": SITE_UPDATED,
        "statement_prepared": STATEMENT_PREPARED,
        "statement_reviewed": STATEMENT_REVIEWED,
        "site_url": f"{request.url.scheme}://{request.url.netloc}/",
    }
    return render(request, "public/deklaracja.html", context)


async def regulations(request: Request) -> Response:
    context = {**_contacts(request), "terms_effective": TERMS_EFFECTIVE}
    return render(request, "public/regulamin.html", context)


routes: list[Route] = [
    Route("/deklaracja-dostepnosci", accessibility_statement, methods=["GET"]),
    Route("/regulamin", regulations, methods=["GET"]),
]
