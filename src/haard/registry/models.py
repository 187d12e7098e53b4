"""People, households and addresses: the registry every domain record points at."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from haard.accounts.access import AccessQuerySet
from haard.core import crypto
from haard.core.models import Municipality, Neighbourhood, TimeStampedModel

BSN_HASH_PURPOSE = "bsn"


class Address(TimeStampedModel):
    postcode = models.CharField(_("postcode"), max_length=6, db_index=True)
    house_number = models.PositiveIntegerField(_("house number"))
    house_letter = models.CharField(_("house letter"), max_length=1, blank=True)
    addition = models.CharField(_("addition"), max_length=4, blank=True)
    street = models.CharField(_("street"), max_length=200)
    town = models.CharField(_("town"), max_length=120)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="addresses", verbose_name=_("municipality")
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addresses",
        verbose_name=_("neighbourhood"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["postcode", "house_number", "house_letter", "addition"],
                name="address_unique_bag_key",
            )
        ]

    def __str__(self) -> str:
        number = f"{self.house_number}{self.house_letter}"
        if self.addition:
            number += f"-{self.addition}"
        return f"{self.street} {number}, {self.postcode[:4]} {self.postcode[4:]} {self.town}"


class Gender(models.TextChoices):
    FEMALE = "f", _("female")
    MALE = "m", _("male")
    OTHER = "x", _("other or unknown")


class Person(TimeStampedModel):
    access_capability: ClassVar[str] = "view_personal_data"

    first_names = models.CharField(_("first names"), max_length=200)
    surname_prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True)
    surname = models.CharField(_("surname"), max_length=200, db_index=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.OTHER)
    bsn_encrypted = models.TextField(_("BSN (encrypted)"), blank=True, editable=False)
    bsn_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    secret_address = models.BooleanField(_("secret address"), default=False)
    do_not_contact = models.BooleanField(_("do not contact"), default=False)
    history = HistoricalRecords(excluded_fields=["bsn_encrypted", "bsn_hash"])

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["surname", "first_names"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_names, self.surname_prefix, self.surname) if p)

    def set_bsn(self, bsn: str) -> None:
        """Store an already validated BSN encrypted, with its keyed hash for look-up."""
        self.bsn_encrypted = crypto.encrypt(bsn) if bsn else ""
        self.bsn_hash = crypto.keyed_hash(bsn, purpose=BSN_HASH_PURPOSE) if bsn else ""

    @property
    def bsn(self) -> str:
        return crypto.decrypt(self.bsn_encrypted) if self.bsn_encrypted else ""

    @property
    def masked_bsn(self) -> str:
        value = self.bsn
        return f"•••••{value[-4:]}" if value else ""


class Household(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, null=True, blank=True, related_name="households"
    )
    members = models.ManyToManyField(Person, through="HouseholdMember", related_name="households")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.name


class HouseholdRole(models.TextChoices):
    PARENT = "parent", _("parent or carer")
    PARTNER = "partner", _("partner")
    CHILD = "child", _("child")
    OTHER = "other", _("other household member")


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="household_memberships")
    role = models.CharField(_("role"), max_length=16, choices=HouseholdRole.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="household_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id}"
