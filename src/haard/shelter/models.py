"""Shelter facilities (opvang) with their places, the people placed in them, the waiting list
and referrals to another region's facility.

A facility's address is secret (geheim adres): see `haard.shelter.access.sees_address`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from haard.accounts.access import AccessQuerySet
from haard.accounts.models import Organisation
from haard.cases.models import Case
from haard.core.models import Region, TimeStampedModel
from haard.registry.models import Person


class FacilityType(models.TextChoices):
    WOMENS_SHELTER = "womens_shelter", _("Women's shelter (vrouwenopvang)")
    MENS_SHELTER = "mens_shelter", _("Men's shelter (mannenopvang)")
    CRISIS = "crisis", _("Crisis places")
    HONOUR_RELATED = "honour_related", _("Honour-related violence")
    EXPLOITATION = "exploitation", _("Exploitation and loverboys")
    HUMAN_TRAFFICKING = "human_trafficking", _("Human trafficking")
    EXTREME_THREAT = "extreme_threat", _("Extreme threat and stalking")


class PlaceType(models.TextChoices):
    ADULT = "adult", _("adult")
    CHILD = "child", _("child")


class Facility(TimeStampedModel):
    """A shelter location run by a shelter organisation, with places per place type."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=FacilityType.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="shelter_facilities",
        verbose_name=_("organisation"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="shelter_facilities", verbose_name=_("region")
    )
    # The secret address: shown only through haard.shelter.access.address_for.
    street_address = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7)
    town = models.CharField(_("town"), max_length=120)
    adult_places = models.PositiveIntegerField(_("places for adults"), default=0)
    child_places = models.PositiveIntegerField(_("places for children"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shelter facility")
        verbose_name_plural = _("shelter facilities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_address(self) -> str:
        return f"{self.street_address}, {self.postcode} {self.town}"

    def places(self, place_type: str) -> int:
        return self.adult_places if place_type == PlaceType.ADULT else self.child_places


class DepartureDestination(models.TextChoices):
    OWN_HOME = "own_home", _("Back to own home")
    NEW_HOME = "new_home", _("New independent housing")
    ASSISTED_LIVING = "assisted_living", _("Assisted or supported living")
    FAMILY_FRIENDS = "family_friends", _("Family or friends")
    OTHER_SHELTER = "other_shelter", _("Another shelter facility")
    UNKNOWN = "unknown", _("Unknown")
    OTHER = "other", _("Other")


class Placement(TimeStampedModel):
    """A person in a place of a facility from arrival until departure. A child's placement
    names the placement of the parent or guardian in the same facility."""

    access_capability: ClassVar[str] = "manage_shelter"

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="placements", verbose_name=_("facility")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="shelter_placements", verbose_name=_("person")
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shelter_placements",
        verbose_name=_("case"),
    )
    place_type = models.CharField(_("place type"), max_length=8, choices=PlaceType.choices)
    guardian = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent or guardian"),
    )
    arrived_on = models.DateField(_("arrived on"))
    planned_departure_on = models.DateField(_("planned departure"), null=True, blank=True)
    departed_on = models.DateField(_("departed on"), null=True, blank=True)
    destination = models.CharField(
        _("destination"), max_length=20, choices=DepartureDestination.choices, blank=True
    )
    destination_note = models.CharField(_("destination, details"), max_length=200, blank=True)
    moved_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_to",
        verbose_name=_("moved from"),
    )
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-arrived_on", "pk"]
        indexes = [models.Index(fields=["facility", "departed_on"], name="shelter_placement_active")]
        constraints = [
            models.CheckConstraint(
                condition=Q(departed_on__isnull=True) | Q(departed_on__gte=models.F("arrived_on")),
                name="shelter_placement_departure_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.facility_id}"

    @property
    def is_active(self) -> bool:
        return self.departed_on is None


class Priority(models.IntegerChoices):
    URGENT = 1, _("urgent")
    HIGH = 2, _("high")
    NORMAL = 3, _("normal")


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    PLACED = "placed", _("placed")
    REFERRED = "referred", _("referred to another region")


class WaitingListEntry(TimeStampedModel):
    """Someone waiting for a place in a facility, with the priority and its reason. The list is
    ordered by priority, then by the moment of registration."""

    access_capability: ClassVar[str] = "manage_shelter"

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="waiting_list", verbose_name=_("facility")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="shelter_waiting", verbose_name=_("person")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("case")
    )
    children = models.PositiveSmallIntegerField(_("children coming along"), default=0)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    reason = models.TextField(_("reason for the priority"))
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["priority", "registered_at", "pk"]
        indexes = [models.Index(fields=["facility", "status", "priority"], name="shelter_waiting_order")]

    def __str__(self) -> str:
        return f"{self.person_id} waiting for {self.facility_id}"


class SafetyGround(models.TextChoices):
    HONOUR_RELATED = "honour_related", _("Honour-related threat")
    EXPLOITATION = "exploitation", _("Exploitation or loverboy network in the region")
    HUMAN_TRAFFICKING = "human_trafficking", _("Human trafficking")
    EXTREME_THREAT = "extreme_threat", _("Extreme threat or stalking")
    PERPETRATOR_NEARBY = "perpetrator_nearby", _("Perpetrator lives or works nearby")
    OTHER = "other", _("Other safety reason")


class Referral(TimeStampedModel):
    """A referral of someone waiting to a facility in another region because their safety
    requires a place away from the region."""

    access_capability: ClassVar[str] = "manage_shelter"

    waiting_entry = models.OneToOneField(
        WaitingListEntry,
        on_delete=models.PROTECT,
        related_name="referral",
        verbose_name=_("waiting-list entry"),
    )
    to_facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        related_name="referrals_in",
        verbose_name=_("facility referred to"),
    )
    ground = models.CharField(_("safety ground"), max_length=20, choices=SafetyGround.choices)
    reason = models.TextField(_("reason"))
    referred_on = models.DateField(_("referred on"))
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral to another region")
        verbose_name_plural = _("referrals to another region")
        ordering = ["-referred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.waiting_entry_id} to {self.to_facility_id}"
