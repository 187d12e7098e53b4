"""People, households and addresses: the registry every domain record points at."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from haard.accounts.access import AccessQuerySet
from haard.core import crypto
from haard.core.models import Municipality, Neighbourhood, TimeStampedModel
from haard.registry.matching import surname_key

BSN_HASH_PURPOSE = "bsn"

# People merged into another are kept (for history and unmerge) but no longer shown: every
# selector that lists or finds people filters with this.
ACTIVE_PEOPLE = models.Q(merged_into__isnull=True)


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


def person_name(first_names: str, surname_prefix: str, surname: str) -> str:
    """A person's name as every screen writes it: "Anna van Dijk"."""
    return " ".join(part for part in (first_names, surname_prefix, surname) if part)


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
    # The surname without tussenvoegsel in a spelling-tolerant form (see
    # registry.matching.surname_key), for linking and search by index. Filled on save; code
    # that bulk-creates people calls `fill_match_keys()` on each first.
    surname_key = models.CharField(max_length=100, blank=True, editable=False)
    # No index: nearly every row is NULL, and an index here tempts SQLite's planner away from
    # the selective ones (birth date, surname key) when a query also asks for unmerged rows.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        related_name="merged_people",
        verbose_name=_("merged into"),
    )
    history = HistoricalRecords(excluded_fields=["bsn_encrypted", "bsn_hash", "surname_key"])

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["surname", "first_names"]
        constraints = [
            # One person per BSN: linking relies on it, and a merge moves the BSN, never copies it.
            models.UniqueConstraint(
                fields=["bsn_hash"], condition=~models.Q(bsn_hash=""), name="person_unique_bsn"
            ),
        ]
        indexes = [
            models.Index(fields=["surname_key", "birth_date"], name="person_surname_key_birth"),
            models.Index(fields=["birth_date"], name="person_birth_date"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def fill_match_keys(self) -> None:
        """Compute the derived matching columns from the name (save() does this itself)."""
        self.surname_key = surname_key(self.surname_prefix, self.surname)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_match_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"surname", "surname_prefix"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "surname_key"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return person_name(self.first_names, self.surname_prefix, self.surname)

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


class MatchStatus(models.TextChoices):
    OPEN = "open", _("open")
    CONFIRMED = "confirmed", _("confirmed: merged")
    REJECTED = "rejected", _("rejected: different people")


class PossibleMatch(TimeStampedModel):
    """Two people that linking could not tell apart with confidence: a person decides.

    `person_a` is the one registered earlier, `person_b` the one linking just registered.
    """

    person_a = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="possible_matches_as_a", verbose_name=_("person")
    )
    person_b = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="possible_matches_as_b",
        verbose_name=_("possible duplicate"),
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    source = models.CharField(_("source"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("possible match")
        verbose_name_plural = _("possible matches")
        ordering = ["-score", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person_a", "person_b"],
                condition=models.Q(status="open"),
                name="possible_match_one_open_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["status", "score"], name="possible_match_queue")]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.score:.2f})"


class PersonMerge(models.Model):
    """`merged` was merged into `into`: every link that pointed at `merged` and moved is
    listed in `moved_links` (model label, primary key, field), so that an unmerge moves
    exactly those back. `merged` is kept, marked with `merged_into`."""

    merged = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="merges_out", verbose_name=_("merged person")
    )
    into = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="merges_in", verbose_name=_("kept person")
    )
    possible_match = models.ForeignKey(
        PossibleMatch, on_delete=models.PROTECT, null=True, blank=True, related_name="merges"
    )
    reason = models.TextField(_("reason"))
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    moved_links = models.JSONField(_("moved links"), default=list)
    # Links left with the merged person because the kept person already had the same one
    # (a unique constraint refused a second): nothing is lost, nothing doubled.
    kept_links = models.JSONField(_("links already present"), default=list)
    bsn_moved = models.BooleanField(_("BSN moved to the kept person"), default=False)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unmerged_at = models.DateTimeField(_("unmerged at"), null=True, blank=True)
    unmerge_reason = models.TextField(_("reason for the unmerge"), blank=True)
    # Moved links that could not go back at the unmerge (the row was deleted since).
    not_restored_links = models.JSONField(_("links not restored"), default=list)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("merge of people")
        verbose_name_plural = _("merges of people")
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(unmerged_at__isnull=True),
                name="person_merge_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.into_id}"

    @property
    def active(self) -> bool:
        return self.unmerged_at is None
