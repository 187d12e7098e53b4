"""Colour badges: a text label and a shape next to the colour, never the colour alone."""

from __future__ import annotations

from typing import Any

from django import template

from haard.insight.colour import Colour
from haard.intake.models import Severity

register = template.Library()


@register.inclusion_tag("insight/_colour.html")
def address_colour(colour: Colour) -> dict[str, Any]:
    """An address's colour, labelled with the colour's name."""
    return {"colour": colour, "text": colour.name, "small": False}


@register.inclusion_tag("insight/_colour.html")
def incident_colour(colour: Colour, small: bool = False) -> dict[str, Any]:
    """An incident's colour, labelled with its severity."""
    return {"colour": colour, "text": Severity(colour.value).label, "small": small}
