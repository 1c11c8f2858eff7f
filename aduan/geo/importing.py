"""Import kelurahan or kecamatan boundaries from GeoJSON, with a report of what happened.

GeoJSON is what BPS, geoBoundaries and OpenStreetMap exports are published in. Each
feature must carry an area geometry (Polygon or MultiPolygon) and a property naming an
area Aduan already knows (the master data in core: Kecamatan, Kelurahan). A feature is
matched by its Kemendagri code when it has one (separators do not count:
"35.73.02.1001" = "3573021001"), otherwise by its normalised name ("KEL. ORO-ORO DOWO" =
"Oro-oro Dowo"); a kelurahan name shared by two kecamatan is told apart by a kecamatan
property when the feature has one.

Nothing is half-imported: the valid, matched features are written in one transaction,
each replacing that area's earlier boundary; features that are invalid, unmatched,
ambiguous or that name an area a second time are left out and listed in the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from aduan.core.models import Kecamatan, Kelurahan
from aduan.lib import geo

from .models import Boundary

Level = Boundary.Level

# Property names (compared case-insensitively) that exports use, most specific first:
# BPS (KDEPUM, WADMKD, WADMKC), geoBoundaries (shapeName), HDX/OCHA (ADM4_PCODE, ADM4_EN),
# OpenStreetMap (ref:kemendagri, name).
CODE_KEYS = {
    Level.KELURAHAN: ("kode", "code", "kode_kel", "kode_desa", "kdepum", "adm4_pcode"),
    Level.KECAMATAN: ("kode", "code", "kode_kec", "kdcpum", "adm3_pcode"),
}
COMMON_CODE_KEYS = ("ref:kemendagri",)
NAME_KEYS = {
    Level.KELURAHAN: (
        "kelurahan",
        "nama_kel",
        "desa",
        "nama_desa",
        "wadmkd",
        "namobj",
        "adm4_en",
        "shapename",
        "nama",
        "name",
        "name:id",
    ),
    Level.KECAMATAN: (
        "kecamatan",
        "nama_kec",
        "wadmkc",
        "namobj",
        "adm3_en",
        "shapename",
        "nama",
        "name",
        "name:id",
    ),
}
KECAMATAN_KEYS = ("kecamatan", "nama_kec", "wadmkc", "adm3_en")


class ImportFailed(Exception):
    """The file is not GeoJSON with features at all (nothing was written)."""


@dataclass
class Report:
    level: str
    source: str
    dry_run: bool = False
    features: int = 0
    matched: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    invalid: list[tuple[str, list[str]]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    written: int = 0

    @property
    def problems(self) -> int:
        return len(self.unmatched) + len(self.ambiguous) + len(self.duplicates) + len(self.invalid)

    def lines(self) -> list[str]:
        verb = "would be written" if self.dry_run else "written"
        out = [
            f"{self.source}: {self.features} features, level {self.level}",
            f"matched: {len(self.matched)} ({self.written} boundaries {verb})",
        ]
        if self.unmatched:
            out.append(f"unmatched ({len(self.unmatched)}): " + "; ".join(self.unmatched))
        if self.ambiguous:
            out.append(f"ambiguous ({len(self.ambiguous)}): " + "; ".join(self.ambiguous))
        if self.duplicates:
            out.append(
                f"duplicates, left out ({len(self.duplicates)}): " + "; ".join(self.duplicates)
            )
        for label, problems in self.invalid:
            out.append(f"invalid geometry: {label}: " + "; ".join(problems))
        if self.missing:
            out.append(
                f"{self.level} without a boundary ({len(self.missing)}): " + ", ".join(self.missing)
            )
        return out


def _properties(feature: dict) -> dict[str, object]:
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        return {}
    return {str(k).lower(): v for k, v in props.items() if v not in (None, "")}


def _label(index: int, props: dict, keys) -> str:
    for key in keys:
        if key in props:
            return f"#{index} {props[key]}"
    return f"#{index}"


class _Targets:
    """The known areas of one level, indexed by normalised code and name."""

    def __init__(self, level: str):
        self.level = level
        if level == Level.KELURAHAN:
            areas = list(Kelurahan.objects.select_related("kecamatan"))
        else:
            areas = list(Kecamatan.objects.all())
        self.areas = areas
        self.by_code = {geo.normalise_code(a.code): a for a in areas}
        self.by_name: dict[str, list] = {}
        for area in areas:
            self.by_name.setdefault(geo.normalise_name(area.name), []).append(area)

    def match(self, props: dict, match_property: str | None):
        """``(area, None)`` or ``(None, "unmatched" | "ambiguous")``."""
        if match_property:
            value = props.get(match_property.lower())
            codes, names = ([value], [value]) if value is not None else ([], [])
        else:
            keys = (*COMMON_CODE_KEYS, *CODE_KEYS[self.level])
            codes = [props[k] for k in keys if k in props]
            names = [props[k] for k in NAME_KEYS[self.level] if k in props]
        for code in codes:
            found = self.by_code.get(geo.normalise_code(code))
            if found is not None:
                return found, None
        for name in names:
            candidates = self.by_name.get(geo.normalise_name(name), [])
            if len(candidates) > 1 and self.level == Level.KELURAHAN:
                kecamatan = [geo.normalise_name(props[k]) for k in KECAMATAN_KEYS if k in props]
                candidates = [
                    c for c in candidates if geo.normalise_name(c.kecamatan.name) in kecamatan
                ] or candidates
            if len(candidates) == 1:
                return candidates[0], None
            if len(candidates) > 1:
                return None, "ambiguous"
        return None, "unmatched"


def read_features(data) -> list:
    """The features of a FeatureCollection, a single Feature, or a bare geometry."""
    if not isinstance(data, dict):
        raise ImportFailed("not a GeoJSON object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise ImportFailed("FeatureCollection without a features list")
        return features
    if kind == "Feature":
        return [data]
    raise ImportFailed(f"expected a FeatureCollection or a Feature, not {kind!r}")


def load_file(path: str | Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise ImportFailed(f"cannot read {path}: {error.strerror or error}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFailed(f"{path} is not JSON: {error}") from error


def import_boundaries(
    data: dict,
    *,
    level: str = Level.KELURAHAN,
    source: str = "",
    match_property: str | None = None,
    dry_run: bool = False,
) -> Report:
    """Check every feature of ``data`` (parsed GeoJSON) and write the sound, matched ones."""
    if level not in Level.values:
        raise ImportFailed(f"unknown level {level!r}")
    features = read_features(data)
    report = Report(level=level, source=source or "GeoJSON", dry_run=dry_run)
    report.features = len(features)
    targets = _Targets(level)
    chosen: dict[int, tuple] = {}
    labels: dict[int, str] = {}
    seen_twice: set[int] = set()
    for index, feature in enumerate(features, start=1):
        feature = feature if isinstance(feature, dict) else {}
        props = _properties(feature)
        keys = (match_property.lower(),) if match_property else NAME_KEYS[level]
        label = _label(index, props, keys)
        problems = geo.geometry_problems(feature.get("geometry"))
        if problems:
            report.invalid.append((label, problems))
            continue
        area, why = targets.match(props, match_property)
        if area is None:
            (report.ambiguous if why == "ambiguous" else report.unmatched).append(label)
            continue
        if area.pk in chosen:
            seen_twice.add(area.pk)
            report.duplicates.append(f"{label} (also {labels[area.pk]}) = {area.name}")
            continue
        chosen[area.pk] = (area, feature["geometry"], label)
        labels[area.pk] = label
    for pk in seen_twice:
        chosen.pop(pk)
    report.matched = [label for _area, _geometry, label in chosen.values()]
    report.written = len(chosen)
    if not dry_run:
        with transaction.atomic():
            for area, geometry, label in chosen.values():
                _save(level, area, geometry, label, source)
    covered = set(
        Boundary.objects.filter(level=level).values_list(
            "kelurahan_id" if level == Level.KELURAHAN else "kecamatan_id", flat=True
        )
    )
    if dry_run:
        covered |= set(chosen)
    report.missing = sorted(a.name for a in targets.areas if a.pk not in covered)
    return report


def _save(level: str, area, geometry: dict, label: str, source: str) -> Boundary:
    west, south, east, north = geo.bbox(geometry)
    values = {
        "geometry": geometry,
        "west": west,
        "south": south,
        "east": east,
        "north": north,
        "source_name": label.split(" ", 1)[-1][:200],
        "source": source[:255],
    }
    if level == Level.KELURAHAN:
        values["kecamatan"] = area.kecamatan
        boundary, _created = Boundary.objects.update_or_create(
            level=level, kelurahan=area, defaults=values
        )
    else:
        boundary, _created = Boundary.objects.update_or_create(
            level=level, kecamatan=area, defaults=values
        )
    return boundary
