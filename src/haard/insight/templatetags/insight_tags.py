"""Colour badges: a text label and a shape next to the colour, never the colour alone.

Plain tags rather than inclusion tags: the address list shows up to nine badges a row, and a
template of its own per badge costs more than the rest of the row."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

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
