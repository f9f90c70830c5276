"""Shapes shared by every area: money, addresses and cursor connections."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from decimal import Decimal
from typing import Generic, TypeVar

import strawberry

from models.errors import BadRequest

CURRENCY = "PLN"
MAX_PAGE_SIZE = 100

T = TypeVar("T")


@strawberry.type
class Money:
    amount: Decimal
    currency: str = CURRENCY

    @classmethod
    def of(cls, amount: Decimal) -> Money:
        return cls(amount=amount.quantize(Decimal("0.01")))


def money_or_none(amount: Decimal | None) -> Money | None:
    return None if amount is None else Money.of(amount)


@strawberry.type
class Address:
    street: str
    building_number: str
    apartment_number: str | None
    postal_code: str
    city: str


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


_CURSOR_PREFIX = "offset:"


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError(text)
        offset = int(text.removeprefix(_CURSOR_PREFIX))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"Invalid cursor: {cursor!r}") from exc
    if offset < 0:
        raise BadRequest(f"Invalid cursor: {cursor!r}")
    return offset


def check_page_size(first: int | None, default: int = 20) -> int:
    size = default if first is None else first
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadRequest(f"`first` must be between 1 and {MAX_PAGE_SIZE}, not {size}")
    return size


def page_start(after: str | None) -> int:
    """The offset a page after the cursor `after` starts at."""
    return decode_cursor(after) + 1 if after else 0


def connection(nodes: Sequence[T], start: int, size: int, total: int) -> Connection[T]:
    """A connection from one page of nodes starting at offset `start`; `nodes` may
    hold one more than `size`, which only says that another page follows."""
    window = nodes[:size]
    edges = [Edge(cursor=encode_cursor(start + i), node=node) for i, node in enumerate(window)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(nodes) > size,
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


def paginate(
    items: Sequence[T], first: int | None, after: str | None, default: int = 20
) -> Connection[T]:
    """A page of an already loaded, ordered list: the edges after `after`, at most `first`."""
    size = check_page_size(first, default)
    start = page_start(after)
    return connection(items[start : start + size + 1], start, size, len(items))
