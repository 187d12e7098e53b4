"""Paging shared by pages and API operations."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet

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
