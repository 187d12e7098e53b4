"""Row locks for find-or-create: a process that looks for a record it may have to create
(the family's case, the family's open assessment) first locks the rows the record belongs to,
so that a second process doing the same waits until the first has committed what it created,
and then finds it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


def lock_rows(model: type[models.Model], ids: Iterable[int]) -> None:
    """Lock these rows of `model` until the transaction ends.

    FOR NO KEY UPDATE: rows that merely refer to them (a foreign key, which takes FOR KEY
    SHARE) neither wait for nor block it. In key order, so that two processes locking
    overlapping sets cannot deadlock. (SQLite writes one transaction at a time and has no row
    locks: there it does nothing.)"""
    list(
        model._default_manager.select_for_update(no_key=True)
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .values_list("pk")
    )
