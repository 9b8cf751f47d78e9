"""One page of a long list: its items, how many there are in all, which page this is and how many there are.
The task list's, case list's, access log's and mail page's pages are each a `Page` (some with more fields)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def clamp_page(page: int, total: int, per_page: int) -> int:
    """`page` kept between 1 and the last page of `total` items (1 when there are none)."""
    return min(max(page, 1), max(1, -(-total // per_page)))


@dataclass
class Page:
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
