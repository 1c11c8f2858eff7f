"""Loading the demo city (Kota Malang) into the database.

The city's own record, then master data, is upserted; demo complaints are walked
through the real lifecycle functions with back-dated times, so every timeline,
deadline and statistic is what the system itself would have produced.

The demo app sits above every other app and may import any of them; nothing outside
it imports the demo (see aduan/core/tests/test_layering.py).
"""

from __future__ import annotations

import random
from base64 import b32decode
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.core import lifecycle
from aduan.core.models import (
    Agency,
    Category,
    City,
    Complaint,
    Kecamatan,
    Kelurahan,
    OutboundMessage,
    Outcome,
    RejectionReason,
    Role,
    User,
)
from aduan.deadlines.sweep import sweep
from aduan.lib.phones import normalize_phone
from aduan.office import twofactor

from . import boundaries, corpus, knowledge, malang, streets

DEMO_PASSWORD = "aduan-demo"  # noqa: S105 (public demo password, printed on start)
# The demo's accounts that must pass a second step share one public authenticator key,
# printed on start: one entry in an authenticator app (or ``aduan demo --totp USER``)
# opens all of them. Only this loader ever writes it.
DEMO_TOTP_SECRET = "ADUANDEMOMALANGKOTAPENGADUAN2345"  # noqa: S105 (public, printed)


def load_city() -> City:
    """The demo's own city record (name, map bounds, SMS number)."""
    bounds = malang.CITY_BOUNDS
    city = City.objects.first() or City()
    for field, value in malang.CITY.items():
        setattr(city, field, value)
    # The record keeps exact decimals; the demo's box is written in floats.
    city.south = Decimal(str(bounds["lat_min"]))
    city.north = Decimal(str(bounds["lat_max"]))
    city.west = Decimal(str(bounds["lon_min"]))
    city.east = Decimal(str(bounds["lon_max"]))
    city.full_clean()
    city.save()
    return city


@transaction.atomic
def load_master_data() -> None:
    load_city()
    for kec in malang.KECAMATAN:
        kecamatan, _ = Kecamatan.objects.update_or_create(
            code=kec["code"],
            defaults={"name": kec["name"], "latitude": kec["lat"], "longitude": kec["lon"]},
        )
        for kel in kec["kelurahan"]:
            Kelurahan.objects.update_or_create(
                code=kel["code"],
                defaults={
                    "name": kel["name"],
                    "kecamatan": kecamatan,
                    "latitude": kel["lat"],
                    "longitude": kel["lon"],
                },
            )
    for a in malang.AGENCIES:
        Agency.objects.update_or_create(
            code=a["code"],
            defaults={
                "name": a["name"],
                "short_name": a["short_name"],
                "kind": a["kind"],
                "email": a.get("email", ""),
                "description": a.get("description", "")[:300],
            },
        )
    agencies = {a.code: a for a in Agency.objects.all()}
    for c in malang.CATEGORIES:
        category, _ = Category.objects.update_or_create(
            code=c["code"],
            defaults={
                "name": c["name"],
                "description": c.get("description", "")[:300],
                "agency": agencies[c["agency"]],
                "keywords": ", ".join(c.get("keywords", [])),
            },
        )
        category.supporting_agencies.set([agencies[s] for s in c.get("supporting", [])])
    for r in malang.REJECTION_REASONS:
        RejectionReason.objects.update_or_create(
            code=r["code"],
            defaults={
                "label": r["label"],
                "explanation": r["explanation_for_citizen"],
                "referral": r.get("referral") or "",
            },
        )
    for s in malang.STAFF:
        user, created = User.objects.get_or_create(username=s["username"])
        parts = s["full_name"].split(" ", 1)
        user.first_name = parts[0]
        user.last_name = parts[1] if len(parts) > 1 else ""
        user.role = s["role"]
        user.agency = agencies.get(s["agency"]) if s.get("agency") else None
        user.is_staff = s["role"] == Role.ADMIN_SISTEM
        user.is_superuser = s["role"] == Role.ADMIN_SISTEM
        user.email = f"{s['username']}@demo.aduan.id"
        if created:
            # Shorter than the 12 characters a staff member must choose (the validators
            # guard the password forms, not set_password): the demo's password is public
            # anyway, and the second step is what protects these accounts.
            user.set_password(DEMO_PASSWORD)
        user.save()
    knowledge.load_articles()
    streets.load_streets()
    # Approximate kelurahan boundaries (see demo/boundaries.py), through `aduan boundaries`'s code.
    boundaries.load_boundaries()
    enrol_demo_second_factor()


def demo_totp_key() -> str:
    """The demo secret as django-otp stores it (hex)."""
    return b32decode(DEMO_TOTP_SECRET).hex()


def enrol_demo_second_factor() -> int:
    """Give each demo account whose role requires a second factor the demo
    authenticator, unless it already has one (a demo user may have enrolled their own).
    Returns how many were enrolled."""
    key = demo_totp_key()
    enrolled = 0
    for s in malang.STAFF:
        user = User.objects.filter(username=s["username"]).first()
        if user is None or not twofactor.role_requires(user):
            continue
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            continue
        TOTPDevice.objects.create(user=user, name="demo", key=key, confirmed=True)
        enrolled += 1
    return enrolled


def demo_totp_code(username: str) -> str | None:
    """The current code of a demo account's authenticator; ``None`` for an account
    without the demo key, so the command never reads a real person's secret."""
    device = TOTPDevice.objects.filter(
        user__username=username, confirmed=True, key=demo_totp_key()
    ).first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


# Final status of a demo complaint, by how old it is: old ones are mostly done.
# Older answered complaints would have closed themselves (ADUAN_AUTO_CLOSE_DAYS).
_PLANS_OLD = [
    ("ditutup", 52),
    ("ditolak", 7),
    ("digabung", 3),
    ("ditunda_anggaran", 6),
    ("diproses", 6),
    ("reopened", 4),
    ("menunggu_info", 2),
    ("returned", 1),
]
_PLANS_RECENT = [
    ("baru", 14),
    ("terverifikasi", 6),
    ("didisposisikan", 14),
    ("diproses", 16),
    ("menunggu_info", 6),
    ("selesai", 14),
    ("ditutup", 8),
    ("ditolak", 5),
    ("returned", 3),
    ("ditunda_anggaran", 3),
    ("reopened", 2),
    ("digabung", 2),
]


def _pick(rng, plans):
    total = sum(w for _, w in plans)
    x = rng.uniform(0, total)
    for name, weight in plans:
        x -= weight
        if x <= 0:
            return name
    return plans[-1][0]


class _Walker:
    def __init__(self, rng, now):
        self.rng = rng
        self.now = now
        self.moderators = list(User.objects.filter(role=Role.MODERATOR))
        self.admins = {u.agency_id: u for u in User.objects.filter(role=Role.ADMIN_OPD)}
        self.reasons = {r.code: r for r in RejectionReason.objects.all()}
        self.categories = {c.code: c for c in Category.objects.select_related("agency")}
        self.kelurahan = {k.code: k for k in Kelurahan.objects.select_related("kecamatan")}
        self.agencies = list(Agency.objects.all())
        self.survivors: list[Complaint] = []

    def step(self, at, hours_lo, hours_hi):
        nxt = at + timedelta(hours=self.rng.uniform(hours_lo, hours_hi))
        return min(nxt, self.now - timedelta(minutes=5))

    def walk(self, item: dict) -> Complaint:
        rng = self.rng
        category = self.categories.get(item["category"])
        at = item["received_at"]
        phone = ""
        if item.get("reporter_phone"):
            try:
                phone = normalize_phone(item["reporter_phone"])
            except ValueError:
                phone = ""
        plan = item["_plan"]
        complaint, _ = lifecycle.create_complaint(
            text=item["text"],
            channel=item["channel"],
            kind=item["kind"],
            privacy=item["privacy"],
            reporter_name=item.get("reporter_name") or "",
            reporter_phone=phone,
            reporter_email=item.get("reporter_email") or "",
            kelurahan=self.kelurahan.get(item.get("kelurahan")),
            address=item.get("address") or "",
            latitude=item.get("lat"),
            longitude=item.get("lon"),
            category=category if (plan != "baru" or rng.random() < 0.5) else None,
            at=at,
        )
        if plan == "baru":
            return complaint
        mod = rng.choice(self.moderators)
        at = self.step(at, 0.5, 30)
        if plan == "ditolak":
            code = rng.choice(["spam", "incomplete", "not_city_matter", "duplicate"])
            reason = self.reasons.get(code) or next(iter(self.reasons.values()))
            lifecycle.reject(complaint, mod, reason=reason, note="", at=at)
            return complaint
        if plan == "digabung" and self.survivors:
            lifecycle.merge(complaint, mod, into=rng.choice(self.survivors[-20:]), at=at)
            return complaint
        if plan == "terverifikasi":
            lifecycle.verify(complaint, mod, at=at)
            return complaint
        if category is None:
            category = rng.choice(list(self.categories.values()))
            lifecycle.correct(complaint, mod, category=category, at=at)
        if complaint.kind == "informasi" and rng.random() < 0.6 and plan in ("selesai", "ditutup"):
            lifecycle.answer_directly(
                complaint, mod, answer=corpus.answer_for(item, "Diskominfo"), at=at
            )
            if plan == "ditutup":
                lifecycle.confirm(complaint, at=self.step(at, 2, 48))
            return complaint
        lead = category.agency
        supporting = list(category.supporting_agencies.all())[:1] if rng.random() < 0.2 else []
        lifecycle.dispatch(complaint, mod, lead=lead, supporting=supporting, at=at)
        if rng.random() < 0.25:
            self.survivors.append(complaint)
        if plan == "didisposisikan":
            return complaint
        admin = self.admins.get(lead.pk)
        if plan == "returned":
            lifecycle.return_dispatch(
                complaint,
                admin,
                reason="Lokasi tersebut bukan aset/kewenangan kami; mohon diteruskan ke OPD lain.",
                at=self.step(at, 1, 40),
            )
            return complaint
        # Some agencies answer late: that is what the deadline pages must show.
        slow = rng.random() < 0.3
        at = self.step(at, 1, 70 if slow else 20)
        if plan == "menunggu_info":
            lifecycle.request_info(
                complaint,
                admin,
                question="Mohon kirimkan foto dan patokan lokasi yang lebih jelas (nama gang/nomor rumah terdekat).",
                at=at,
            )
            return complaint
        lifecycle.acknowledge(
            complaint, admin, note="Aduan diterima dan dijadwalkan pengecekan lapangan.", at=at
        )
        if plan == "diproses":
            if rng.random() < 0.5:
                lifecycle.post_update(
                    complaint,
                    admin,
                    note="Petugas sudah melakukan survei lokasi.",
                    at=self.step(at, 4, 48),
                )
            return complaint
        at = self.step(at, 10, 150 if slow else 70)
        if plan == "ditunda_anggaran":
            year = timezone.localtime(at).year + 1
            lifecycle.defer_to_budget(
                complaint,
                admin,
                year=year,
                plan=f"Perbaikan diusulkan dalam APBD {year} karena anggaran tahun ini sudah terserap.",
                at=at,
            )
            # Older deferrals were answered as planned, so the demo shows that outcome.
            if (self.now - item["received_at"]).days > 30 and rng.random() < 0.5:
                lifecycle.resolve(
                    complaint,
                    admin,
                    answer=corpus.planned_answer(item, year, lead.short_name),
                    outcome=Outcome.PLANNED,
                    at=self.step(at, 2, 48),
                )
            return complaint
        outcome, outcome_note, answer = corpus.outcome_for(item, rng.random(), lead.short_name)
        lifecycle.resolve(
            complaint, admin, answer=answer, outcome=outcome, outcome_note=outcome_note, at=at
        )
        if plan == "selesai":
            return complaint
        at = self.step(at, 3, 90)
        if plan == "reopened":
            lifecycle.dispute(
                complaint, reason="Belum ada perbaikan di lokasi, kondisinya masih sama.", at=at
            )
            return complaint
        if rng.random() < 0.6:
            lifecycle.confirm(complaint, at=at)
        else:
            lifecycle.close(
                complaint, note="Ditutup otomatis: tidak ada bantahan.", automatic=True, at=at
            )
        if rng.random() < 0.7:
            lifecycle.rate(
                complaint,
                rating=rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 4])[0],
                at=self.step(at, 0.1, 10),
            )
        return complaint


def load_complaints(n: int = 400, seed: int = 2611, days: int = 120) -> int:
    now = timezone.now()
    today = timezone.localdate(now)
    items = corpus.generate_complaints(n, seed=seed, start=today - timedelta(days=days), end=today)
    items.sort(key=lambda item: item["received_at"])
    rng = random.Random(seed)
    walker = _Walker(rng, now)
    created = 0
    for item in items:
        if item["received_at"] >= now:
            continue
        age = (now - item["received_at"]).days
        item["_plan"] = _pick(rng, _PLANS_OLD if age > 14 else _PLANS_RECENT)
        if item["kind"] == "apresiasi" and item["_plan"] not in ("baru", "ditolak"):
            item["_plan"] = "ditutup"
        with transaction.atomic():
            walker.walk(item)
        created += 1
    # Let the escalation ladder catch up on the back-dated history, so the warning
    # board and timelines show what the system would have done.
    sweep(now=now)
    # Demo history was never really sent; only what happens from now on is.
    OutboundMessage.objects.filter(state=OutboundMessage.State.PENDING).update(
        state=OutboundMessage.State.SENT, sent_at=now, provider_id="demo-history"
    )
    Complaint.objects.filter(acknowledgment_pending=True).update(acknowledgment_pending=False)
    return created


def demo_is_loaded() -> bool:
    return Agency.objects.exists()
