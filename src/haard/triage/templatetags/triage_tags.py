"""The assessment clock as a screen shows it.

A plain tag rather than an included template: the assessment list shows a clock on every
row, and a template of its own per row costs more than the rest of the row."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from haard.triage.clock import Clock

register = template.Library()


@register.simple_tag
def clock_badge(clock: Clock) -> SafeString:
    """ "assessed", "overdue by N working days", "due today" or "N working days left"."""
    if not clock.running:
        return format_html("{}", gettext("assessed"))
    if clock.overdue:
        days = clock.days_overdue
        text = ngettext("overdue by %(days)s working day", "overdue by %(days)s working days", days)
        return format_html('<span class="badge badge--warning">{}</span>', text % {"days": days})
    if clock.due_today:
        return format_html('<span class="badge">{}</span>', gettext("due today"))
    days = clock.days_left
    text = ngettext("%(days)s working day left", "%(days)s working days left", days)
    return format_html("{}", text % {"days": days})
