"""Render a chosen group of a form's fields, in the order named."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def fields_named(form: Any, names: str) -> list[Any]:
    return [form[name] for name in names.split()]
