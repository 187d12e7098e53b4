"""Writes for the registry: addresses and people. Keyword-only, one transaction each.

Addresses are keyed as the BAG keys them: postcode, house number, letter and addition. Any
spelling of the same address ("1234 ab", "12-a", "Dorpstraat" or "Dorpsstraat") becomes the
one row with that key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from haard.core import crypto
from haard.core.models import Municipality, Neighbourhood
from haard.registry.models import BSN_HASH_PURPOSE, Address, Gender, Person
from haard.registry.validation import normalise_bsn, normalise_postcode

_HOUSE_NUMBER = re.compile(r"^\s*(\d{1,5})\s*[-\s]?\s*([A-Za-z])?\s*(?:[-\s/]+\s*([A-Za-z0-9]{1,4}))?\s*$")


@dataclass(frozen=True)
class HouseNumber:
    number: int
    letter: str = ""
    addition: str = ""


def parse_house_number(value: str) -> HouseNumber:
    """'12', '12a', '12 A', '12-a', '12a-2', '12 bis' → number, letter, addition."""
    match = _HOUSE_NUMBER.match(value or "")
    if not match or int(match.group(1)) == 0:
        raise ValidationError(_("A house number looks like 12, 12a or 12a-2."), code="house_number")
    return HouseNumber(
        number=int(match.group(1)),
        letter=(match.group(2) or "").upper(),
        addition=(match.group(3) or "").upper(),
    )


def address_key(
    *, postcode: str, house_number: int, house_letter: str = "", addition: str = ""
) -> dict[str, object]:
    """The normalised key of an address; raises ValidationError for a bad postcode."""
    return {
        "postcode": normalise_postcode(postcode),
        "house_number": house_number,
        "house_letter": (house_letter or "").strip().upper()[:1],
        "addition": re.sub(r"[\s\-/]", "", addition or "").upper()[:4],
    }


def find_address(
    *, postcode: str, house_number: int, house_letter: str = "", addition: str = ""
) -> Address | None:
    """The stored address with this key, in any spelling, or None."""
    key = address_key(
        postcode=postcode, house_number=house_number, house_letter=house_letter, addition=addition
    )
    return Address.objects.filter(**key).first()


def find_or_create_address(
    *,
    postcode: str,
    house_number: int,
    house_letter: str = "",
    addition: str = "",
    street: str = "",
    town: str = "",
    municipality: Municipality | None = None,
    neighbourhood: Neighbourhood | None = None,
) -> Address:
    """The one address for this key, created when new (street, town and municipality are
    then required). An existing address is returned unchanged: a differently spelled street
    never overwrites the stored one."""
    key = address_key(
        postcode=postcode, house_number=house_number, house_letter=house_letter, addition=addition
    )
    existing = Address.objects.filter(**key).first()
    if existing is not None:
        return existing
    missing = [
        name
        for name, value in (("street", street), ("town", town), ("municipality", municipality))
        if not value
    ]
    if missing or municipality is None:
        raise ValidationError(
            {name: _("Needed for a new address.") for name in missing}, code="address_incomplete"
        )
    if neighbourhood is not None and neighbourhood.district.municipality_id != municipality.pk:
        raise ValidationError({"neighbourhood": _("This neighbourhood lies in another municipality.")})
    try:
        with transaction.atomic():
            return Address.objects.create(
                **key,
                street=" ".join(street.split()),
                town=" ".join(town.split()),
                municipality=municipality,
                neighbourhood=neighbourhood,
            )
    except IntegrityError:
        # Someone created the same address at the same moment: theirs is ours.
        return Address.objects.get(**key)


def find_person_by_bsn(bsn: str) -> Person | None:
    """For linking only, never for showing: the person with this BSN, through its hash."""
    return Person.objects.filter(
        bsn_hash=crypto.keyed_hash(normalise_bsn(bsn), purpose=BSN_HASH_PURPOSE)
    ).first()


def check_person_fields(*, surname: str, birth_date: date | None, gender: str, bsn: str) -> str:
    """Check the fields a new person needs, without reading the register: the normalised BSN
    ("" when none is given), or ValidationError naming every field that is wrong."""
    errors: dict[str, object] = {}
    if not surname.strip():
        errors["surname"] = _("A surname is needed.")
    if birth_date is not None and birth_date > date.today():
        errors["birth_date"] = _("A date of birth cannot lie in the future.")
    if gender not in Gender.values:
        errors["gender"] = _("Unknown gender.")
    clean_bsn = ""
    if bsn.strip():
        try:
            clean_bsn = normalise_bsn(bsn)
        except ValidationError as exc:
            errors["bsn"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return clean_bsn


@transaction.atomic
def register_person(
    *,
    first_names: str,
    surname: str,
    surname_prefix: str = "",
    birth_date: date | None = None,
    gender: str = Gender.OTHER,
    bsn: str = "",
    phone: str = "",
    email: str = "",
) -> Person:
    """Create a person after checking every field; refuses a BSN that is already registered
    (link to that person instead)."""
    try:
        clean_bsn = check_person_fields(surname=surname, birth_date=birth_date, gender=gender, bsn=bsn)
    except ValidationError as exc:
        errors = exc.message_dict
    else:
        errors = {}
        if clean_bsn and find_person_by_bsn(clean_bsn) is not None:
            errors["bsn"] = [str(_("A person with this BSN is already registered."))]
    if errors:
        raise ValidationError(errors)
    person = Person(
        first_names=" ".join(first_names.split()),
        surname_prefix=" ".join(surname_prefix.split()).lower(),
        surname=" ".join(surname.split()),
        birth_date=birth_date,
        gender=gender,
        phone=phone.strip(),
        email=email.strip(),
    )
    person.set_bsn(clean_bsn)
    person.save()
    return person
