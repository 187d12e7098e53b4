"""Colour badges: a text label and a shape next to the colour, never the colour alone.

Plain tags rather than inclusion tags: the address list shows up to nine badges a row, and a
template of its own per badge costs more than the rest of the row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from haard.insight.colour import Colour
from haard.intake.models import Severity

register = template.Library()


def _badge(colour: Colour, text: object, *, small: bool) -> SafeString:
    return format_html(
        '<span class="colour colour--{}{}"><span class="colour__shape colour__shape--{}" '
        'aria-hidden="true"></span>{}</span>',
        colour.key,
        " colour--small" if small else "",
        colour.shape,
        text,
    )


@register.simple_tag
def address_colour(colour: Colour) -> SafeString:
    """An address's colour, labelled with the colour's name."""
    return _badge(colour, colour.name, small=False)


@register.simple_tag
def incident_colour(colour: Colour, small: bool = False) -> SafeString:
    """An incident's colour, labelled with its severity."""
    return _badge(colour, Severity(colour.value).label, small=small)


@register.simple_tag
def incident_marks(marks: Sequence[Any], shown: int = 8) -> SafeString:
    """An address's incidents in the address list, newest first: the first `shown` each with
    its colour and day (and "police" for a police incident), then how many more. One tag for
    the list, not a loop in the template: a page shows up to fifty rows of them."""
    police = gettext("police")
    items = []
    for mark in marks[:shown]:
        day = formats.date_format(timezone.localtime(mark.at), "j-n-Y")
        kind = f" ({police})" if mark.kind == "police" else ""
        items.append((incident_colour(mark.colour, small=True), f"{day}{kind}"))
    html = format_html_join("", "<li>{} <span>{}</span></li>", items)
    if len(marks) > shown:
        more = len(marks) - shown
        text = ngettext("and %(counter)s more", "and %(counter)s more", more) % {"counter": more}
        html += format_html("<li>{}</li>", text)
    return html
