"""Where a payment operator may send the customer back: only somewhere on this site.

A relative path ("/platnosci"), or an absolute address with this site's own scheme,
host and port; anything else (another host, "//evil.example", "javascript:", a
backslash that some browsers read as a slash) is refused, so a payment can never be
used to send a customer to someone else's page. The path kept is always relative.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from models.errors import ReturnUrlNotAllowed

MAX_LENGTH = 500


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.netloc or "").lower()


def return_path(value: str | None, public_url: str) -> str | None:
    """The path on this site `value` names (None for none); ReturnUrlNotAllowed otherwise."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > MAX_LENGTH or "\\" in text or any(ord(c) < 0x21 or ord(c) == 0x7F for c in text):
        raise ReturnUrlNotAllowed("returnUrl")
    parts = urlsplit(text)
    foreign = _origin(text) != _origin(public_url) or not parts.scheme
    if (parts.scheme or parts.netloc) and foreign:
        raise ReturnUrlNotAllowed("returnUrl")
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        raise ReturnUrlNotAllowed("returnUrl")
    return path + (f"?{parts.query}" if parts.query else "")
