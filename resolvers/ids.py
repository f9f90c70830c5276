"""Global ids (Relay's "Type:pk" in base64) from callers, decoded with bounds.

A caller may send anything as an id; anything that is not an id of the expected
type with a primary key a database column can hold simply names nothing.
"""

from __future__ import annotations

from strawberry import relay

# Primary keys are 64-bit signed integers at most (PostgreSQL bigint).
MAX_PK = 2**63 - 1


def decode_global_id(value: str) -> tuple[str, int] | None:
    """(type name, primary key), or None for anything that is not a valid global id."""
    try:
        global_id = relay.GlobalID.from_id(value)
        text = global_id.node_id
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            return None
        pk = int(text)
    except (ValueError, TypeError):
        return None
    if not 1 <= pk <= MAX_PK:
        return None
    return global_id.type_name, pk


def pk_of(value: str, type_name: str) -> int | None:
    """The primary key of a global id of `type_name`; None when it is not one."""
    decoded = decode_global_id(value)
    if decoded is None or decoded[0] != type_name:
        return None
    return decoded[1]
