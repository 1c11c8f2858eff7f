"""Moderator dispatch → agency answer → the citizen reads it, in a real browser."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aduan.core.models import Channel, Complaint, Kind, Privacy, Status
from aduan.office import twofactor
from aduan.testing.browser import assert_accessible, new_page, screenshot
from conftest import PASSWORD

from .twofactor_steps import code_now, device_for

pytestmark = [
    pytest.mark.browser,
    # The live server runs without collectstatic; WhiteNoise only warns about it.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ANSWER = "Lubang di depan Pasar Besar sudah ditambal aspal dingin pada hari ini."


def log_in(page, base, user):
    """Both steps through the real forms: the password, then (for a role that requires
    it) the code an authenticator app would show."""
    required = twofactor.role_requires(user)
    device = device_for(user) if required else None
    page.goto(base + "/kantor/masuk/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    if device is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text("Verifikasi dua langkah")
        page.get_by_label("Kode verifikasi").fill(code_now(device))
        page.get_by_role("button", name="Verifikasi").click()


@pytest.fixture
def queue_data(make_complaint, city):
    """A queue that looks like a working morning: channels, kinds, deadlines."""
    now = timezone.now()
    made = [
        make_complaint(
            text="Sampah di TPS Kauman belum diangkut tiga hari, baunya menyengat.",
            category=city["waste"],
            channel=Channel.WHATSAPP,
        ),
        make_complaint(
            text="Bagaimana cara mengurus izin reklame toko?",
            kind=Kind.INFORMASI,
            category=None,
            channel=Channel.SMS,
            kelurahan=city["gadang"],
        ),
        make_complaint(
            text="Air PDAM keruh sejak kemarin sore di Oro-oro Dowo.",
            category=city["water"],
            kelurahan=city["oro"],
            privacy=Privacy.ANONIM,
        ),
    ]
    subject = make_complaint(
        text="Jalan di depan Pasar Besar berlubang besar, sudah dua motor jatuh minggu ini."
    )
    for i, c in enumerate([subject, *made]):
        Complaint.objects.filter(pk=c.pk).update(
            due_stage="dispatch", due_at=now + timedelta(hours=2 + 5 * i)
        )
    Complaint.objects.filter(pk=made[0].pk).update(due_at=now - timedelta(hours=1))
    return subject


def test_dispatch_answer_and_citizen_sees_it(
    live_server, transactional_db, browser, desktop_page, city, mira, adi, queue_data
):
    base = live_server.url
    subject = queue_data

    # The moderator works the queue.
    page = desktop_page
    log_in(page, base, mira)
    expect(page).to_have_url(re.compile(r"/kantor/antrean/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrean moderator")
    expect(page.locator(".office-code").first).to_be_visible()
    screenshot(page, "office-queue")
    assert_accessible(page)

    page.get_by_role("link", name=subject.code).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(subject.code)
    dispatch = page.locator("#aksi-disposisi")
    expect(dispatch.get_by_label("OPD utama")).to_have_value(str(city["dpupr"].pk))
    screenshot(page, "office-complaint")
    assert_accessible(page)
    dispatch.get_by_label("Catatan untuk OPD (opsional)").fill(
        "Mohon segera, dua pengendara jatuh."
    )
    dispatch.get_by_role("button", name="Verifikasi dan disposisikan").click()
    expect(page.locator(".msg-success")).to_contain_text("Aduan didisposisikan.")
    expect(page.locator(".badge").first).to_have_text("Didisposisikan ke OPD")

    # The agency admin, in another browser session, answers.
    agency_page = new_page(browser, phone=False)
    try:
        log_in(agency_page, base, adi)
        expect(agency_page).to_have_url(re.compile(r"/kantor/opd/$"))
        agency_page.get_by_role("link", name=subject.code).click()
        resolve = agency_page.locator("#aksi-selesaikan")
        resolve.locator("summary").click()
        resolve.get_by_label("Jawaban untuk pelapor").fill(ANSWER)
        # The body/reason field shows only for a referral or a refusal (resolve-outcome.js).
        note = resolve.get_by_label("Pihak rujukan atau alasan")
        resolve.get_by_role("radio", name=re.compile("Dirujuk ke pihak lain")).check()
        expect(note).to_be_visible()
        resolve.get_by_role("radio", name=re.compile("Sudah ditangani")).check()
        expect(note).to_be_hidden()
        resolve.get_by_role("button", name="Jawab dan selesaikan").click()
        expect(agency_page.locator(".msg-success")).to_contain_text("Jawaban terkirim")
        expect(agency_page.locator(".answer")).to_contain_text(ANSWER)
        assert_accessible(agency_page)
    finally:
        agency_page.context.close()

    subject.refresh_from_db()
    assert subject.status == Status.SELESAI

    # The citizen opens the private link from the SMS.
    citizen = new_page(browser, phone=True)
    try:
        citizen.goto(f"{base}/k/{subject.token}/")
        expect(citizen.locator(".answer")).to_contain_text(ANSWER)
        expect(citizen.locator(".badge").first).to_have_text("Selesai ditindaklanjuti")
    finally:
        citizen.context.close()
