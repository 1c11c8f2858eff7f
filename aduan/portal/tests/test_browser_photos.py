"""Photos on a slow phone, in a real browser: the browser shrinks a large camera photo
before sending it and shows the upload's progress; the private page's add-info form."""

import io
import os
import re
import time

import pytest
from PIL import Image, ImageFilter
from playwright.sync_api import expect

from aduan.core.models import Attachment, Complaint, Status
from aduan.testing.browser import assert_accessible, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# The throttled profile: 400 kbit/s, 400 ms round trip.
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}


def camera_photo(path) -> int:
    """A 4000 x 3000 JPEG of about 3 MB, like a phone camera's."""
    # Blurred noise: about as much detail per pixel as a real street photo.
    noise = Image.frombytes("RGB", (900, 675), os.urandom(900 * 675 * 3))
    img = noise.filter(ImageFilter.GaussianBlur(1.2)).resize((4000, 3000), Image.BICUBIC)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=98)
    path.write_bytes(out.getvalue())
    return len(out.getvalue())


def watch_progress(page):
    page.evaluate(
        """() => {
            window.__progress = [];
            const box = document.querySelector('.upload-progress');
            new MutationObserver(() => {
                const bar = box.querySelector('progress');
                if (bar.hasAttribute('value')) window.__progress.push(bar.value);
            }).observe(box, {subtree: true, attributes: true, childList: true});
        }"""
    )


def test_photo_is_shrunk_in_the_browser_and_sent_with_progress(
    live_server, transactional_db, phone_page, city, tmp_path
):
    page = phone_page
    original = camera_photo(tmp_path / "kamera.jpg")
    assert original > 2_500_000
    page.goto(live_server.url + "/aduan/baru/")
    page.get_by_label("Apa yang ingin Anda sampaikan?").fill(
        "Jalan berlubang besar di depan pasar, sudah dua minggu."
    )
    page.get_by_label("Kelurahan").select_option(str(city["oro"].pk))
    page.get_by_label("Nama", exact=True).fill("Siti Aminah")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label("Foto (maksimal 5)").set_input_files(str(tmp_path / "kamera.jpg"))
    watch_progress(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    started = time.monotonic()
    page.get_by_role("button", name="Kirim aduan").click()
    expect(page.locator(".upload-progress")).to_be_visible()
    screenshot(page, "file-photo-progress-phone")
    expect(page).to_have_url(re.compile(r"/aduan/terkirim/"), timeout=30_000)
    elapsed = time.monotonic() - started
    cdp.send(
        "Network.emulateNetworkConditions",
        {**SLOW, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )

    attachment = Attachment.objects.get(complaint=Complaint.objects.get())
    assert max(attachment.width, attachment.height) == 1600  # shrunk by the browser
    assert attachment.size < original / 4
    progress = page.evaluate("() => window.__progress || []")
    print(
        f"original {original} B, stored {attachment.size} B, "
        f"{elapsed:.1f} s at 400 kbit/s, progress {progress[:3]}…"
    )
    assert elapsed < 10


def test_private_page_adds_information_with_a_photo(
    live_server, transactional_db, phone_page, complaint_in, tmp_path
):
    complaint = complaint_in(Status.DIPROSES)
    camera_photo(tmp_path / "kamera.jpg")
    page = phone_page
    page.goto(f"{live_server.url}/k/{complaint.token}/")
    expect(page.get_by_role("heading", name="Tambah informasi")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Informasi tambahan").fill("Lubangnya makin lebar setelah hujan.")
    page.get_by_label("Foto (boleh dikosongkan)").set_input_files(str(tmp_path / "kamera.jpg"))
    page.get_by_role("button", name="Kirim informasi").click()
    expect(page.get_by_text("Terima kasih, informasi Anda sudah kami terima.")).to_be_visible()
    screenshot(page, "own-add-info-phone")
    assert_accessible(page)
    attachment = Attachment.objects.get(complaint=complaint)
    assert max(attachment.width, attachment.height) == 1600
    expect(page.locator(f'img[src*="{attachment.public_id}/?ukuran=kecil"]')).to_be_visible()
