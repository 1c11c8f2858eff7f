"""Administrative boundaries as data: one area geometry per kelurahan or kecamatan.

Imported from GeoJSON by ``aduan boundaries import`` (aduan/geo/importing.py). The
geometry is stored as GeoJSON in a JSON column, so the embedded SQLite and PostgreSQL
need no spatial extension; the bounding box columns let a lookup ask the database for
the few areas whose box holds a point before testing the polygons in Python
(aduan/lib/geo.py). A city has tens to a few hundred kelurahan: that is fast enough.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.core.models import Kecamatan, Kelurahan


class Boundary(models.Model):
    class Level(models.TextChoices):
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN = "kelurahan", _("Kelurahan")

    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    kecamatan = models.ForeignKey(
        Kecamatan, null=True, blank=True, on_delete=models.CASCADE, related_name="boundaries"
    )
    kelurahan = models.ForeignKey(
        Kelurahan, null=True, blank=True, on_delete=models.CASCADE, related_name="boundaries"
    )
    # The feature's name as the source file spelled it (for the report and the admin).
    source_name = models.CharField(_("nama di sumber"), max_length=200, blank=True)
    source = models.CharField(_("berkas sumber"), max_length=255, blank=True)
    geometry = models.JSONField(_("geometri (GeoJSON)"))
    west = models.FloatField()
    south = models.FloatField()
    east = models.FloatField()
    north = models.FloatField()
    imported_at = models.DateTimeField(_("diimpor"), auto_now=True)

    class Meta:
        ordering = ["level", "pk"]
        verbose_name = _("batas wilayah")
        verbose_name_plural = _("batas wilayah")
        indexes = [models.Index(fields=["level", "south", "north"], name="boundary_bbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["kelurahan"],
                condition=models.Q(level="kelurahan"),
                name="boundary_one_per_kelurahan",
            ),
            models.UniqueConstraint(
                fields=["kecamatan"],
                condition=models.Q(level="kecamatan"),
                name="boundary_one_per_kecamatan",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(level="kelurahan", kelurahan__isnull=False)
                    | models.Q(level="kecamatan", kecamatan__isnull=False, kelurahan__isnull=True)
                ),
                name="boundary_names_its_area",
            ),
        ]

    def __str__(self) -> str:
        area = self.kelurahan if self.level == self.Level.KELURAHAN else self.kecamatan
        return f"{self.get_level_display()} {area}"
