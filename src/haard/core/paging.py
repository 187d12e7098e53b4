"""Paging shared by pages and API operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

_T = TypeVar("_T")


def page_of(rows: QuerySet[Any], number: Any, *, size: int, strict: bool = False) -> Page[Any]:
    """One page of `rows`, read. A number out of range gives the nearest page (pages), or with
    `strict` an empty page (the API: page 9 of 3 is empty, not page 3 again)."""
    paginator = Paginator(rows, size)
    if strict:
        try:
            page = paginator.page(number)
        except EmptyPage:
            return Page([], number, paginator)
    else:
        page = paginator.get_page(number)
    page.object_list = list(page.object_list)
    return page


class CountedPaginator(Paginator):
    """A paginator that counts the rows with `count` instead of counting the rows' own query:
    for rows grouped over joins (a count of those counts the groups the long way, joins and
    all), `count` counts the same rows without them."""

    def __init__(self, object_list: Any, per_page: int, *, count: Callable[[], int]) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()
