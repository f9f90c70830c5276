"""The `Upload` scalar's values: files sent by the GraphQL multipart request spec.

The HTTP layer (web/graphql_app.py) accepts multipart bodies only from bearer-token
callers and cookie sessions that pass the CSRF checks, limits them while they
stream, and puts each file part where the request's `map` says. A JSON caller can
only put a string there, which is not a file.
"""

from __future__ import annotations

from typing import Any

from models.errors import BadRequest


async def upload_bytes(value: Any, field: str) -> tuple[str, bytes]:
    """(file name, content) of an uploaded file; BadRequest for anything else."""
    if isinstance(value, str | bytes) or not hasattr(value, "read"):
        raise BadRequest(
            f"`{field}` must be a file sent as multipart/form-data "
            "(the GraphQL multipart request spec).",
            field=field,
        )
    data = await value.read()
    return str(getattr(value, "filename", "") or ""), data
