"""A page of an already computed list, with the interface of the pagination macro."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from math import ceil


class ListPage:
    def __init__(self, rows: Sequence, page: int, per_page: int):
        self.total = len(rows)
        self.per_page = per_page
        self.pages = max(1, ceil(self.total / per_page))
        self.page = min(max(page, 1), self.pages)
        start = (self.page - 1) * per_page
        self.items = list(rows[start : start + per_page])

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, left_edge=1, right_edge=1, left_current=2, right_current=2) -> Iterator:
        last = 0
        for number in range(1, self.pages + 1):
            if (
                number <= left_edge
                or number > self.pages - right_edge
                or self.page - left_current <= number <= self.page + right_current
            ):
                if last + 1 != number:
                    yield None
                yield number
                last = number
