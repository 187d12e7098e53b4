"""Reference geography shared by every domain: the region, its municipalities, districts and
neighbourhoods with their CBS codes (gemeente GMxxxx, wijk WKxxxxxx, buurt BUxxxxxxxx)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Region(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    code = models.CharField(
        _("CBS code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^GM\d{4}$", _("A municipality code looks like GM0118."))],
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="districts")
    code = models.CharField(
        _("CBS code"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^WK\d{6}$", _("A district code looks like WK011801."))],
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("district (wijk)")
        verbose_name_plural = _("districts (wijken)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="neighbourhoods")
    code = models.CharField(
        _("CBS code"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^BU\d{8}$", _("A neighbourhood code looks like BU01180101."))],
    )
    name = models.CharField(_("name"), max_length=120)
    population = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)

    class Meta:
        verbose_name = _("neighbourhood (buurt)")
        verbose_name_plural = _("neighbourhoods (buurten)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RegionSetting(models.Model):
    """An override of a declared region setting (see core.region_settings)."""

    key = models.CharField(_("setting"), max_length=80, unique=True)
    value = models.JSONField(_("value"))
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("region setting")
        verbose_name_plural = _("region settings")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from haard.core import region_settings

        known = {d.key: d for d in region_settings.declarations()}
        if self.key not in known:
            raise ValidationError({"key": _("No such setting.")})
        try:
            self.value = known[self.key].clean(self.value)
        except ValidationError as exc:
            raise ValidationError({"value": exc.messages}) from None
