"""Public tracking page: /lacak/<code>/. Anyone holding the code may read it."""

import pytest

from aduan.core import lifecycle
from aduan.core.models import Privacy, Status


def page(client, complaint):
    response = client.get(f"/lacak/{complaint.code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_shows_status_agency_and_public_timeline(client, complaint_in, adi):
    complaint = complaint_in(Status.DIPROSES)
    lifecycle.post_update(complaint, adi, note="Tim sudah survei lokasi hari ini.")

    html = page(client, complaint)

    assert complaint.code in html
    assert '<span class="badge status-diproses">Diproses OPD</span>' in html
    assert "Dinas Pekerjaan Umum" in html
    assert "Jalan di depan pasar berlubang besar" in html
    for label in ("Aduan diterima", "Didisposisikan", "Diterima OPD", "Perkembangan"):
        assert label in html
    assert "Tim sudah survei lokasi hari ini." in html


def test_internal_notes_never_shown(client, complaint_in, adi):
    complaint = complaint_in(Status.DIPROSES)
    lifecycle.post_update(complaint, adi, note="Catatan internal: kontraktor lambat.", public=False)
    lifecycle.record_note(complaint, adi, note="Rapat koordinasi dengan camat.")
    lifecycle.resolve(
        complaint,
        adi,
        answer="Lubang sudah ditambal.",
        internal_note="Anggaran diambil dari pos pemeliharaan rutin.",
    )

    html = page(client, complaint)

    assert "Lubang sudah ditambal." in html
    assert "kontraktor lambat" not in html
    assert "Rapat koordinasi" not in html
    assert "pos pemeliharaan rutin" not in html
    assert "Catatan internal" not in html


def test_reporter_identity_never_shown(client, complaint_in):
    complaint = complaint_in(Status.TERVERIFIKASI, reporter_email="budi.santoso@contoh.id")
    html = page(client, complaint)
    assert "Budi" not in html
    assert "Santoso" not in html
    assert "+6281234567890" not in html
    assert "81234567890" not in html
    assert "0812" not in html
    assert "budi.santoso@contoh.id" not in html


def test_personal_data_in_the_text_is_masked(client, complaint_in):
    complaint = complaint_in(
        Status.TERVERIFIKASI,
        text="Saya Budi Santoso, hubungi 0812 3456 7890. Saluran air di gang 3 mampet total.",
    )
    html = page(client, complaint)
    assert "Saluran air di gang 3 mampet total." in html
    assert "Budi" not in html
    assert "3456" not in html
    assert "[telepon]" in html


def test_personal_data_in_staff_replies_is_masked(client, complaint_in, adi):
    complaint = complaint_in(Status.DIPROSES)
    lifecycle.post_update(complaint, adi, note="Pak Budi Santoso, tim datang besok pagi.")
    lifecycle.resolve(complaint, adi, answer="Sudah ditambal. Info: hubungi 0341 551 234.")

    public = page(client, complaint)
    private = client.get(f"/k/{complaint.token}/").content.decode()

    assert "tim datang besok pagi." in public
    assert "Sudah ditambal." in public
    assert "Budi" not in public
    assert "551 234" not in public
    assert "Pak Budi Santoso, tim datang besok pagi." in private
    assert "hubungi 0341 551 234." in private


def test_citizen_replies_are_not_public(client, complaint_in):
    complaint = complaint_in(Status.MENUNGGU_INFO)
    lifecycle.provide_info(complaint, text="Rumah saya nomor 12, sebelah warung Bu Tini.")
    html = page(client, complaint)
    assert "Informasi tambahan dari pelapor" in html
    assert "warung Bu Tini" not in html


def test_rahasia_complaint_shows_only_its_status(client, complaint_in):
    complaint = complaint_in(
        Status.SELESAI,
        privacy=Privacy.RAHASIA,
        text="Saya dimintai pungutan liar saat mengurus KTP di kantor kelurahan.",
    )

    public = page(client, complaint)
    private = client.get(f"/k/{complaint.token}/").content.decode()

    assert "pungutan liar" not in public
    assert "Lubang sudah ditambal" not in public  # the answer is content too
    assert "Kauman" not in public
    assert "Jalan rusak" not in public  # the category
    assert "Dinas Pekerjaan Umum" not in public  # the agency
    assert "Riwayat" not in public
    assert "tidak ditampilkan untuk umum" in public
    assert '<span class="badge status-selesai">' in public
    assert "pungutan liar" in private
    assert "Lubang sudah ditambal" in private


def test_rejection_is_explained_to_the_reporter_only(client, complaint_in, city, mira):
    # The rejection's explanation can say what the complaint was about: the public
    # sees that it was rejected, the reporter why and where to go instead.
    complaint = complaint_in(Status.BARU)
    lifecycle.reject(complaint, mira, reason=city["not_city"])

    public = page(client, complaint)
    private = client.get(f"/k/{complaint.token}/").content.decode()

    assert '<span class="badge status-ditolak">Ditolak</span>' in public
    assert "bukan kewenangan" not in public.lower()
    assert "PLN UP3 Malang" not in public
    assert "Urusan ini bukan kewenangan Pemerintah Kota Malang." in private
    assert "PLN UP3 Malang" in private


def test_merged_complaint_points_to_a_listed_survivor(client, complaint_in, mira):
    complaint = complaint_in(Status.DIGABUNG)
    survivor = complaint.merged_into
    lifecycle.verify(survivor, mira)
    html = page(client, complaint)
    assert f'href="/lacak/{survivor.code}/"' in html
    assert "Jalan di depan pasar" not in html


def test_merged_complaint_does_not_point_to_an_unlisted_survivor(client, complaint_in):
    complaint = complaint_in(Status.DIGABUNG)
    survivor = complaint.merged_into
    public = page(client, complaint)
    private = client.get(f"/k/{complaint.token}/").content.decode()
    assert survivor.code not in public
    assert '<span class="badge status-digabung">' in public
    # The reporter follows the survivor whatever its state.
    assert f'href="/lacak/{survivor.code}/"' in private


def test_non_canonical_code_redirects(client, make_complaint):
    complaint = make_complaint()
    response = client.get(f"/lacak/{complaint.code.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == f"/lacak/{complaint.code}/"


@pytest.mark.parametrize("code", ["ADU-2001-9999", "bukan-kode", "ADU-26"])
def test_unknown_or_malformed_code_is_404(client, make_complaint, code):
    make_complaint()
    assert client.get(f"/lacak/{code}/").status_code == 404


def test_token_is_not_a_code(client, make_complaint):
    complaint = make_complaint()
    assert client.get(f"/lacak/{complaint.token}/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_read_only(client, make_complaint, method):
    complaint = make_complaint()
    assert getattr(client, method)(f"/lacak/{complaint.code}/").status_code == 405
