"""Display preferences: contrast (normal/high) and text size (100/125/150 %).

They live in two cookies that the server reads on every request and applies as
classes on `<html>`, so they work with JavaScript off and survive every page. Setting
one is a plain link (GET) that returns to the page it came from: it changes only
presentation, never data, so a GET is acceptable and needs no CSRF token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from web.cookies import get_cookie, set_cookie

__all__ = [
    "CONTRASTS",
    "CONTRAST_COOKIE",
    "FONTS",
    "FONT_COOKIE",
    "PREFS_EVENT",
    "Preferences",
    "read_preferences",
    "routes",
    "safe_return_path",
]

# Base names: web.cookies adds the __Host- prefix outside plain-HTTP development.
CONTRAST_COOKIE: Final = "ebok_kontrast"
FONT_COOKIE: Final = "ebok_czcionka"
CONTRASTS: Final = ("normal", "high")
FONTS: Final = ("100", "125", "150")
COOKIE_MAX_AGE: Final = 365 * 24 * 60 * 60
# The htmx event (HX-Trigger) that web/static/js/ebok.js listens for.
PREFS_EVENT: Final = "ebok-prefs"


@dataclass(frozen=True)
class Preferences:
    contrast: str = "normal"
    font: str = "100"

    @property
    def html_classes(self) -> str:
        """Classes for `<html>`: "contrast-high font-125"; the stylesheet keys on them."""
        return f"contrast-{self.contrast} font-{self.font}"


def read_preferences(request: Request) -> Preferences:
    """The visitor's choices; anything unknown in a cookie falls back to the default."""
    contrast = get_cookie(request, CONTRAST_COOKIE) or ""
    font = get_cookie(request, FONT_COOKIE) or ""
    return Preferences(
        contrast=contrast if contrast in CONTRASTS else "normal",
        font=font if font in FONTS else "100",
    )


def safe_return_path(value: str | None) -> str:
    """Only a path on this site: "/..." but never "//host" or "/\\host", which browsers
    read as another host. Anything else (absolute URLs, empty, control characters)
    returns home, so the link cannot be turned into an open redirect."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if any(ord(ch) < 0x20 or ch in "\\\x7f" for ch in value):
        return "/"
    return value


def _set_preference(request: Request, cookie: str, value: str) -> Response:
    current = read_preferences(request)
    prefs = Preferences(
        contrast=value if cookie == CONTRAST_COOKIE else current.contrast,
        font=value if cookie == FONT_COOKIE else current.font,
    )
    if request.headers.get("hx-request") == "true":
        # htmx: no navigation; ebok.js applies the classes from the event at once.
        detail = {"classes": prefs.html_classes, "contrast": prefs.contrast, "font": prefs.font}
        response: Response = Response(
            status_code=204, headers={"HX-Trigger": json.dumps({PREFS_EVENT: detail})}
        )
    else:
        target = safe_return_path(request.query_params.get("wroc"))
        response = RedirectResponse(target, status_code=303)
    response.headers["Vary"] = "HX-Request"
    response.headers["Cache-Control"] = "no-store"
    # HttpOnly: only the server reads it; the page learns the choice from HX-Trigger.
    set_cookie(response, request, cookie, value, max_age=COOKIE_MAX_AGE)
    return response


async def set_contrast(request: Request) -> Response:
    value = request.path_params["value"]
    if value not in CONTRASTS:
        raise HTTPException(status_code=404)
    return _set_preference(request, CONTRAST_COOKIE, value)


async def set_font(request: Request) -> Response:
    value = request.path_params["value"]
    if value not in FONTS:
        raise HTTPException(status_code=404)
    return _set_preference(request, FONT_COOKIE, value)


routes: list[Route] = [
    Route("/ustawienia/kontrast/{value}", set_contrast, methods=["GET"], name="set_contrast"),
    Route("/ustawienia/czcionka/{value}", set_font, methods=["GET"], name="set_font"),
]
