"""Parsing and checking of Dutch identifiers: BSN (11-check) and postcode."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import postcode as stdnum_postcode


def normalise_bsn(value: str) -> str:
    """Return the 9-digit BSN or raise a ValidationError that says what is wrong."""
    compact = stdnum_bsn.compact(value or "")
    if not compact.isdigit():
        raise ValidationError(_("A BSN consists of digits only."), code="bsn_digits")
    if len(compact) != 9:
        raise ValidationError(_("A BSN has 9 digits."), code="bsn_length")
    try:
        return str(stdnum_bsn.validate(compact))
    except StdnumError:
        raise ValidationError(_("This BSN does not pass the 11-check."), code="bsn_checksum") from None


_POSTCODE = re.compile(r"^\s*([1-9]\d{3})\s*([A-Za-z]{2})\s*$")


def normalise_postcode(value: str) -> str:
    """'1234 ab' → '1234AB'; raise a ValidationError for anything that is not a postcode."""
    match = _POSTCODE.match(value or "")
    if not match:
        raise ValidationError(_("A postcode looks like 1234 AB."), code="postcode_format")
    try:
        formatted = stdnum_postcode.validate(f"{match.group(1)}{match.group(2)}")
    except StdnumError:
        raise ValidationError(
            _("This postcode does not exist in the Netherlands."), code="postcode_invalid"
        ) from None
    return str(formatted).replace(" ", "")
