"""Render a chosen group of a form's fields, in the order named."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def field_groups(form: Any, names: str) -> SafeString:
    """The fields named (space-separated), each as `haard/forms/field.html` writes it."""
    return format_html_join("\n", "{}", ((form[name].as_field_group(),) for name in names.split()))
