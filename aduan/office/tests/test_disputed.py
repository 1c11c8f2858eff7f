"""A complaint the reporter disputed is reopened with its agency: every staff list marks
it, and its page says why, in the reporter's words (masked as the viewer must see them)."""

import pytest

from aduan.core import lifecycle
from aduan.core.models import Privacy, Status

from .conftest import login

pytestmark = pytest.mark.django_db

REASON = "Lubangnya masih ada, kemarin Budi Santoso jatuh di situ."


def row_of(html: str, code: str) -> str:
    link = f'href="/kantor/aduan/{code}/"'
    rows = [
        part.split("</tr>")[0] for part in html.split("<tr")[1:] if link in part.split("</tr>")[0]
    ]
    assert len(rows) == 1, code
    return rows[0]


@pytest.fixture
def disputed(complaint_in, client):
    complaint = complaint_in(Status.SELESAI)
    response = client.post(f"/k/{complaint.token}/bantah/", {"reason": REASON})
    assert response.status_code in (200, 302)
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN and complaint.reopen_count == 1
    return complaint


def test_inbox_marks_the_disputed_complaint_and_not_a_fresh_dispatch(disputed, complaint_in, adi):
    fresh = complaint_in(Status.DIDISPOSISIKAN)
    html = login(adi).get("/kantor/opd/").content.decode()
    assert "Dibantah pelapor" in row_of(html, disputed.code)
    assert 'class="office-reopened"' in row_of(html, disputed.code)
    assert "Dibantah pelapor" not in row_of(html, fresh.code)


def test_search_results_mark_it(disputed, mira):
    html = login(mira).get(f"/kantor/semua/?q={disputed.code}").content.decode()
    assert "Dibantah pelapor" in row_of(html, disputed.code)


def test_the_page_gives_the_reporters_reason(disputed, adi, mira):
    for user in (adi, mira):
        html = login(user).get(f"/kantor/aduan/{disputed.code}/").content.decode()
        assert "office-dispute" in html and "Alasan pelapor:" in html
        assert "Lubangnya masih ada" in html


def test_a_second_dispute_is_counted_and_both_reasons_shown(disputed, adi, client):
    lifecycle.acknowledge(disputed, adi)
    lifecycle.resolve(disputed, adi, answer="Sudah ditambal ulang.")
    client.post(f"/k/{disputed.token}/bantah/", {"reason": "Tambalannya lepas lagi."})
    html = login(adi).get(f"/kantor/aduan/{disputed.code}/").content.decode()
    assert "Dibantah pelapor 2×" in html
    assert html.count('class="msg msg-warning office-dispute"') == 2
    assert "Tambalannya lepas lagi." in html


def test_an_anonymous_reporters_reason_is_masked_for_the_agency(complaint_in, client, adi):
    complaint = complaint_in(Status.SELESAI, privacy=Privacy.ANONIM, reporter_name="Budi Santoso")
    client.post(f"/k/{complaint.token}/bantah/", {"reason": REASON})
    html = login(adi).get(f"/kantor/aduan/{complaint.code}/").content.decode()
    assert "Lubangnya masih ada" in html
    assert "Budi" not in html and "Santoso" not in html
