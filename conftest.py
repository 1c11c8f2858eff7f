"""Shared fixtures: a small city and named personas for every role.

Personas (as in the tests of healthchecks): Mira the moderator, Adi the
admin of DPUPR, Kurnia its head, Dewi the admin of DLH (another agency),
Sekar the Sekda (read-only leader) and Sari the system admin.
"""

import io

import pytest
from PIL import Image

from aduan.core import lifecycle
from aduan.core.models import (
    Agency,
    Category,
    Channel,
    Kecamatan,
    Kelurahan,
    Privacy,
    RejectionReason,
    Role,
    Status,
    User,
)

pytest_plugins = ["aduan.testing.browser"]


def pytest_collection_modifyitems(config, items):
    """CI runs the suite twice, on SQLite and on PostgreSQL: the real-browser tests run in
    the SQLite pass and the slow multi-process tests in the PostgreSQL pass, once each.
    ADUAN_TEST_EVERYTHING=1 runs both kinds on either database."""
    import os

    from django.conf import settings

    if os.environ.get("ADUAN_TEST_EVERYTHING") == "1":
        return
    postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_browser = pytest.mark.skip(reason="real-browser tests run in the SQLite pass")
    skip_slow = pytest.mark.skip(reason="slow multi-process tests run in the PostgreSQL pass")
    for item in items:
        if postgres and item.get_closest_marker("browser"):
            item.add_marker(skip_browser)
        elif not postgres and item.get_closest_marker("slow"):
            item.add_marker(skip_slow)


PASSWORD = "rahasia-uji-123"


@pytest.fixture
def city(db):
    klojen = Kecamatan.objects.create(code="35.73.02", name="Klojen")
    sukun = Kecamatan.objects.create(code="35.73.04", name="Sukun")
    dpupr = Agency.objects.create(
        code="dpuprpkp", name="Dinas Pekerjaan Umum", short_name="DPUPRPKP"
    )
    dlh = Agency.objects.create(code="dlh", name="Dinas Lingkungan Hidup", short_name="DLH")
    pdam = Agency.objects.create(code="pdam", name="Perumda Tugu Tirta", short_name="PDAM")
    kominfo = Agency.objects.create(code="diskominfo", name="Diskominfo", short_name="Diskominfo")
    roads = Category.objects.create(code="jalan-rusak", name="Jalan rusak", agency=dpupr)
    waste = Category.objects.create(code="sampah", name="Sampah", agency=dlh)
    water = Category.objects.create(code="air-pdam", name="Air PDAM", agency=pdam)
    return {
        "klojen": klojen,
        "sukun": sukun,
        "kauman": Kelurahan.objects.create(code="35.73.02.1001", name="Kauman", kecamatan=klojen),
        "oro": Kelurahan.objects.create(
            code="35.73.02.1002", name="Oro-oro Dowo", kecamatan=klojen
        ),
        "gadang": Kelurahan.objects.create(code="35.73.04.1001", name="Gadang", kecamatan=sukun),
        "dpupr": dpupr,
        "dlh": dlh,
        "pdam": pdam,
        "kominfo": kominfo,
        "roads": roads,
        "waste": waste,
        "water": water,
        "spam": RejectionReason.objects.create(
            code="spam", label="Spam", explanation="Pesan ini bukan aduan."
        ),
        "not_city": RejectionReason.objects.create(
            code="not_city_matter",
            label="Bukan kewenangan Pemkot",
            explanation="Urusan ini bukan kewenangan Pemerintah Kota Malang.",
            referral="PLN UP3 Malang",
        ),
    }


def _user(username, role, agency=None, **extra):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        agency=agency,
        first_name=username.title(),
        **extra,
    )
    return user


@pytest.fixture
def mira(city):
    return _user("mira", Role.MODERATOR, city["kominfo"])


@pytest.fixture
def adi(city):
    return _user("adi", Role.ADMIN_OPD, city["dpupr"])


@pytest.fixture
def kurnia(city):
    return _user("kurnia", Role.KEPALA_OPD, city["dpupr"])


@pytest.fixture
def dewi(city):
    return _user("dewi", Role.ADMIN_OPD, city["dlh"])


@pytest.fixture
def sekar(city):
    return _user("sekar", Role.PIMPINAN)


@pytest.fixture
def sari(city):
    return _user("sari", Role.ADMIN_SISTEM, is_staff=True, is_superuser=True)


@pytest.fixture
def make_complaint(city):
    """File a complaint through the lifecycle, as a citizen on the web would."""

    def make(**overrides):
        fields = {
            "text": "Jalan di depan pasar berlubang besar, sudah dua minggu belum diperbaiki.",
            "channel": Channel.WEB,
            "privacy": Privacy.PUBLIK,
            "reporter_name": "Budi Santoso",
            "reporter_phone": "+6281234567890",
            "kelurahan": city["kauman"],
            "category": city["roads"],
        }
        fields.update(overrides)
        complaint, _ = lifecycle.create_complaint(**fields)
        return complaint

    return make


@pytest.fixture
def complaint_in(make_complaint, city, mira, adi):
    """A complaint brought to ``status`` through the real transitions."""

    def bring(status, **overrides):
        c = make_complaint(**overrides)
        if status == Status.BARU:
            return c
        if status == Status.TERVERIFIKASI:
            lifecycle.verify(c, mira)
            return c
        if status == Status.DITOLAK:
            lifecycle.reject(c, mira, reason=city["spam"])
            return c
        if status == Status.DIGABUNG:
            other = make_complaint()
            lifecycle.merge(c, mira, into=other)
            return c
        lifecycle.dispatch(c, mira, lead=city["dpupr"])
        if status == Status.DIDISPOSISIKAN:
            return c
        if status == Status.MENUNGGU_INFO:
            lifecycle.request_info(c, adi, question="Di sebelah mana tepatnya?")
            return c
        lifecycle.acknowledge(c, adi)
        if status == Status.DIPROSES:
            return c
        if status == Status.DITUNDA_ANGGARAN:
            from django.utils import timezone

            lifecycle.defer_to_budget(
                c, adi, year=timezone.localdate().year + 1, plan="Masuk rencana APBD."
            )
            return c
        lifecycle.resolve(c, adi, answer="Lubang sudah ditambal pada hari ini.")
        if status == Status.SELESAI:
            return c
        if status == Status.DITUTUP:
            lifecycle.confirm(c)
            return c
        raise ValueError(status)

    return bring


def image_bytes(fmt="JPEG", size=(64, 48), exif_gps=False) -> bytes:
    img = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "S", 2: (7.0, 58.0, 0.0), 3: "E", 4: (112.0, 37.0, 0.0)}  # GPS IFD
        img.save(out, format=fmt, exif=exif)
    else:
        img.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def jpeg():
    return image_bytes


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "second_factor: log-ins in this test get no help with the second step "
        "(see _staff_logins_pass_the_second_step)",
    )


@pytest.fixture(autouse=True)
def _new_complaints_followed_up_in_the_request(settings):
    """Tests file a complaint and read its suggestion and its acknowledgment at once: new
    complaints are triaged right after the filing's commit, in the test's own process, and
    acknowledged in the filing's transaction (``ADUAN_AFTER_FILING = "request"``).
    Production leaves both to the worker (the ``triage.new`` job, the outbox job); the
    tests of that path (aduan/triage/tests/test_triage_worker.py,
    aduan/core/tests/test_acknowledgment.py) set "worker" themselves, and the
    multi-process scale-out test runs with the default."""
    settings.ADUAN_AFTER_FILING = "request"


@pytest.fixture(autouse=True)
def _staff_logins_pass_the_second_step(request, monkeypatch):
    """``client.login`` and ``force_login`` give a session that has passed the second
    step, as the real login would after a right code, so tests about other things can
    log staff in with one line. Only those two test-client calls are helped: the login
    form (browser tests, and every test of the two steps, marked ``second_factor``)
    meets the real enforcement."""
    if request.node.get_closest_marker("second_factor"):
        return
    from django.test.client import ClientMixin
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from aduan.office import twofactor

    plain_login = ClientMixin._login

    def login_past_the_second_step(client, user, backend=None):
        plain_login(client, user, backend)
        if not twofactor.is_staff_account(user):
            return
        state = twofactor.state_of(user)
        if not (state.required or state.enrolled):
            return
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(ClientMixin, "_login", login_past_the_second_step)
