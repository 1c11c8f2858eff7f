"""Photos kept between a failed submission and the corrected one.

A browser cannot refill a file input, so photos that passed the checks are
kept server-side under the form's submission key; the citizen doesn't upload
them twice. Stale stashes are removed by the worker.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

from django.conf import settings

from aduan.lib.images import CleanImage

_EXT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


def _dir(key: str) -> Path:
    # ``key`` is a validated uuid hex, so it is safe as a folder name.
    return Path(settings.MEDIA_ROOT) / "pending" / key


def fingerprint(photo: CleanImage) -> str:
    """The same photo chosen twice is re-encoded to the same bytes: one copy is kept."""
    return hashlib.sha256(photo.data).hexdigest()[:16]


def unique(photos) -> list[CleanImage]:
    seen: set[str] = set()
    result = []
    for photo in photos:
        mark = fingerprint(photo)
        if mark not in seen:
            seen.add(mark)
            result.append(photo)
    return result


def save(key: str, photos: list[CleanImage]) -> None:
    folder = _dir(key)
    folder.mkdir(parents=True, exist_ok=True)
    kept = {path.stem.rsplit("-", 1)[-1] for path in folder.iterdir()}
    start = len(kept)
    for photo in unique(photos):
        mark = fingerprint(photo)
        if mark in kept:
            continue
        kept.add(mark)
        name = f"{start:02d}-{photo.width}x{photo.height}-{mark}.{photo.extension}"
        (folder / name).write_bytes(photo.data)
        start += 1


def load(key: str) -> list[CleanImage]:
    folder = _dir(key)
    if not key or not folder.is_dir():
        return []
    result = []
    for path in sorted(folder.iterdir()):
        stem, ext = path.stem, path.suffix.lstrip(".")
        try:
            width, height = (int(v) for v in stem.split("-")[1].split("x"))
        except (IndexError, ValueError):
            continue
        result.append(
            CleanImage(path.read_bytes(), _EXT_TYPES.get(ext, "image/jpeg"), ext, width, height)
        )
    return result


def count(key: str) -> int:
    folder = _dir(key)
    return len(list(folder.iterdir())) if key and folder.is_dir() else 0


def clear(key: str) -> None:
    shutil.rmtree(_dir(key), ignore_errors=True)


def purge_older_than(seconds: float) -> int:
    root = Path(settings.MEDIA_ROOT) / "pending"
    if not root.is_dir():
        return 0
    cutoff = time.time() - seconds
    removed = 0
    for folder in root.iterdir():
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
